/// STM32 families as far as flashing over the ROM bootloader is concerned.
public enum ChipFamily: String, Hashable, Sendable, CaseIterable {
  case f0f1f3 = "F0/F1/F3"
  case f2f4 = "F2/F4"
  case f7 = "F7"
  case l0l1 = "L0/L1"
  case l4 = "L4"
  case g0g4 = "G0/G4"
  case wb = "WB"
  case h7 = "H74x/75x"
  case h7a3 = "H7A3/B3"
  case u5 = "U5"
  case unknown = "unknown"

  /// Bytes in one flash programming word (field-notes §1.2: 8 B L4/L5/G0/G4/WB,
  /// 16 B U5/H7A3, 32 B H7), never less than 8 (the L476 rule applied everywhere).
  public var flashWordSize: Int {
    switch self {
    case .h7: return 32
    case .h7a3, .u5: return 16
    default: return 8
    }
  }

  /// Flash with ECC can program each word once per erase, so a sector that reads
  /// blank must still be erased (stm32-dfu-facts §4 rewrite rules).
  /// Unknown parts are treated as ECC: the safe assumption.
  public var hasECC: Bool {
    switch self {
    case .f0f1f3, .f2f4, .f7: return false
    default: return true
    }
  }

  /// The value of erased flash: 0x00 on L0/L1, 0xFF elsewhere (efton gotchas 98/99).
  public var erasedByte: UInt8 { self == .l0l1 ? 0x00 : 0xFF }

  /// The family of a part or family name such as "L476", "stm32h743", "u5", "f4";
  /// nil when the name is not an STM32 family dfutui knows.
  public init?(partName: String) {
    var n = partName.lowercased()
    if n.hasPrefix("stm32") { n.removeFirst(5) }
    let table: [(String, ChipFamily)] = [
      ("h7a", .h7a3), ("h7b", .h7a3), ("h7", .h7), ("u5", .u5), ("wb", .wb), ("wl", .wb),
      ("f0", .f0f1f3), ("f1", .f0f1f3), ("f3", .f0f1f3), ("f2", .f2f4), ("f4", .f2f4), ("f7", .f7),
      ("l0", .l0l1), ("l1", .l0l1), ("l4", .l4), ("l5", .l4), ("g0", .g0g4), ("g4", .g0g4), ("c0", .g0g4),
    ]
    guard let match = table.first(where: { n.hasPrefix($0.0) }) else { return nil }
    self = match.1
  }
}
