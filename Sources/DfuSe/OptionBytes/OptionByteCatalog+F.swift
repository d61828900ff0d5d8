/// The option-byte catalogue: one ``OptionByteLayout`` per family. This file:
/// F0/F1/F3, F2/F4, F42x/F43x, F7. Field bit positions from the RMs and the
/// CMSIS device headers (stm32-dfu-facts §5.0–§5.2).
public enum OptionByteCatalog {

  // MARK: Shared value tables

  static let watchdog = OptionFieldKind.flag(zero: "hardware watchdog (always on)", one: "software watchdog")
  static let resetOnStop = OptionFieldKind.flag(zero: "reset when entering Stop", one: "no reset on Stop")
  static let resetOnStandby = OptionFieldKind.flag(zero: "reset when entering Standby", one: "no reset on Standby")
  static let resetOnShutdown = OptionFieldKind.flag(zero: "reset when entering Shutdown", one: "no reset on Shutdown")
  static let freezeOrRun = OptionFieldKind.flag(zero: "watchdog frozen", one: "watchdog running")
  static let nBoot1 = OptionFieldKind.flag(zero: "BOOT0=1 boots SRAM", one: "BOOT0=1 boots system memory (ROM bootloader)")
  static let f4Bor = OptionFieldKind.choice([3: "BOR off (POR/PDR only)", 2: "BOR level 1", 1: "BOR level 2", 0: "BOR level 3"])
  static let wrpBitsActiveLow = OptionFieldKind.sectorMask(activeLow: true)
  static let wrpBitsF0 = OptionFieldKind.sectorMask(activeLow: true)

  // MARK: F0/F3

  /// F0/F3 (RM0091 §4 Tables 10–11, RM0365 §5, RM0313 §4) [C]: 16 bytes at
  /// 0x1FFFF800, `nOB1:OB1:nOB0:OB0` words; ST production value 0x00FF55AA.
  /// USER bits 19 nBOOT0 and 23 BOOT_SEL exist on F04x/F09x only (reserved,
  /// kept at 1, elsewhere). WRP: 0 = protection active; each bit covers 4 KiB
  /// (F3: "2 pages of 2 Kbytes", RM0365; F0 granularity per density [U]).
  public static let f0f3 = OptionByteLayout(
    family: .f0f3,
    zones: [.init(address: 0x1FFF_F800, factoryDefault: OptionWords.bytePairs([0xAA, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))],
    complements: .byteWise,
    fields: [
      OptionField("RDP", offset: 0, bits: 0...7, "read protection level", .readProtection, danger: .readProtection),
      OptionField("WDG_SW", offset: 0, bits: 16...16, "independent watchdog mode", watchdog),
      OptionField("nRST_STOP", offset: 0, bits: 17...17, "reset on Stop entry", resetOnStop),
      OptionField("nRST_STDBY", offset: 0, bits: 18...18, "reset on Standby entry", resetOnStandby),
      OptionField("nBOOT0", offset: 0, bits: 19...19, "software BOOT0 (F04x/F09x, used when BOOT_SEL=0)",
                  .flag(zero: "BOOT0 = 1 (system memory/SRAM)", one: "BOOT0 = 0 (main flash)"), danger: .bootPath),
      OptionField("nBOOT1", offset: 0, bits: 20...20, "with BOOT0=1: system memory or SRAM", nBoot1, danger: .bootPath),
      OptionField("VDDA_MONITOR", offset: 0, bits: 21...21, "VDDA supervisor",
                  .flag(zero: "VDDA monitor off", one: "VDDA monitor on")),
      OptionField("RAM_PARITY_CHECK", offset: 0, bits: 22...22, "SRAM parity check",
                  .flag(zero: "parity check on", one: "parity check off")),
      OptionField("BOOT_SEL", offset: 0, bits: 23...23, "BOOT0 source (F04x/F09x)",
                  .flag(zero: "nBOOT0 option bit replaces the BOOT0 pin", one: "BOOT0 pin"), danger: .bootPath),
      OptionField("Data0", offset: 4, bits: 0...7, "user data byte 0", .number),
      OptionField("Data1", offset: 4, bits: 16...23, "user data byte 1", .number),
      OptionField("WRP0", offset: 8, bits: 0...7, "write protection, 4 KiB per bit (0 = protected)", wrpBitsF0, danger: .writeProtection),
      OptionField("WRP1", offset: 8, bits: 16...23, "write protection, 4 KiB per bit (0 = protected)", wrpBitsF0, danger: .writeProtection),
      OptionField("WRP2", offset: 12, bits: 0...7, "write protection, 4 KiB per bit (0 = protected)", wrpBitsF0, danger: .writeProtection),
      OptionField("WRP3", offset: 12, bits: 16...23, "write protection; bit 7 covers the rest of flash", wrpBitsF0, danger: .writeProtection),
    ],
    writable: true,
    source: "RM0091 §4 / RM0365 §5 / RM0313 §4 option byte organisation [C]; F0 WRP granularity [U]")

  // MARK: F1

  /// F1 (PM0075) [C layout as F0, RDP key 0xA5]: only the F105/F107
  /// (connectivity line) have a USB DFU ROM. No level 2 on F1.
  public static let f1 = OptionByteLayout(
    family: .f1,
    zones: [.init(address: 0x1FFF_F800, factoryDefault: OptionWords.bytePairs([0xA5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))],
    complements: .byteWise,
    fields: [
      OptionField("RDP", offset: 0, bits: 0...7, "read protection (0xA5 = unprotected)", .readProtectionF1, danger: .readProtection),
      OptionField("WDG_SW", offset: 0, bits: 16...16, "independent watchdog mode", watchdog),
      OptionField("nRST_STOP", offset: 0, bits: 17...17, "reset on Stop entry", resetOnStop),
      OptionField("nRST_STDBY", offset: 0, bits: 18...18, "reset on Standby entry", resetOnStandby),
      OptionField("Data0", offset: 4, bits: 0...7, "user data byte 0", .number),
      OptionField("Data1", offset: 4, bits: 16...23, "user data byte 1", .number),
      OptionField("WRP0", offset: 8, bits: 0...7, "write protection, 2 pages per bit (0 = protected)", wrpBitsF0, danger: .writeProtection),
      OptionField("WRP1", offset: 8, bits: 16...23, "write protection (0 = protected)", wrpBitsF0, danger: .writeProtection),
      OptionField("WRP2", offset: 12, bits: 0...7, "write protection (0 = protected)", wrpBitsF0, danger: .writeProtection),
      OptionField("WRP3", offset: 12, bits: 16...23, "write protection; bit 7 covers the rest of flash", wrpBitsF0, danger: .writeProtection),
    ],
    writable: true,
    source: "PM0075 option bytes (layout as RM0091, RDP key 0xA5) [C]")

  // MARK: F2/F4

  static let f4User: [OptionField] = [
    OptionField("BOR_LEV", offset: 0, bits: 2...3, "brown-out reset threshold", f4Bor),
    OptionField("WDG_SW", offset: 0, bits: 5...5, "independent watchdog mode", watchdog),
    OptionField("nRST_STOP", offset: 0, bits: 6...6, "reset on Stop entry", resetOnStop),
    OptionField("nRST_STDBY", offset: 0, bits: 7...7, "reset on Standby entry", resetOnStandby),
    OptionField("RDP", offset: 0, bits: 8...15, "read protection level", .readProtection, danger: .readProtection),
    OptionField("nWRP", offset: 8, bits: 0...11, "write protection of sectors 0–11 (0 = protected)",
                wrpBitsActiveLow, danger: .writeProtection),
  ]

  /// F2/F4 (F40x/F41x, F401/F411/F446 class; RM0090 §3.6 Table 16 and
  /// Table 15 "Description of the option bytes (STM32F405xx/07xx…)") [C field
  /// positions]: 16 bytes at 0x1FFFC000, two 64-bit words whose bits 15:0
  /// are images of FLASH_OPTCR[15:0] and [31:16]. The complement of each
  /// 16-bit value in bits 31:16 is from a real F405 read (word 0x5513AAEC) [U].
  /// Factory OPTCR 0x0FFFAAED (Black Magic Probe defaults) → bytes
  /// `EC AA 13 55 FF FF FF FF FF 0F 00 F0 FF FF FF FF`.
  public static let f2f4 = OptionByteLayout(
    family: .f2f4,
    zones: [.init(address: 0x1FFF_C000, factoryDefault: OptionWords.groups16([0xAAEC, 0x0FFF]))],
    complements: .halfWordIn64,
    fields: f4User,
    writable: true,
    source: "RM0090 §3.6 option bytes + CMSIS FLASH_OPTCR bits [C]; complement bytes [U, real F405 dump]")

  /// F42x/F43x (RM0090 §3.6, CMSIS stm32f429xx.h): as F2/F4 plus BFB2 (bit 4),
  /// DB1M (bit 14) and SPRMOD (bit 15); a second block at 0x1FFEC000 holds
  /// nWRP for sectors 12–23 (FLASH_OPTCR1). The first word of the second
  /// block is reserved [U: kept as read; factory value assumed 0xFFFF].
  public static let f42x = OptionByteLayout(
    family: .f42x,
    zones: [
      .init(address: 0x1FFF_C000, factoryDefault: OptionWords.groups16([0xAAEC, 0x0FFF])),
      .init(address: 0x1FFE_C000, factoryDefault: OptionWords.groups16([0xFFFF, 0x0FFF])),
    ],
    complements: .halfWordIn64,
    fields: f4User + [
      OptionField("BFB2", offset: 0, bits: 4...4, "dual-bank boot through the ROM bootloader",
                  .flag(zero: "boot from bank 1", one: "ROM bootloader jumps to bank 2 (if valid), else bank 1"),
                  danger: .bootPath),
      OptionField("DB1M", offset: 8, bits: 14...14, "dual bank on 1 MiB parts",
                  .flag(zero: "1 MiB single bank", one: "1 MiB dual bank (sector map changes: erase first)"),
                  danger: .geometry),
      OptionField("SPRMOD", offset: 8, bits: 15...15, "nWRP bits select write protection or PCROP",
                  .flag(zero: "nWRP = write protection", one: "nWRP = PCROP (inverted sense: 1 = read-protected)"),
                  danger: .writeProtection),
      OptionField("nWRP2", zone: 1, offset: 8, bits: 0...11, "write protection of sectors 12–23 (0 = protected)",
                  wrpBitsActiveLow, danger: .writeProtection),
    ],
    writable: true,
    source: "RM0090 §3.6 + CMSIS stm32f429xx.h [C]; second-block reserved word and complements [U]")

  // MARK: F7

  /// F7 (RM0385/RM0431; CMSIS stm32f746xx.h/f767xx.h bit names): 8-byte groups
  /// of a 16-bit value and its complement; 0x1FFF0000 USER/RDP, 0x08
  /// nWRP + IWDG_STDBY/STOP (+ nDBOOT/nDBANK on F76x), 0x10 BOOT_ADD0, 0x18
  /// BOOT_ADD1 (address = value << 14). Group offsets and defaults
  /// (0xFF7F0080, 0xFFBF0040) are from a third-party F7 driver's comments and
  /// a board doc ("BOOT_ADD0 (0x1FFF 0010)"), not the RM [O] → read-only.
  public static let f7 = OptionByteLayout(
    family: .f7,
    zones: [.init(address: 0x1FFF_0000,
                  factoryDefault: OptionWords.groups16([0xAAFF, 0xC0FF, 0x0080, 0x0040, 0xFFFF, 0xFFFF]))],
    complements: .halfWordIn64,
    fields: [
      OptionField("BOR_LEV", offset: 0, bits: 2...3, "brown-out reset threshold", f4Bor),
      OptionField("WWDG_SW", offset: 0, bits: 4...4, "window watchdog mode", watchdog),
      OptionField("IWDG_SW", offset: 0, bits: 5...5, "independent watchdog mode", watchdog),
      OptionField("nRST_STOP", offset: 0, bits: 6...6, "reset on Stop entry", resetOnStop),
      OptionField("nRST_STDBY", offset: 0, bits: 7...7, "reset on Standby entry", resetOnStandby),
      OptionField("RDP", offset: 0, bits: 8...15, "read protection level", .readProtection, danger: .readProtection),
      OptionField("nWRP", offset: 8, bits: 0...7, "write protection per sector (0 = protected)", wrpBitsActiveLow,
                  danger: .writeProtection),
      OptionField("nDBOOT", offset: 8, bits: 12...12, "dual boot (F76x/F77x)",
                  .flag(zero: "dual boot on", one: "dual boot off"), danger: .bootPath),
      OptionField("nDBANK", offset: 8, bits: 13...13, "bank mode (F76x/F77x)",
                  .flag(zero: "dual bank (sector map changes: erase first)", one: "single bank"), danger: .geometry),
      OptionField("IWDG_STDBY", offset: 8, bits: 14...14, "IWDG in Standby", freezeOrRun),
      OptionField("IWDG_STOP", offset: 8, bits: 15...15, "IWDG in Stop", freezeOrRun),
      OptionField("BOOT_ADD0", offset: 0x10, bits: 0...15, "boot address with BOOT0 = 0", .bootAddress(shift: 14),
                  danger: .bootPath),
      OptionField("BOOT_ADD1", offset: 0x18, bits: 0...15, "boot address with BOOT0 = 1 (factory: ROM bootloader)",
                  .bootAddress(shift: 14), danger: .bootPath),
    ],
    writable: false,
    source: "CMSIS stm32f7 FLASH_OPTCR/OPTCR1 bits [C]; byte offsets in the OB block from third-party code [O]; "
      + "defaults Black Magic Probe [C]. Read-only until confirmed against RM0385")
}
