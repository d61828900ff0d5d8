/// The Cortex-M vector table's first two words, checked by one rule set for
/// both a file (`info`) and the pre-leave boot check (field-notes §1.2 item 4;
/// ARMv7-M ARM B1.5.5: the core loads SP_main from word 0 and jumps to word 1):
/// - not erased (0xFFFFFFFF), so there is an application;
/// - the initial stack pointer lies in one of the chip's RAM regions or just
///   past its end (a full-descending stack starts at the top; F405 CCM and
///   L476 SRAM2 at 0x10000000 count), and is word-aligned;
/// - the reset vector has the Thumb bit, and points into the written image
///   (when given) and into readable flash (when the map is given).
public struct VectorTable: Hashable, Sendable {
  public var address: UInt32
  public var initialStackPointer: UInt32
  public var resetVector: UInt32
  /// Why the chip would not start, in plain words; empty when it looks bootable.
  public var problems: [String]

  public var isBootable: Bool { problems.isEmpty }
  public var stackPointer: UInt32 { initialStackPointer }

  /// Every RAM region of every catalogued part: the rule when the chip is not known (a file on its own).
  public static let anyRAM = ChipIdentity.mergedRegions(ChipVariant.all.flatMap(\.ramRegions))

  /// Checks the 8 bytes read at `address` (missing bytes count as erased).
  /// - Parameters:
  ///   - ramRegions: where the stack may be (``ChipProfile/ramRegions``).
  ///   - flash: the flash map; the reset vector must point into readable flash.
  ///   - image: when given, the reset vector must point into this image's bytes.
  public init(bytes: [UInt8], at address: UInt32, ramRegions: [ClosedRange<UInt32>] = VectorTable.anyRAM,
              flash: MemoryMap? = nil, image: FirmwareImage? = nil) {
    self.address = address
    initialStackPointer = bytes.count >= 4 ? readLE32(bytes, 0) : 0xFFFF_FFFF
    resetVector = bytes.count >= 8 ? readLE32(bytes, 4) : 0xFFFF_FFFF
    problems = Self.problems(sp: initialStackPointer, reset: resetVector, at: address, ram: ramRegions, flash: flash,
                             image: image)
  }

  /// The table at `chip`'s RAM regions (the boot check before leaving DFU).
  public init(vectorTable bytes: [UInt8], at address: UInt32, chip: ChipProfile, flash: MemoryMap,
              image: FirmwareImage? = nil) {
    self.init(bytes: bytes, at: address, ramRegions: chip.ramRegions, flash: flash, image: image)
  }

  /// The first two words at the image's lowest address, if at least 8 bytes are there
  /// (a file on its own: the reset vector may point past a partial image).
  public init?(image: FirmwareImage, ramRegions: [ClosedRange<UInt32>] = VectorTable.anyRAM) {
    guard let first = image.segments.first, first.bytes.count >= 8 else { return nil }
    self.init(bytes: Array(first.bytes.prefix(8)), at: first.address, ramRegions: ramRegions)
  }

  static func problems(sp: UInt32, reset: UInt32, at address: UInt32, ram: [ClosedRange<UInt32>], flash: MemoryMap?,
                       image: FirmwareImage?) -> [String] {
    if sp == 0xFFFF_FFFF && reset == 0xFFFF_FFFF {
      return ["the vector table at \(hex32(address)) is erased (0xFFFFFFFF): there is no application"]
    }
    var p: [String] = []
    let inRAM = ram.contains { UInt64(sp) > UInt64($0.lowerBound) && UInt64(sp) <= UInt64($0.upperBound) + 1 }
    if !inRAM {
      let regions = ram.map { "\(hex32($0.lowerBound))–\(hex32($0.upperBound))" }.joined(separator: ", ")
      p.append("initial stack pointer \(hex32(sp)) is not in RAM (\(regions))")
    } else if sp & 3 != 0 {
      p.append("initial stack pointer \(hex32(sp)) is not word-aligned")
    }
    let target = reset & ~1
    if reset == 0xFFFF_FFFF || reset == 0 {
      p.append("reset vector \(hex32(reset)) is empty")
    } else if reset & 1 == 0 {
      p.append("reset vector \(hex32(reset)) lacks the Thumb bit (bit 0): a Cortex-M would fault")
    } else if let image, image.byte(at: target) == nil {
      p.append("reset vector \(hex32(reset)) points outside the written image")
    } else if let flash, flash.segment(containing: target)?.access.contains(.readable) != true {
      p.append("reset vector \(hex32(reset)) points outside flash")
    }
    return p
  }
}


extension DfuSeDevice {
  /// Reads the vector table at `address` and checks it against `chip`'s RAM regions.
  public func checkBootable(at address: UInt32, chip: ChipProfile, image: FirmwareImage? = nil) throws(FlashError) -> VectorTable {
    let bytes = try read(at: address, count: 8, phase: .leave)
    return VectorTable(vectorTable: bytes, at: address, chip: chip, flash: memoryMap, image: image)
  }
}
