public import Logging

/// The option-byte jobs on one device, DfuSe-level so the CLI and the TUI
/// share them: read (detecting RDP level 1), write a confirmed
/// ``OptionByteChangePlan`` zone by zone (each zone write resets the device,
/// AN3156 §2.5: wait for re-enumeration, find it again, continue), verify by
/// re-reading, and Read Unprotect (§5.4) with confirmation of RDP 0.
public final class OptionByteController {
  public let bus: any DFUBus
  public let clock: any BlockingClock
  /// Receives the USB trace of every session and the waits for re-enumeration.
  public let logger: Logger
  /// The current enumeration of the device (updated after every reset).
  public private(set) var device: DFUDeviceInfo
  public let family: OptionByteFamily
  /// The "Option Bytes" alternate setting.
  public let alternate: UInt8
  /// Its zones, from the alt string.
  public let zones: [MemorySegment]
  /// How long a reset and re-enumeration may take (device time). The
  /// simulated F405 needs ~8 s after an unprotect (mass erase).
  public var resetTimeout: Duration = .seconds(90)

  /// - Parameter family: overrides identification (``ChipIdentity/identify(_:)``).
  /// - Throws: ``OptionByteError/unknownFamily(_:)`` when the family cannot be
  ///   told; ``OptionByteError/zoneMismatch(family:device:)`` when the alt's
  ///   zones are not the family's.
  public init(bus: any DFUBus, device: DFUDeviceInfo, clock: any BlockingClock, logger: Logger,
              family: OptionByteFamily? = nil) throws(OptionByteError) {
    self.bus = bus
    self.device = device
    self.clock = clock
    self.logger = logger
    let found = device.alternateSettings.compactMap { alt -> (UInt8, MemoryMap)? in
      guard let map = try? alt.memoryMap(), map.name.lowercased().contains("option") else { return nil }
      return (alt.number, map)
    }.first
    guard let (number, map) = found else {
      throw .unknownFamily("a device without an \"Option Bytes\" alternate setting")
    }
    guard let family = family ?? ChipIdentity.identify(device).optionBytes else {
      throw .unknownFamily("the device with option bytes at " + map.segments.map { hex32($0.start) }.joined(separator: ", "))
    }
    let expected = family.layout.zones
    let ok = map.segments.count <= expected.count && zip(map.segments, expected).allSatisfy { $0.start == $1.address }
    guard ok else {
      throw .zoneMismatch(family: family, device: map.segments.map { "\(hex32($0.start)) \($0.byteCount) B" })
    }
    self.family = family
    alternate = number
    zones = map.segments
  }

  /// Reads every zone.
  /// - Throws: ``OptionByteError/readProtected`` on errVENDOR (RDP level 1).
  public func read() throws(OptionByteError) -> OptionBytes {
    let dfu = try open(alternate)
    defer { dfu.transport.close() }
    var raw: [[UInt8]] = []
    for zone in zones {
      do throws(FlashError) {
        raw.append(try dfu.read(at: zone.start, count: Int(zone.byteCount)))
      } catch {
        throw Self.map(error)
      }
    }
    return try OptionBytes(family: family, zones: raw)
  }

  /// Writes `plan.after` (only the zones that change), waits for each reset,
  /// re-reads and compares field by field.
  /// - Throws: the gate's errors before anything is sent; device errors;
  ///   ``OptionByteError/verifyFailed(fields:zones:)``.
  public func write(_ plan: OptionByteChangePlan, confirmed: Bool, irreversiblePhrase: String?,
                    progress: (OperationProgress) -> Void = { _ in }) throws(OptionByteError) -> OptionByteWriteReport {
    try plan.check(confirmed: confirmed, irreversiblePhrase: irreversiblePhrase)
    let encoded = plan.after.encoded
    for (i, zone) in zones.enumerated() where i >= encoded.count || encoded[i].count != Int(zone.byteCount) {
      throw .sizeMismatch(zone: i, expected: Int(zone.byteCount), got: i < encoded.count ? encoded[i].count : 0)
    }
    let start = clock.now
    var resets = 0
    let toWrite = plan.zonesToWrite
    for (n, index) in toWrite.enumerated() {
      let dfu = try open(alternate)
      var op = DFUOperation.writeOptionBytes(encoded[index], at: zones[index].start)
      let outcome: OperationOutcome
      do throws(FlashError) { outcome = try dfu.run(&op, progress) } catch {
        dfu.transport.close()
        throw Self.map(error)
      }
      dfu.transport.close()
      let last = n == toWrite.count - 1
      if last && plan.after.readProtection == .level2 {
        return OptionByteWriteReport(zonesWritten: toWrite, resets: resets + 1, readBack: nil, verified: false,
                                     note: "RDP level 2 written; the device reset and, as level 2 disables the ROM "
                                       + "bootloader, it is not expected back. Not verified",
                                     elapsed: clock.now - start)
      }
      if outcome == .deviceReset { resets += 1 }
      device = try DeviceReenumeration.waitForDevice(on: bus, like: device, clock: clock, logger: logger,
                                                     timeout: resetTimeout)
    }
    // Verify.
    let back: OptionBytes
    do throws(OptionByteError) {
      back = try read()
    } catch .readProtected where plan.after.readProtection == .level1 {
      return OptionByteWriteReport(zonesWritten: toWrite, resets: resets, readBack: nil, verified: false,
                                   note: "the device now refuses uploads (errVENDOR): read protection level 1 is active "
                                     + "as requested. The other fields cannot be read back under RDP 1 and were not verified",
                                   elapsed: clock.now - start)
    }
    var bad: [String] = []
    for field in plan.after.presentFields where back.value(of: field) != plan.after.value(of: field) {
      bad.append(field.name)
    }
    guard bad.isEmpty else { throw .verifyFailed(fields: bad, zones: []) }
    return OptionByteWriteReport(zonesWritten: toWrite, resets: resets, readBack: back, verified: true,
                                 note: "read back after the reset: every field matches", elapsed: clock.now - start)
  }

  /// Read Unprotect (AN3156 §5.4): the ROM mass-erases flash (when RDP 1),
  /// resets the option bytes to defaults and resets. Waits for the device,
  /// re-reads the option bytes and confirms RDP level 0.
  public func unprotect(progress: (OperationProgress) -> Void = { _ in }) throws(OptionByteError) -> UnprotectReport {
    let start = clock.now
    let dfu = try open(alternate)
    var op = DFUOperation.readUnprotect()
    do throws(FlashError) { _ = try dfu.run(&op, progress) } catch {
      dfu.transport.close()
      throw Self.map(error)
    }
    dfu.transport.close()
    device = try DeviceReenumeration.waitForDevice(on: bus, like: device, clock: clock, logger: logger,
                                                   timeout: resetTimeout)
    let back: OptionBytes
    do throws(OptionByteError) { back = try read() } catch .readProtected { throw .stillProtected(.level1) }
    guard back.readProtection == .level0 else { throw .stillProtected(back.readProtection) }
    return UnprotectReport(optionBytes: back, elapsed: clock.now - start)
  }

  func open(_ alt: UInt8) throws(OptionByteError) -> DfuSeDevice {
    let transport: any DFUTransport
    do throws(TransportError) { transport = try bus.open(device, alternateSetting: alt) } catch {
      throw .transport(error, during: "opening the device")
    }
    do throws(MemoryMapError) { return try DfuSeDevice(info: device, transport: transport, clock: clock, logger: logger) } catch {
      transport.close()
      throw .unknownFamily("alternate \(alt) (\(error))")
    }
  }

  static func map(_ error: FlashError) -> OptionByteError {
    switch error {
    case .device(let e) where e.isReadProtection: return .readProtected
    case .device(let e): return .device(e)
    default: return .flash(error.description)
    }
  }
}

/// What an option-byte write did.
public struct OptionByteWriteReport: Sendable {
  public let zonesWritten: [Int]
  public let resets: Int
  /// The option bytes read after the last reset, when readable.
  public let readBack: OptionBytes?
  /// True only when every field was read back and matched.
  public let verified: Bool
  public let note: String
  public let elapsed: Duration
}

/// What Read Unprotect did.
public struct UnprotectReport: Sendable {
  /// The option bytes after the reset (RDP level 0 confirmed).
  public let optionBytes: OptionBytes
  public let elapsed: Duration
}
