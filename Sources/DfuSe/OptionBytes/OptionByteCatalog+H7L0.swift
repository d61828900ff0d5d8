/// Catalogue entries for H7 (a register window, no complements) and L0/L1
/// (32-bit words of two value bytes and their complements).
extension OptionByteCatalog {
  /// H7 (RM0433; CMSIS stm32h743xx.h FLASH_TypeDef): the DFU alt is a window
  /// at 0x5200201C onto FLASH_OPTSR_CUR (+0x00), OPTSR_PRG (+0x04), OPTCCR
  /// (+0x08), PRAR_CUR1/PRG1 (+0x0C/+0x10), SCAR_CUR1/PRG1 (+0x14/+0x18),
  /// WPSN_CUR1/PRG1 (+0x1C/+0x20), BOOT_CUR/PRG (+0x24/+0x28) [C offsets].
  /// Fields are decoded from the _CUR registers. What the ROM does with a
  /// write to this window is unknown (§3.3) → read-only.
  public static let h7 = OptionByteLayout(
    family: .h7,
    zones: [.init(address: 0x5200_201C, factoryDefault: h7Defaults)],
    complements: .none,
    fields: [
      OptionField("BOR_LEV", offset: 0, bits: 2...3, "brown-out reset threshold", .number),
      OptionField("IWDG1_SW", offset: 0, bits: 4...4, "independent watchdog mode", watchdog),
      OptionField("NRST_STOP_D1", offset: 0, bits: 6...6, "reset on D1 Stop entry", resetOnStop),
      OptionField("NRST_STBY_D1", offset: 0, bits: 7...7, "reset on D1 Standby entry", resetOnStandby),
      OptionField("RDP", offset: 0, bits: 8...15, "read protection level", .readProtection, danger: .readProtection),
      OptionField("FZ_IWDG_STOP", offset: 0, bits: 17...17, "IWDG in Stop", freezeOrRun),
      OptionField("FZ_IWDG_SDBY", offset: 0, bits: 18...18, "IWDG in Standby", freezeOrRun),
      OptionField("ST_RAM_SIZE", offset: 0, bits: 19...20, "ST secure RAM size", .number, danger: .security),
      OptionField("SECURITY", offset: 0, bits: 21...21, "secure access mode",
                  .flag(zero: "secure access mode off", one: "secure access mode ON"), danger: .security),
      OptionField("IO_HSLV", offset: 0, bits: 29...29, "I/O high speed at low voltage", .flag(zero: "off", one: "on")),
      OptionField("SWAP_BANK_OPT", offset: 0, bits: 31...31, "bank swap",
                  .flag(zero: "banks not swapped", one: "banks swapped (bank 2 at 0x08000000)"), danger: .bootPath),
      OptionField("PROT_AREA_START1", offset: 0x0C, bits: 0...11, "PCROP area start (256-byte units)", .number,
                  danger: .writeProtection),
      OptionField("PROT_AREA_END1", offset: 0x0C, bits: 16...27, "PCROP area end (start > end: off)", .number,
                  danger: .writeProtection),
      OptionField("WRPSn1", offset: 0x1C, bits: 0...7, "write protection of bank 1 sectors (0 = protected)",
                  wrpBitsActiveLow, danger: .writeProtection),
      OptionField("BOOT_ADD0", offset: 0x24, bits: 0...15, "boot address with BOOT0 = 0", .bootAddress(shift: 16),
                  danger: .bootPath),
      OptionField("BOOT_ADD1", offset: 0x24, bits: 16...31, "boot address with BOOT0 = 1 (factory: ROM bootloader)",
                  .bootAddress(shift: 16), danger: .bootPath),
    ],
    writable: false,
    source: "RM0433 + CMSIS stm32h743xx.h FLASH register offsets and bits [C]; defaults RM0468 Table 18 as quoted [O]; "
      + "ROM behaviour on writes [U] → read-only")

  static var h7Defaults: [UInt8] {
    var b = [UInt8](repeating: 0, count: 128)
    for (offset, value) in [(0x00, 0x179E_AAF0), (0x04, 0x179E_AAF0), (0x0C, 0x0000_00FF), (0x10, 0x0000_00FF),
                            (0x14, 0x8000_00FF), (0x18, 0x8000_00FF), (0x1C, 0x0000_00FF), (0x20, 0x0000_00FF),
                            (0x24, 0x1FF0_0800), (0x28, 0x1FF0_0800)] as [(Int, UInt32)] {
      OptionWords.write(value, into: &b, at: offset)
    }
    return b
  }

  /// L0/L1 (RM0367 §3.4.4 for L0 [C]; L1 assumed identical [U]): 32 bytes at
  /// 0x1FF80000, each word two value bytes then their complements. +0: RDP and
  /// WPRMOD (FLASH_OPTR[15:0]); +4: USER (FLASH_OPTR[31:16]: BOR_LEV, WDG_SW,
  /// nRST_STOP, nRST_STDBY, BFB2, nBOOT1); +8/+0x0C: WRPROT1 (1 bit per
  /// sector; sense with WPRMOD=0: 1 = protected [U]). Read-only.
  public static let l0l1 = OptionByteLayout(
    family: .l0l1,
    zones: [.init(address: 0x1FF8_0000,
                  factoryDefault: OptionWords.halfWordPairs([0x00AA, 0x8070, 0, 0, 0, 0, 0, 0]))],
    complements: .halfWordPairs,
    fields: [
      OptionField("RDP", offset: 0, bits: 0...7, "read protection level", .readProtection, danger: .readProtection),
      OptionField("WPRMOD", offset: 0, bits: 8...8, "WRPROT bits select write protection or PCROP",
                  .flag(zero: "WRPROT = write protection", one: "WRPROT = PCROP"), danger: .writeProtection),
      OptionField("BOR_LEV", offset: 4, bits: 0...3, "brown-out reset threshold (0 = off)", .number),
      OptionField("WDG_SW", offset: 4, bits: 4...4, "independent watchdog mode", watchdog),
      OptionField("nRST_STOP", offset: 4, bits: 5...5, "reset on Stop entry", resetOnStop),
      OptionField("nRST_STDBY", offset: 4, bits: 6...6, "reset on Standby entry", resetOnStandby),
      OptionField("BFB2", offset: 4, bits: 7...7, "dual-bank boot (category 5)",
                  .flag(zero: "boot from bank 1", one: "ROM bootloader jumps to bank 2 (if valid), else bank 1"),
                  danger: .bootPath),
      OptionField("nBOOT1", offset: 4, bits: 15...15, "with BOOT0=1: system memory or SRAM", nBoot1, danger: .bootPath),
      OptionField("WRPROT1_LO", offset: 8, bits: 0...15, "write protection, sectors 0–15 (1 = protected [U])",
                  .sectorMask(activeLow: false), danger: .writeProtection),
      OptionField("WRPROT1_HI", offset: 12, bits: 0...15, "write protection, sectors 16–31 (1 = protected [U])",
                  .sectorMask(activeLow: false), danger: .writeProtection),
    ],
    writable: false,
    source: "RM0367 §3.4.4 + CMSIS stm32l0 FLASH_OPTR bits [C]; L1 and factory USER value [U] → read-only")
}
