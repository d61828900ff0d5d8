/// L4 catalogue entries (RM0351 for L47x/L48x/L49x/L4Ax, RM0394 for
/// L41x–L46x, RM0432 for L4+; stm32-dfu-facts §5.3). OPTR bits differ by
/// part [C, CMSIS per-part headers]:
/// - BFB2 (20) and DUALBANK (21): only on the dual-bank L47x/L48x/L49x/L4Ax;
/// - nSWBOOT0 (26) and nBOOT0 (27): on L41x–L46x and L49x/L4Ax, reserved on L47x/L48x.
/// When the part cannot be told apart (``OptionByteFamily/l4DualBank``,
/// ``OptionByteFamily/l4Undecided``), a bit that may be reserved is shown
/// read-only, never written.
extension OptionByteCatalog {
  static let l4Zone1 = OptionWords.words64([0xFFEF_F8AA, 0xFFFF_FFFF, 0, 0xFF, 0xFF])
  static let l4Zone2 = OptionWords.words64([0xFFFF_FFFF, 0xFFFF_FFFF, 0, 0xFF, 0xFF])

  static func bfb2(readOnly: String? = nil) -> OptionField {
    OptionField("BFB2", offset: 0, bits: 20...20, "dual-bank boot",
                .flag(zero: "boot from bank 1", one: "ROM bootloader jumps to bank 2 (if valid), else bank 1"),
                danger: .bootPath, readOnly: readOnly)
  }

  static func dualBank(readOnly: String? = nil) -> OptionField {
    OptionField("DUALBANK", offset: 0, bits: 21...21, "bank mode (256/512 KiB parts; 1 MiB parts are always dual bank)",
                .flag(zero: "single bank (page map changes: erase first)", one: "dual bank"), danger: .geometry,
                readOnly: readOnly)
  }

  /// OPTR fields of every L4 with nSWBOOT0/nBOOT0 dropped (L47x/L48x) or made read-only.
  static func l4Optr(bootBits: BootBits) -> [OptionField] {
    let common = optrCommon()
    switch bootBits {
    case .editable: return common
    case .absent: return common.filter { $0.name != "nSWBOOT0" && $0.name != "nBOOT0" }
    case .readOnly(let reason): return common.map { ["nSWBOOT0", "nBOOT0"].contains($0.name) ? $0.readOnly(reason) : $0 }
    }
  }

  enum BootBits { case editable, absent, readOnly(String) }

  static let mayBeReservedOnL47x = "is reserved on STM32L47x/L48x, and the device may be one; give --family l49x (or l45x) to edit"
  static let mayBeSingleBank = "exists only on dual-bank L47x–L4Ax, and the device may be a single-bank L41x–L46x; give --family to edit"

  /// L4 single bank (L41x–L46x; RM0394 §3.4.1; CMSIS stm32l4xx): one 40-byte
  /// zone at 0x1FFF7800 (observed DFU alt `01*040 e`, §3.3): OPTR, PCROP1SR,
  /// PCROP1ER, WRP1AR, WRP1BR. Factory OPTR 0xFFEFF8AA, WRPxR 0x000000FF
  /// (Black Magic Probe) [C values; complement halves U].
  public static let l4 = OptionByteLayout(
    family: .l4, zones: [.init(address: 0x1FFF_7800, factoryDefault: l4Zone1)], complements: .wordIn64,
    fields: optrCommon() + protectionWords(zone: 0, bank: 1) + [pcropRdp],
    writable: true,
    source: "RM0394 §3.4 + CMSIS stm32l4xx OPTR bits [C]; word offsets Black Magic Probe [C]; complement halves [U]")

  static func dualBankFields(bootBits: BootBits) -> [OptionField] {
    l4Optr(bootBits: bootBits) + [bfb2(), dualBank()] + protectionWords(zone: 0, bank: 1) + [pcropRdp]
      + protectionWords(zone: 1, bank: 2)
  }

  static let dualBankZones: [OptionByteLayout.Zone] = [
    .init(address: 0x1FFF_7800, factoryDefault: l4Zone1), .init(address: 0x1FFF_F800, factoryDefault: l4Zone2),
  ]

  /// L47x/L48x (RM0351; CMSIS stm32l476xx.h): BFB2, DUALBANK; no nSWBOOT0/nBOOT0
  /// (bits 26/27 reserved, read as 1). Bank 2's PCROP2/WRP2 words in a second
  /// zone at 0x1FFFF800 (first word reserved) when the ROM lists it [C offsets BMP; U alt string].
  public static let l47x = OptionByteLayout(
    family: .l47x, zones: dualBankZones, complements: .wordIn64, fields: dualBankFields(bootBits: .absent), writable: true,
    source: "RM0351 §3.4 + CMSIS stm32l476xx.h [C]; bank-2 zone from BMP offsets [C]; alt string and complements [U]")

  /// L49x/L4Ax (RM0351; CMSIS stm32l496xx.h): BFB2, DUALBANK, nSWBOOT0, nBOOT0.
  public static let l49x = OptionByteLayout(
    family: .l49x, zones: dualBankZones, complements: .wordIn64, fields: dualBankFields(bootBits: .editable),
    writable: true,
    source: "RM0351 §3.4 + CMSIS stm32l496xx.h [C]; bank-2 zone from BMP offsets [C]; alt string and complements [U]")

  /// A dual-bank L4 that is L47x/L48x or L49x/L4Ax: nSWBOOT0/nBOOT0 read-only.
  public static let l4DualBank = OptionByteLayout(
    family: .l4DualBank, zones: dualBankZones, complements: .wordIn64,
    fields: dualBankFields(bootBits: .readOnly(mayBeReservedOnL47x)), writable: true,
    source: "RM0351 §3.4 + CMSIS stm32l476xx.h/l496xx.h [C]: the fields both parts have are editable")

  /// An L4 that may be single bank (L41x–L46x) or dual bank (L47x–L4Ax): only
  /// the fields every one of them has are editable.
  public static let l4Undecided = OptionByteLayout(
    family: .l4Undecided, zones: dualBankZones, complements: .wordIn64,
    fields: l4Optr(bootBits: .readOnly(mayBeReservedOnL47x))
      + [bfb2(readOnly: mayBeSingleBank), dualBank(readOnly: mayBeSingleBank)]
      + protectionWords(zone: 0, bank: 1) + [pcropRdp] + protectionWords(zone: 1, bank: 2),
    writable: true,
    source: "RM0351/RM0394 + CMSIS [C]: only fields common to single- and dual-bank L4 are editable")

  /// L4+ (L4R/L4S; CMSIS stm32l4r5xx.h): DB1M (bit 21), DBANK (bit 22). Its
  /// DFU alt string was never captured (§3.3) → read-only.
  public static let l4Plus = OptionByteLayout(
    family: .l4Plus,
    zones: [.init(address: 0x1FFF_7800, factoryDefault: l4Zone1)],
    complements: .wordIn64,
    fields: optrCommon() + [
      bfb2(),
      OptionField("DB1M", offset: 0, bits: 21...21, "dual bank on 1 MiB parts",
                  .flag(zero: "single bank", one: "dual bank"), danger: .geometry),
      OptionField("DBANK", offset: 0, bits: 22...22, "bank mode (page size changes: erase first)",
                  .flag(zero: "single bank, 8 KiB pages", one: "dual bank, 4 KiB pages"), danger: .geometry),
    ] + protectionWords(zone: 0, bank: 1),
    writable: false,
    source: "CMSIS stm32l4r5xx.h OPTR bits [C]; OB alt string not captured [U] → read-only")
}
