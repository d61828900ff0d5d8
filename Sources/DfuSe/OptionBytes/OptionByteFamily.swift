/// STM32 families as far as their option bytes are concerned (stm32-dfu-facts §5).
public enum OptionByteFamily: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  case f0f3 = "F0/F3"
  case f1 = "F1"
  case f2f4 = "F2/F4"
  /// F42x/F43x (and F469/F479): a second 16-byte block at 0x1FFEC000.
  case f42x = "F42x/F43x"
  case f7 = "F7"
  /// L4 single bank (L41x–L46x class).
  case l4 = "L4"
  /// L47x/L48x/L49x dual bank: a second zone at 0x1FFFF800.
  case l4DualBank = "L4 dual-bank"
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
    case .l4DualBank: return OptionByteCatalog.l4DualBank
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
      "l4dualbank": .l4DualBank, "l47x": .l4DualBank, "l476": .l4DualBank, "l4+": .l4Plus, "l4plus": .l4Plus,
      "g0": .g0, "g4": .g4, "h7": .h7, "wb": .wb, "l0": .l0l1, "l1": .l0l1, "l0l1": .l0l1,
    ]
    guard let family = table[key] else { return nil }
    self = family
  }

  /// The family of a connected device, from its Option Bytes alternate
  /// (zone addresses and sizes), its flash map and bcdDevice (stm32-dfu-facts
  /// §3.3). Nil when the strings do not say enough (G0's OB string was never
  /// captured; WB's neither, recognised by address only) — callers should
  /// then ask the user (`--family`) rather than guess.
  public static func identify(device: DFUDeviceInfo) -> OptionByteFamily? {
    let maps = device.alternateSettings.compactMap { try? $0.memoryMap() }
    guard let options = maps.first(where: { $0.name.lowercased().contains("option") }) else { return nil }
    let flash = maps.first { $0.name.lowercased().contains("flash") }
    return identify(optionBytes: options, flash: flash, deviceRelease: device.deviceRelease, product: device.product)
  }

  /// ``identify(device:)`` on already parsed maps.
  public static func identify(optionBytes: MemoryMap, flash: MemoryMap?, deviceRelease: UInt16,
                              product: String? = nil) -> OptionByteFamily? {
    let zones = optionBytes.segments
    guard let first = zones.first else { return nil }
    let size = first.byteCount
    let cubeEra = deviceRelease == 0x0200
    let pageSizes = Set(flash?.segments.map(\.sectorSize) ?? [])
    switch first.start {
    case 0x1FFF_C000 where size == 16:
      return zones.count > 1 ? .f42x : .f2f4
    case 0x1FFF_0000:
      return .f7
    case 0x1FFF_F800 where size == 16:
      // F105/F107 ROM: bcdDevice 0x2000, product "STM32 0x418 DFU Bootloader" (§3.2).
      if deviceRelease == 0x2000 || (product ?? "").contains("0x418") { return .f1 }
      return .f0f3
    case 0x1FF8_0000:
      return .l0l1
    case 0x5200_201C:
      return .h7
    case 0x1FFF_8000:
      return .wb
    case 0x1FFF_7800 where cubeEra:
      // G431: one 40-byte zone; G474: two 48-byte zones (§3.3). G0 not captured.
      if size == 40 || size == 48 { return .g4 }
      return nil
    case 0x1FFF_7800:
      if pageSizes.contains(4096) || pageSizes.contains(8192) { return .l4Plus }
      return zones.count > 1 ? .l4DualBank : .l4
    default:
      return nil
    }
  }
}
