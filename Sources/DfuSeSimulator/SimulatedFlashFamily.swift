/// The flash-technology rules of a part family (stm32-dfu-facts §4, §5).
public enum SimulatedFlashFamily: Sendable, Hashable {
  /// STM32F2/F4/F7: programming only clears bits, so a write ANDs new data
  /// into old ("writing '1' requires erase", RM0090 §3.5.4) [C]. Option bytes:
  /// 8-byte groups of a 16-bit value, its 16-bit complement and 4 reserved
  /// 0xFF bytes [U, §5.1]; nWRP bits 11:0 at byte 8–9, 0 = sector protected.
  case f4
  /// STM32L4: 64-bit double-words with ECC, each programmable once after an
  /// erase; programming one again leaves it unchanged (PROGERR, which the ROM
  /// does not report) [C/O, §4]. Option bytes: 64-bit words, low 32 bits
  /// value, high 32 bits complement [U, §5.3]. Banks of `pagesPerBank` pages;
  /// WRPxAR/WRPxBR at +0x18/+0x20 of bank x's zone hold STRT [7:0] and
  /// END [23:16] page indexes (STRT > END = off) [C, §5.3].
  case l4(pagesPerBank: Int)

  /// Bytes per programming granule tracked by the program-once rule (L4: 8),
  /// nil when rewriting is allowed (F4).
  public var programOnceWordBytes: Int? {
    switch self {
    case .f4: return nil
    case .l4: return 8
    }
  }

  /// The option bytes as the hardware stores them: the complement halves are
  /// recomputed from the value halves. The ROM programs options through the
  /// FLASH option registers, and the flash interface writes the complements
  /// itself [U: stated for G0 in RM0444, assumed for F4/L4, §5.1/§5.3].
  public func normalizedOptionBytes(_ zone: [UInt8]) -> [UInt8] {
    var b = zone
    switch self {
    case .f4:
      for group in stride(from: 0, to: b.count - 7, by: 8) {
        b[group + 2] = ~b[group]
        b[group + 3] = ~b[group + 1]
        for i in 4..<8 { b[group + i] = 0xFF }
      }
    case .l4:
      for word in stride(from: 0, to: b.count - 7, by: 8) {
        for i in 0..<4 { b[word + 4 + i] = ~b[word + i] }
      }
    }
    return b
  }

  /// For each sector of the main flash (in map order), whether write
  /// protection is on. Protected sectors are silently skipped by writes and
  /// erases (AN3156 Table 4) [C].
  public func writeProtectedSectors(optionBytes zones: [[UInt8]], sectorCount: Int) -> [Bool] {
    var result = [Bool](repeating: false, count: sectorCount)
    switch self {
    case .f4:
      guard let zone = zones.first, zone.count >= 10 else { return result }
      let nWRP = UInt16(zone[8]) | UInt16(zone[9] & 0x0F) << 8
      for i in 0..<min(12, sectorCount) where nWRP & (1 << i) == 0 { result[i] = true }
    case .l4(let pagesPerBank):
      guard pagesPerBank > 0 else { return result }
      for (bank, zone) in zones.enumerated() where zone.count >= 0x28 {
        for offset in [0x18, 0x20] {
          let value = Self.littleEndian32(zone, at: offset)
          let start = Int(value & 0xFF), end = Int(value >> 16 & 0xFF)
          guard start <= end else { continue }
          for page in start...end {
            let index = bank * pagesPerBank + page
            if index < sectorCount { result[index] = true }
          }
        }
      }
    }
    return result
  }

  static func littleEndian32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    guard offset + 4 <= bytes.count else { return 0 }
    return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
      | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
  }

  static func littleEndianBytes(_ value: UInt32) -> [UInt8] {
    [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
  }

  /// An L4 option-byte zone built from its 32-bit register values: each
  /// becomes a 64-bit word, value then complement (stm32-dfu-facts §5.3).
  static func l4OptionWords(_ values: [UInt32]) -> [UInt8] {
    values.flatMap { littleEndianBytes($0) + littleEndianBytes(~$0) }
  }
}
