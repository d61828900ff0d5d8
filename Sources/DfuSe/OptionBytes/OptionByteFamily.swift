/// STM32 families as far as their option bytes are concerned (stm32-dfu-facts §5).
public enum OptionByteFamily: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  case f0f3 = "F0/F3"
  case f1 = "F1"
  case f2f4 = "F2/F4"
  /// F42x/F43x (and F469/F479): a second 16-byte block at 0x1FFEC000.
  case f42x = "F42x/F43x"
  case f7 = "F7"
  /// L4 single bank (L41x–L46x).
  case l4 = "L4"
  /// L47x/L48x: BFB2 and DUALBANK; nSWBOOT0/nBOOT0 reserved. Bank 2 zone at 0x1FFFF800.
  case l47x = "L47x/L48x"
  /// L49x/L4Ax: BFB2, DUALBANK, nSWBOOT0, nBOOT0.
  case l49x = "L49x/L4Ax"
  /// A dual-bank L4 that may be either of the above: nSWBOOT0/nBOOT0 read-only.
  case l4DualBank = "L4 dual-bank"
  /// An L4 that may be single or dual bank: only the fields all have are editable.
  case l4Undecided = "L4 (single or dual bank)"
  case l4Plus = "L4+"
  case g0 = "G0"
  case g4 = "G4"
  case h7 = "H7"
  case wb = "WB"
  case l0l1 = "L0/L1"

  public var description: String { rawValue }

  /// The catalogue entry for this family.
  public var layout: OptionByteLayout {
    switch self {
    case .f0f3: return OptionByteCatalog.f0f3
    case .f1: return OptionByteCatalog.f1
    case .f2f4: return OptionByteCatalog.f2f4
    case .f42x: return OptionByteCatalog.f42x
    case .f7: return OptionByteCatalog.f7
    case .l4: return OptionByteCatalog.l4
    case .l47x: return OptionByteCatalog.l47x
    case .l49x: return OptionByteCatalog.l49x
    case .l4DualBank: return OptionByteCatalog.l4DualBank
    case .l4Undecided: return OptionByteCatalog.l4Undecided
    case .l4Plus: return OptionByteCatalog.l4Plus
    case .g0: return OptionByteCatalog.g0
    case .g4: return OptionByteCatalog.g4
    case .h7: return OptionByteCatalog.h7
    case .wb: return OptionByteCatalog.wb
    case .l0l1: return OptionByteCatalog.l0l1
    }
  }

  /// A family from a name users type: `f4`, `F42x`, `l4dual`, `l4+`, `g0` …
  public init?(name: String) {
    let key = name.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "+" }
    let table: [String: OptionByteFamily] = [
      "f0": .f0f3, "f3": .f0f3, "f0f3": .f0f3, "f1": .f1, "f2": .f2f4, "f4": .f2f4, "f2f4": .f2f4,
      "f42x": .f42x, "f43x": .f42x, "f42xf43x": .f42x, "f7": .f7, "l4": .l4, "l4dual": .l4DualBank,
      "l4dualbank": .l4DualBank, "l47x": .l47x, "l476": .l47x, "l48x": .l47x, "l486": .l47x,
      "l49x": .l49x, "l496": .l49x, "l4ax": .l49x, "l4a6": .l49x, "l4+": .l4Plus, "l4plus": .l4Plus,
      "g0": .g0, "g4": .g4, "h7": .h7, "wb": .wb, "l0": .l0l1, "l1": .l0l1, "l0l1": .l0l1,
    ]
    guard let family = table[key] else { return nil }
    self = family
  }

  /// The catalogue that is safe for every candidate's family: the family when
  /// all agree; for L4 parts that may differ, the merged entry whose
  /// possibly-reserved bits are read-only; nil otherwise (ask for `--family`).
  public static func safest(_ families: [OptionByteFamily?]) -> OptionByteFamily? {
    let set = Set(families)
    if set.count == 1 { return set.first! }
    guard !set.contains(nil) else { return nil }
    let known = Set(families.compactMap { $0 })
    let dual: Set<OptionByteFamily> = [.l47x, .l49x, .l4DualBank]
    if known.isSubset(of: dual) { return .l4DualBank }
    if known.isSubset(of: dual.union([.l4, .l4Undecided])) { return .l4Undecided }
    return nil
  }
}
