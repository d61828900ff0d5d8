/// Catalogue entries for the 64-bit-word families G0, G4, WB and the OPTR
/// fields they share with L4 (OptionByteCatalog+L4.swift; stm32-dfu-facts
/// §5.3–§5.6). Each option register is stored as a 64-bit word: value in the low 32 bits, complement in the high 32 bits.
extension OptionByteCatalog {
  static let l4Bor = OptionFieldKind.choice([0: "BOR 1.7 V", 1: "BOR 2.0 V", 2: "BOR 2.2 V", 3: "BOR 2.5 V", 4: "BOR 2.8 V"])
  static let nSwBoot0 = OptionFieldKind.flag(zero: "nBOOT0 option bit replaces the BOOT0 pin", one: "BOOT0 pin")
  static let nBoot0 = OptionFieldKind.flag(zero: "BOOT0 = 1 (system memory/SRAM)", one: "BOOT0 = 0 (main flash)")

  /// OPTR fields common to L4, L4+, G4 and WB (CMSIS stm32l476xx.h, l4r5xx.h,
  /// g474xx.h, wb55xx.h) [C].
  static func optrCommon(borBits: ClosedRange<Int> = 8...10, sram: String = "SRAM2") -> [OptionField] {
    [
      OptionField("RDP", offset: 0, bits: 0...7, "read protection level", .readProtection, danger: .readProtection),
      OptionField("BOR_LEV", offset: 0, bits: borBits, "brown-out reset threshold", l4Bor),
      OptionField("nRST_STOP", offset: 0, bits: 12...12, "reset on Stop entry", resetOnStop),
      OptionField("nRST_STDBY", offset: 0, bits: 13...13, "reset on Standby entry", resetOnStandby),
      OptionField("nRST_SHDW", offset: 0, bits: 14...14, "reset on Shutdown entry", resetOnShutdown),
      OptionField("IWDG_SW", offset: 0, bits: 16...16, "independent watchdog mode", watchdog),
      OptionField("IWDG_STOP", offset: 0, bits: 17...17, "IWDG in Stop", freezeOrRun),
      OptionField("IWDG_STDBY", offset: 0, bits: 18...18, "IWDG in Standby", freezeOrRun),
      OptionField("WWDG_SW", offset: 0, bits: 19...19, "window watchdog mode", watchdog),
      OptionField("nBOOT1", offset: 0, bits: 23...23, "with BOOT0=1: system memory or SRAM", nBoot1, danger: .bootPath),
      OptionField("\(sram)_PE", offset: 0, bits: 24...24, "\(sram) parity check",
                  .flag(zero: "parity check on", one: "parity check off")),
      OptionField("\(sram)_RST", offset: 0, bits: 25...25, "\(sram) erase on system reset",
                  .flag(zero: "erased on reset", one: "not erased on reset")),
      OptionField("nSWBOOT0", offset: 0, bits: 26...26, "BOOT0 source", nSwBoot0, danger: .bootPath),
      OptionField("nBOOT0", offset: 0, bits: 27...27, "software BOOT0 (used when nSWBOOT0 = 0)", nBoot0, danger: .bootPath),
    ]
  }

  /// PCROP and WRP words of one bank at +0x08…+0x20 (BMP `stm32l4_opt_reg_offsets`) [C].
  static func protectionWords(zone: Int, bank: Int) -> [OptionField] {
    let wrp = OptionFieldKind.pageIndex
    return [
      OptionField("PCROP\(bank)_STRT", zone: zone, offset: 0x08, bits: 0...15, "PCROP start (double-word offset)", .number,
                  danger: .writeProtection),
      OptionField("PCROP\(bank)_END", zone: zone, offset: 0x10, bits: 0...15, "PCROP end (double-word offset)", .number,
                  danger: .writeProtection),
      OptionField("WRP\(bank)A_STRT", zone: zone, offset: 0x18, bits: 0...7, "write protection area A, first page", wrp,
                  danger: .writeProtection),
      OptionField("WRP\(bank)A_END", zone: zone, offset: 0x18, bits: 16...23, "write protection area A, last page (start > end: off)",
                  wrp, danger: .writeProtection),
      OptionField("WRP\(bank)B_STRT", zone: zone, offset: 0x20, bits: 0...7, "write protection area B, first page", wrp,
                  danger: .writeProtection),
      OptionField("WRP\(bank)B_END", zone: zone, offset: 0x20, bits: 16...23, "write protection area B, last page (start > end: off)",
                  wrp, danger: .writeProtection),
    ]
  }

  static let pcropRdp = OptionField("PCROP_RDP", offset: 0x10, bits: 31...31, "PCROP area on RDP 1 → 0 regression",
                                    .flag(zero: "PCROP kept", one: "PCROP erased with the mass erase"))

  /// G0 (RM0444; CMSIS stm32g071xx.h/g0b1xx.h): OPTR only. Factory 0xFFFFFEAA
  /// (G0x1, BMP) → nBOOT_SEL = 1: the BOOT0 pin is ignored, nBOOT0 decides.
  /// DFU alt string not captured → read-only, and not identified automatically.
  public static let g0 = OptionByteLayout(
    family: .g0,
    zones: [.init(address: 0x1FFF_7800, factoryDefault: OptionWords.words64([0xFFFF_FEAA]))],
    complements: .wordIn64,
    fields: [
      OptionField("RDP", offset: 0, bits: 0...7, "read protection level", .readProtection, danger: .readProtection),
      OptionField("BOR_EN", offset: 0, bits: 8...8, "brown-out reset", .flag(zero: "BOR off", one: "BOR on")),
      OptionField("BORR_LEV", offset: 0, bits: 9...10, "BOR rising threshold", .number),
      OptionField("BORF_LEV", offset: 0, bits: 11...12, "BOR falling threshold", .number),
      OptionField("nRST_STOP", offset: 0, bits: 13...13, "reset on Stop entry", resetOnStop),
      OptionField("nRST_STDBY", offset: 0, bits: 14...14, "reset on Standby entry", resetOnStandby),
      OptionField("nRST_SHDW", offset: 0, bits: 15...15, "reset on Shutdown entry", resetOnShutdown),
      OptionField("IWDG_SW", offset: 0, bits: 16...16, "independent watchdog mode", watchdog),
      OptionField("IWDG_STOP", offset: 0, bits: 17...17, "IWDG in Stop", freezeOrRun),
      OptionField("IWDG_STDBY", offset: 0, bits: 18...18, "IWDG in Standby", freezeOrRun),
      OptionField("WWDG_SW", offset: 0, bits: 19...19, "window watchdog mode", watchdog),
      OptionField("nSWAP_BANK", offset: 0, bits: 20...20, "bank swap (G0B1/G0C1)",
                  .flag(zero: "banks swapped", one: "banks not swapped"), danger: .bootPath),
      OptionField("DUAL_BANK", offset: 0, bits: 21...21, "bank mode (G0B1/G0C1)",
                  .flag(zero: "single bank", one: "dual bank"), danger: .geometry),
      OptionField("RAM_PARITY_CHECK", offset: 0, bits: 22...22, "SRAM parity check",
                  .flag(zero: "parity check on", one: "parity check off")),
      OptionField("nBOOT_SEL", offset: 0, bits: 24...24, "BOOT0 source",
                  .flag(zero: "BOOT0 pin", one: "nBOOT0 option bit (BOOT0 pin ignored)"), danger: .bootPath),
      OptionField("nBOOT1", offset: 0, bits: 25...25, "with BOOT0=1: system memory or SRAM", nBoot1, danger: .bootPath),
      OptionField("nBOOT0", offset: 0, bits: 26...26, "software BOOT0 (used when nBOOT_SEL = 1)", nBoot0, danger: .bootPath),
      OptionField("NRST_MODE", offset: 0, bits: 27...28, "NRST pin mode",
                  .choice([1: "reset input only", 2: "GPIO", 3: "bidirectional reset"])),
      OptionField("IRHEN", offset: 0, bits: 29...29, "internal reset holder", .flag(zero: "off", one: "on")),
    ],
    writable: false,
    source: "RM0444 §3.4 + CMSIS stm32g0 OPTR bits [C]; OB alt string not captured [U] → read-only")

  /// G4 (RM0440; CMSIS stm32g474xx.h): OPTR, PCROP1SR/ER, WRP1AR/BR in 64-bit
  /// words; G431 alt 40 B, G474 2 × 48 B (§3.3). What the sixth word of a
  /// 48-byte zone holds (SEC1R with BOOT_LOCK?) is unconfirmed → read-only.
  public static let g4 = OptionByteLayout(
    family: .g4,
    zones: [.init(address: 0x1FFF_7800,
                  factoryDefault: OptionWords.words64([0xFFEF_F8AA, 0xFFFF_FFFF, 0x00FF_0000, 0xFF00_FFFF, 0xFF00_FFFF]))],
    complements: .wordIn64,
    fields: Array(optrCommon(sram: "SRAM").prefix(10)) + [
      OptionField("BFB2", offset: 0, bits: 20...20, "dual-bank boot",
                  .flag(zero: "boot from bank 1", one: "ROM bootloader jumps to bank 2 (if valid), else bank 1"),
                  danger: .bootPath),
      OptionField("DBANK", offset: 0, bits: 22...22, "bank mode (page size changes: erase first)",
                  .flag(zero: "single bank, 4 KiB pages", one: "dual bank, 2 KiB pages"), danger: .geometry),
      OptionField("SRAM_PE", offset: 0, bits: 24...24, "SRAM parity check", .flag(zero: "parity check on", one: "parity check off")),
      OptionField("CCMSRAM_RST", offset: 0, bits: 25...25, "CCM SRAM erase on reset",
                  .flag(zero: "erased on reset", one: "not erased on reset")),
      OptionField("nSWBOOT0", offset: 0, bits: 26...26, "BOOT0 source", nSwBoot0, danger: .bootPath),
      OptionField("nBOOT0", offset: 0, bits: 27...27, "software BOOT0 (used when nSWBOOT0 = 0)", nBoot0, danger: .bootPath),
      OptionField("NRST_MODE", offset: 0, bits: 28...29, "NRST pin mode",
                  .choice([1: "reset input only", 2: "GPIO", 3: "bidirectional reset"])),
      OptionField("IRHEN", offset: 0, bits: 30...30, "internal reset holder", .flag(zero: "off", one: "on")),
    ] + protectionWords(zone: 0, bank: 1),
    writable: false,
    source: "RM0440 + CMSIS stm32g474xx.h OPTR bits [C]; OB block word order assumed as L4 [U] → read-only")

  /// WB (RM0434; CMSIS stm32wb55xx.h): OPTR at the start of the 0x1FFF8000
  /// area [C bits]. SFR/SRRVR (CPU2 / wireless-stack secure area) are shown
  /// read-only at positions derived from the register order (FLASH_SFR 0x80,
  /// SRRVR 0x84 → OB +0xC0/+0xC8) [U position]. Never written by this tool:
  /// the FUS owns them and SFSA depends on the installed stack.
  public static let wb = OptionByteLayout(
    family: .wb,
    zones: [.init(address: 0x1FFF_8000, factoryDefault: OptionWords.words64([0x2D8F_71AA]))],
    complements: .wordIn64,
    fields: [
      OptionField("RDP", offset: 0, bits: 0...7, "read protection level", .readProtection, danger: .readProtection),
      OptionField("ESE", offset: 0, bits: 8...8, "CPU2 security enabled (set by the FUS)",
                  .flag(zero: "security disabled", one: "security enabled"), danger: .security),
      OptionField("BOR_LEV", offset: 0, bits: 9...11, "brown-out reset threshold", l4Bor),
    ] + Array(optrCommon().dropFirst(2)) + [
      OptionField("AGC_TRIM", offset: 0, bits: 29...31, "radio AGC trim", .number, danger: .security),
      OptionField("SFSA", offset: 0xC0, bits: 0...7, "secure flash start page (wireless stack; position [U])", .pageIndex,
                  danger: .security),
      OptionField("FSD", offset: 0xC0, bits: 8...8, "flash security disabled (position [U])", .number, danger: .security),
      OptionField("DDS", offset: 0xC0, bits: 12...12, "CPU2 debug access disabled (position [U])", .number, danger: .security),
      OptionField("SBRV", offset: 0xC8, bits: 0...17, "CPU2 boot reset vector (position [U])", .number, danger: .security),
      OptionField("SBRSA", offset: 0xC8, bits: 18...22, "secure backup SRAM2a start (position [U])", .number, danger: .security),
      OptionField("BRSD", offset: 0xC8, bits: 23...23, "backup SRAM2a security disable (position [U])", .number, danger: .security),
      OptionField("SNBRSA", offset: 0xC8, bits: 25...29, "secure non-backup SRAM2b start (position [U])", .number, danger: .security),
      OptionField("NBRSD", offset: 0xC8, bits: 30...30, "non-backup SRAM2b security disable (position [U])", .number, danger: .security),
      OptionField("C2OPT", offset: 0xC8, bits: 31...31, "CPU2 boot from flash or SRAM (position [U])", .number, danger: .security),
    ],
    writable: false,
    source: "RM0434 + CMSIS stm32wb55xx.h bits [C]; DFU alt string and SFR/SRRVR positions [U] → read-only view")
}
