/// Checks that catch the field-notes §1.2 hazards before flashing: runs that are not
/// whole flash words, two segments sharing one flash word (ECC flash programs each
/// word once per erase), and gaps.
public enum ImageLint {
  public static func warnings(_ image: FirmwareImage, flashWordSize: Int = 8) -> [String] {
    let w = UInt64(max(1, flashWordSize))
    var out: [String] = []
    let segments = image.segments
    for (i, s) in segments.enumerated() {
      let range = "\(hex32(s.address))–\(hex32(UInt32(s.end - 1)))"
      if UInt64(s.address) % w != 0 || UInt64(s.bytes.count) % w != 0 {
        out.append("segment \(range) (\(s.bytes.count) bytes) is not whole \(w)-byte flash words; it will be padded with 0xFF")
      }
      if i + 1 < segments.count {
        let next = segments[i + 1]
        let gap = UInt64(next.address) - s.end
        if (s.end - 1) / w == UInt64(next.address) / w {
          out.append("segments \(range) and \(hex32(next.address))… share the \(w)-byte flash word at "
                     + "\(hex32(UInt32(UInt64(next.address) / w * w))); write them together (dfutui does), never one after the other")
        }
        out.append("gap of \(gap) bytes between \(hex32(UInt32(s.end - 1))) and \(hex32(next.address))")
      }
    }
    return out
  }
}

/// The Cortex-M vector table at the start of an image: initial stack pointer and
/// reset vector (field-notes §1.2 item 4, the pre-leave boot check).
public struct VectorTable: Hashable, Sendable {
  public var address: UInt32
  public var initialStackPointer: UInt32
  public var resetVector: UInt32

  /// The first two words at the image's lowest address, if at least 8 bytes are there.
  public init?(image: FirmwareImage) {
    guard let first = image.segments.first, first.bytes.count >= 8 else { return nil }
    address = first.address
    initialStackPointer = readLE32(first.bytes, 0)
    resetVector = readLE32(first.bytes, 4)
  }

  /// Problems with the two words (empty when they look like a Cortex-M vector table).
  public var problems: [String] {
    var p: [String] = []
    let sp = initialStackPointer
    let inRAM = (0x1000_0000..<0x1010_0000).contains(sp) || (0x2000_0000..<0x2100_0000).contains(sp)
      || (0x2400_0000..<0x2410_0000).contains(sp) || (0x3000_0000..<0x3005_0000).contains(sp)
    if !inRAM { p.append("the initial SP \(hex32(sp)) is not in SRAM") }
    if sp & 3 != 0 { p.append("the initial SP \(hex32(sp)) is not word-aligned") }
    if resetVector == 0xFFFF_FFFF || resetVector == 0 { p.append("the reset vector \(hex32(resetVector)) is empty") }
    else if resetVector & 1 == 0 { p.append("the reset vector \(hex32(resetVector)) lacks the Thumb bit") }
    return p
  }
}
