import DfuSe

/// All storage of a simulated part: main flash, OTP, option bytes, SRAM and
/// the Device Feature bytes. Raw access here ignores protection; the ROM
/// rules live in `SimulatedBoardCore+Execution.swift`.
struct SimulatedMemory: Sendable {
  var flash: SimulatedFlashArray
  var otp: SimulatedFlashArray
  /// Current option bytes, one array per zone, stored normalized.
  var optionBytes: [[UInt8]]
  var sram: [UInt8]
  let sramStart: UInt32
  var deviceFeature: [UInt8]
  let deviceFeatureStart: UInt32
  let optionByteStarts: [UInt32]

  /// Which storage an address range falls in.
  enum Region: Equatable {
    case flash(offset: Int)
    case otp(offset: Int)
    case optionBytes(zone: Int, offset: Int)
    case sram(offset: Int)
    case deviceFeature(offset: Int)
  }

  init(profile: SimulatedProfile) {
    let flashMap = profile.flashMap
    let flashStart = flashMap.segments.first?.start ?? 0x0800_0000
    let flashEnd = flashMap.segments.map(\.end).max() ?? UInt64(flashStart)
    flash = SimulatedFlashArray(base: flashStart, size: Int(flashEnd - UInt64(flashStart)), family: profile.family)
    let (otpStart, otpSize) = Self.span(of: profile, kind: .otp)
    otp = SimulatedFlashArray(base: otpStart, size: otpSize, family: profile.family)
    let (featureStart, featureSize) = Self.span(of: profile, kind: .deviceFeature)
    deviceFeatureStart = featureStart
    deviceFeature = [UInt8](repeating: 0, count: featureSize)
    sramStart = profile.sramStart
    sram = [UInt8](repeating: 0, count: Int(profile.sramSize))
    optionByteStarts = profile.optionByteZones.map(\.address)
    optionBytes = profile.optionByteZones.map { profile.family.normalizedOptionBytes($0.factoryDefault) }
  }

  /// First address and byte count covered by the first alternate of `kind`.
  private static func span(of profile: SimulatedProfile, kind: SimulatedAlternate.Kind) -> (UInt32, Int) {
    guard let index = profile.alternateIndex(of: kind) else { return (0, 0) }
    let map = profile.memoryMap(alternate: index)
    guard let start = map.segments.first?.start, let end = map.segments.map(\.end).max() else { return (0, 0) }
    return (start, Int(end - UInt64(start)))
  }

  /// The storage holding all of `[address, address + count)`, or nil when the
  /// range is not inside one storage block.
  func region(at address: UInt64, count: Int) -> Region? {
    let n = max(count, 1)
    if flash.contains(address, count: n) { return .flash(offset: Int(address - UInt64(flash.base))) }
    if otp.count > 0, otp.contains(address, count: n) { return .otp(offset: Int(address - UInt64(otp.base))) }
    for (zone, start) in optionByteStarts.enumerated()
    where address >= UInt64(start) && address + UInt64(n) <= UInt64(start) + UInt64(optionBytes[zone].count) {
      return .optionBytes(zone: zone, offset: Int(address - UInt64(start)))
    }
    if address >= UInt64(sramStart), address + UInt64(n) <= UInt64(sramStart) + UInt64(sram.count) {
      return .sram(offset: Int(address - UInt64(sramStart)))
    }
    if !deviceFeature.isEmpty, address >= UInt64(deviceFeatureStart),
       address + UInt64(n) <= UInt64(deviceFeatureStart) + UInt64(deviceFeature.count) {
      return .deviceFeature(offset: Int(address - UInt64(deviceFeatureStart)))
    }
    return nil
  }

  /// Raw bytes; unmapped addresses read as 0x00.
  func read(at address: UInt32, count: Int) -> [UInt8] {
    guard count > 0 else { return [] }
    if let fast = readContiguous(at: UInt64(address), count: count) { return fast }
    var result: [UInt8] = []
    result.reserveCapacity(count)
    var cursor = UInt64(address)
    let end = UInt64(address) + UInt64(count)
    while cursor < end {
      result.append(byte(at: cursor))
      cursor += 1
    }
    return result
  }

  private func byte(at address: UInt64) -> UInt8 {
    switch region(at: address, count: 1) {
    case .flash(let o): return flash.bytes[o]
    case .otp(let o): return otp.bytes[o]
    case .optionBytes(let zone, let o): return optionBytes[zone][o]
    case .sram(let o): return sram[o]
    case .deviceFeature(let o): return deviceFeature[o]
    case nil: return 0
    }
  }

  /// Contiguous read inside one region (fast path for UPLOAD); nil when the
  /// range crosses regions.
  func readContiguous(at address: UInt64, count: Int) -> [UInt8]? {
    guard count > 0 else { return [] }
    switch region(at: address, count: count) {
    case .flash(let o): return Array(flash.bytes[o..<(o + count)])
    case .otp(let o): return Array(otp.bytes[o..<(o + count)])
    case .optionBytes(let zone, let o): return Array(optionBytes[zone][o..<(o + count)])
    case .sram(let o): return Array(sram[o..<(o + count)])
    case .deviceFeature(let o): return Array(deviceFeature[o..<(o + count)])
    case nil: return nil
    }
  }

  /// Raw store for test set-up (ignores flash rules, marks L4 words programmed).
  mutating func poke(at address: UInt32, bytes data: [UInt8]) {
    var i = 0
    while i < data.count {
      let a = UInt64(address) + UInt64(i)
      guard let region = region(at: a, count: 1) else { i += 1; continue }
      // Run to the end of this region.
      var run = 1
      while i + run < data.count, self.region(at: a, count: run + 1) != nil { run += 1 }
      let chunk = data[i..<(i + run)]
      switch region {
      case .flash(let o): flash.poke(offset: o, data: chunk)
      case .otp(let o): otp.poke(offset: o, data: chunk)
      case .optionBytes(let zone, let o): optionBytes[zone].replaceSubrange(o..<(o + run), with: chunk)
      case .sram(let o): sram.replaceSubrange(o..<(o + run), with: chunk)
      case .deviceFeature(let o): deviceFeature.replaceSubrange(o..<(o + run), with: chunk)
      }
      i += run
    }
  }
}
