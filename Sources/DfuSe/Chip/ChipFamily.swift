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
}
