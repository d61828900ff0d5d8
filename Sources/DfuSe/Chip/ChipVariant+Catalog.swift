/// The part groups dfutui recognises. Fingerprints come from the real ROM
/// strings in stm32-dfu-facts §3.3 (cited per entry); flash sizes and RAM
/// maps from the datasheets/reference manuals named per entry ([C] read,
/// [R] recalled from the RM memory map, not re-read here, [U] unconfirmed).
/// OTP addresses are checked only where a real ROM string shows them (§3.3).
/// RAM lists the largest part of each group: the boot check must not reject
/// a valid stack, so a group's regions are a union.
extension ChipVariant {
  static let k: UInt32 = 1024
  static let f4Errata: [Erratum] = [.f4MassEraseTimeout, .f4PessimisticPoll]
  static let pollEarly = PollPolicy(pollEarly: true, waitForExpectedDuration: false)
  static let waitDatasheet = PollPolicy(pollEarly: false, waitForExpectedDuration: true)
  static let f4Sectors: Set<UInt32> = [16 * k, 64 * k, 128 * k]
  static let f7Sectors: Set<UInt32> = [32 * k, 128 * k, 256 * k]

  /// Every group, in the order candidates are listed.
  public static let all: [ChipVariant] = [
    f405, f2, f401, f412, f42x, f72x, f74x, f76x, f0, f3, f105, l0, l1,
    l4Single, l47x, l49x, l4Plus, g43x, g47x, g0, h74x, h72x, h7a3, u5, wb,
  ]

  // MARK: F2/F4 — Option Bytes 0x1FFFC000, 16 bytes (§3.3 F405 V2.1/V2.2, F411, F427 dumps [O/C])

  /// F405/F407/F415/F417: 112+16 KiB SRAM at 0x20000000, 64 KiB CCM at 0x10000000 (RM0090 §2.3 memory map [R]).
  public static let f405 = ChipVariant(
    name: "STM32F405/F407/F415/F417", tokens: ["f4", "f405", "f407", "f415", "f417", "f40x"], family: .f2f4,
    optionBytes: .f2f4, ramRegions: [0x2000_0000...0x2001_FFFF, 0x1000_0000...0x1000_FFFF], banks: .single,
    errata: f4Errata, pollPolicy: pollEarly, timing: .f4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_C000, zoneSizes: [[16]], flashKiB: 512...1024,
                             sectorSizes: f4Sectors, era: .classic, otpAt: 0x1FFF_7800),
    source: "ROM strings stm32-dfu-facts §3.3 [C lsusb]; RAM RM0090 §2.3 [R]")
  /// F2xx: 128 KiB SRAM, no CCM (RM0033 §2.3 [R]); same ROM strings as F405 [U: no F2 dump].
  public static let f2 = ChipVariant(
    name: "STM32F2xx", tokens: ["f2"], family: .f2f4, optionBytes: .f2f4,
    ramRegions: [0x2000_0000...0x2001_FFFF], banks: .single, errata: f4Errata, pollPolicy: pollEarly, timing: .f4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_C000, zoneSizes: [[16]], flashKiB: 128...1024,
                             sectorSizes: f4Sectors, era: .classic, otpAt: 0x1FFF_7800),
    source: "RM0033 [R]; strings assumed as F405 [U]")
  /// F401/F410/F411/F446: ≤ 512 KiB flash, ≤ 128 KiB SRAM (F411 dump §3.3 [C]; RM0368/RM0383/RM0390 [R]).
  public static let f401 = ChipVariant(
    name: "STM32F401/F410/F411/F446", tokens: ["f4", "f401", "f410", "f411", "f446"], family: .f2f4, optionBytes: .f2f4,
    ramRegions: [0x2000_0000...0x2001_FFFF], banks: .single, errata: f4Errata, pollPolicy: pollEarly, timing: .f4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_C000, zoneSizes: [[16]], flashKiB: 64...512,
                             sectorSizes: f4Sectors, era: .classic, otpAt: 0x1FFF_7800),
    source: "F411 lsusb §3.3 [C]; RAM sizes from the datasheets [R]")
  /// F412/F413/F423: up to 1.5 MiB flash, 256/320 KiB SRAM (RM0402/RM0430 [R]).
  public static let f412 = ChipVariant(
    name: "STM32F412/F413/F423", tokens: ["f4", "f412", "f413", "f423"], family: .f2f4, optionBytes: .f2f4,
    ramRegions: [0x2000_0000...0x2004_FFFF], banks: .single, errata: f4Errata, pollPolicy: pollEarly, timing: .f4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_C000, zoneSizes: [[16]], flashKiB: 512...1536,
                             sectorSizes: f4Sectors, era: .classic, otpAt: 0x1FFF_7800),
    source: "RM0402/RM0430 [R]; strings assumed as F405 [U]")
  /// F42x/F43x/F469/F479: second OB zone at 0x1FFEC000 (F427 dump §3.3 [O]); bank 2 where the sectors restart;
  /// 192/320 KiB SRAM + 64 KiB CCM (RM0090/RM0386 [R]).
  public static let f42x = ChipVariant(
    name: "STM32F42x/F43x/F469/F479", tokens: ["f4", "f42", "f43", "f469", "f479", "f42x"], family: .f2f4,
    optionBytes: .f42x, ramRegions: [0x2000_0000...0x2004_FFFF, 0x1000_0000...0x1000_FFFF], banks: .sectorRestart,
    errata: f4Errata, pollPolicy: pollEarly, timing: .f4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_C000, zoneSizes: [[16, 16]], flashKiB: 512...2048,
                             sectorSizes: f4Sectors, era: .classic, otpAt: 0x1FFF_7800),
    source: "ArduPilot F427 strings §3.3 [O]; RM0090 §3.3 dual bank [R]")

  // MARK: F7 — Option Bytes 0x1FFF0000 (F72x: 48 bytes, §3.3 [O])

  /// F72x/F73x: 16 KiB first sectors, ≤ 512 KiB; 256 KiB RAM at 0x20000000 + 16 KiB ITCM RAM (RM0431 [R]).
  public static let f72x = ChipVariant(
    name: "STM32F72x/F73x", tokens: ["f7", "f72", "f73"], family: .f7, optionBytes: .f7,
    ramRegions: [0x2000_0000...0x2003_FFFF, 0x0000_0000...0x0000_3FFF], banks: .single,
    errata: [.f4PessimisticPoll], pollPolicy: pollEarly, timing: .f4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_0000, flashKiB: 64...512, sectorSizes: f4Sectors, era: .classic,
                             otpAt: 0x1FF0_7800),
    source: "F722 strings §3.3 [O]; RM0431 [R]")
  /// F74x/F75x: 32 KiB first sectors, 1 MiB; 320 KiB RAM + ITCM (Betaflight F745 string §3.3 [O]; RM0385 [R]).
  public static let f74x = ChipVariant(
    name: "STM32F74x/F75x", tokens: ["f7", "f74", "f75"], family: .f7, optionBytes: .f7,
    ramRegions: [0x2000_0000...0x2004_FFFF, 0x0000_0000...0x0000_3FFF], banks: .single,
    errata: [.f4PessimisticPoll], pollPolicy: pollEarly, timing: .f4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_0000, flashKiB: 64...1024, sectorSizes: f7Sectors, era: .classic),
    source: "Betaflight F745 string §3.3 [O]; RM0385 [R]")
  /// F76x/F77x: 1–2 MiB, single bank (32 KiB first sectors) or dual bank (16 KiB, restarting) (openocd §4 [C]); 512 KiB RAM.
  public static let f76x = ChipVariant(
    name: "STM32F76x/F77x", tokens: ["f7", "f76", "f77"], family: .f7, optionBytes: .f7,
    ramRegions: [0x2000_0000...0x2007_FFFF, 0x0000_0000...0x0000_3FFF], banks: .sectorRestart,
    errata: [.f4PessimisticPoll], pollPolicy: pollEarly, timing: .f4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_0000, flashKiB: 1024...2048, sectorSizes: f7Sectors.union(f4Sectors),
                             era: .classic),
    source: "openocd stm32f2x.c geometry §4 [C]; no F76x ROM dump [U]; RM0410 [R]")

  // MARK: F0/F1/F3 — Option Bytes 0x1FFFF800, 16 bytes (§3.3 F042/F072/F303/F107 dumps)

  public static let f0 = ChipVariant(
    name: "STM32F0", tokens: ["f0"], family: .f0f1f3, optionBytes: .f0f3,
    ramRegions: [0x2000_0000...0x2000_7FFF], banks: .single, errata: [], pollPolicy: .literal, timing: nil,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_F800, zoneSizes: [[16]], flashKiB: 16...256,
                             sectorSizes: [1 * k, 2 * k], era: .classic, isF105F107: false),
    source: "F042/F072 strings §3.3 [O]; RM0091 [R]")
  /// F3: 2 KiB pages; F303 has CCM at 0x10000000 (RM0316 [R]).
  public static let f3 = ChipVariant(
    name: "STM32F3", tokens: ["f3"], family: .f0f1f3, optionBytes: .f0f3,
    ramRegions: [0x2000_0000...0x2000_FFFF, 0x1000_0000...0x1000_3FFF], banks: .single, errata: [], pollPolicy: .literal,
    timing: nil,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_F800, zoneSizes: [[16]], flashKiB: 16...512, sectorSizes: [2 * k],
                             era: .classic, isF105F107: false),
    source: "F303 string §3.3 [O]; RM0316 [R]")
  /// F105/F107 (connectivity line, the only F1 with a DFU ROM): V2.0, product "STM32 0x418 DFU Bootloader".
  public static let f105 = ChipVariant(
    name: "STM32F105/F107", tokens: ["f1", "f105", "f107"], family: .f0f1f3, optionBytes: .f1,
    ramRegions: [0x2000_0000...0x2000_FFFF], banks: .single, errata: [], pollPolicy: .literal, timing: nil,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_F800, zoneSizes: [[16]], flashKiB: 64...256, sectorSizes: [2 * k],
                             era: .classic, isF105F107: true),
    source: "F107 lsusb §3.2/§3.3 [C]")

  // MARK: L0/L1 — Option Bytes 0x1FF80000, 32 bytes (§3.3 L072/L151 dumps [O])

  public static let l0 = ChipVariant(
    name: "STM32L0", tokens: ["l0"], family: .l0l1, optionBytes: .l0l1,
    ramRegions: [0x2000_0000...0x2000_4FFF], banks: .single, errata: [.l0SmallBlocks], maxTransferSize: 128,
    pollPolicy: .literal, timing: nil,
    fingerprint: Fingerprint(optionBytesAt: 0x1FF8_0000, zoneSizes: [[32]], flashKiB: 8...192, sectorSizes: [128],
                             era: .classic),
    source: "L072 strings §3.3 [O]; RM0367 [R]")
  public static let l1 = ChipVariant(
    name: "STM32L1", tokens: ["l1"], family: .l0l1, optionBytes: .l0l1,
    ramRegions: [0x2000_0000...0x2001_3FFF], banks: .single, errata: [.l0SmallBlocks], maxTransferSize: 128,
    pollPolicy: .literal, timing: nil,
    fingerprint: Fingerprint(optionBytesAt: 0x1FF8_0000, zoneSizes: [[32]], flashKiB: 32...512, sectorSizes: [256],
                             era: .classic),
    source: "L151 strings §3.3 [O]; 128-byte transfers kept from L0 as the safe size [U]")

  // MARK: L4 — Option Bytes 0x1FFF7800, 40-byte zones, 2 KiB pages (§3.3, §4, §5.3)

  /// L41x–L46x, single bank, ≤ 512 KiB (RM0394). SRAM1 up to 128 KiB + SRAM2 32 KiB at 0x10000000
  /// (aliased after SRAM1) (RM0394 §2.2 [R]). Empty-check erratum: L41x/L42x.
  public static let l4Single = ChipVariant(
    name: "STM32L41x–L46x", tokens: ["l4", "l41", "l42", "l43", "l44", "l45", "l46"], family: .l4, optionBytes: .l4,
    ramRegions: [0x2000_0000...0x2002_7FFF, 0x1000_0000...0x1000_7FFF], banks: .single,
    errata: [.l4StallDuringErase, .emptyCheck], pollPolicy: waitDatasheet, timing: .l4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_7800, zoneSizes: [[40]], flashKiB: 64...512, sectorSizes: [2 * k],
                             era: .classic, otpAt: 0x1FFF_7000),
    source: "L4 512 KiB strings §3.3 [O, two lists]; RM0394 [R]")
  /// L47x/L48x: 256 KiB–1 MiB, dual bank (DUALBANK=1 from the factory; always on 1 MiB: bank 2 at
  /// 0x08080000, DS10198 §3.4 / RM0351 §3.3.1 [R]); SRAM1 96 KiB + SRAM2 32 KiB (RM0351 §2.1
  /// [C, stm32.dirba.io]); SRAM2 at 0x10000000 only, not after SRAM1 ("not contiguous … in the
  /// L476", MicroPython forum t=3642 [O]). AN2606 write erratum; nSWBOOT0/nBOOT0 reserved
  /// (CMSIS stm32l476xx.h, §5.3 [C]).
  public static let l47x = ChipVariant(
    name: "STM32L47x/L48x", tokens: ["l4", "l47", "l48", "l4dual"], family: .l4, optionBytes: .l47x,
    ramRegions: [0x2000_0000...0x2001_7FFF, 0x1000_0000...0x1000_7FFF], banks: .halves(minimumKiB: 256),
    errata: [.l476UnalignedWrite, .l4StallDuringErase], pollPolicy: waitDatasheet, timing: .l4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_7800, zoneSizes: [[40], [40, 40]], flashKiB: 256...1024,
                             sectorSizes: [2 * k], era: .classic, otpAt: 0x1FFF_7000),
    source: "no L47x ROM dump [U]; RM0351 + DS10198 [R]; AN2606 L47x/L48x limitation (field-notes §1.1)")
  /// L49x/L4Ax: 512 KiB–1 MiB, dual bank; SRAM1 256 KiB + SRAM2 64 KiB (RM0351 §2.1 [C]) at
  /// 0x10000000 and aliased after SRAM1 at 0x20040000 [R];
  /// has nSWBOOT0/nBOOT0 and BFB2/DUALBANK (CMSIS stm32l496xx.h, §5.3 [C]).
  public static let l49x = ChipVariant(
    name: "STM32L49x/L4Ax", tokens: ["l4", "l49", "l4a", "l4dual"], family: .l4, optionBytes: .l49x,
    ramRegions: [0x2000_0000...0x2004_FFFF, 0x1000_0000...0x1000_FFFF], banks: .halves(minimumKiB: 512),
    errata: [.l4StallDuringErase], pollPolicy: waitDatasheet, timing: .l4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_7800, zoneSizes: [[40], [40, 40]], flashKiB: 512...1024,
                             sectorSizes: [2 * k], era: .classic, otpAt: 0x1FFF_7000),
    source: "no L49x ROM dump [U]; RM0351 [R]")
  /// L4R/L4S (L4+): 4 KiB pages dual bank or 8 KiB single bank, 1–2 MiB; 640 KiB SRAM (RM0432 [R]).
  public static let l4Plus = ChipVariant(
    name: "STM32L4R/L4S/L4P/L4Q", tokens: ["l4+", "l4plus", "l4r", "l4s", "l4p", "l4q"], family: .l4,
    optionBytes: .l4Plus, ramRegions: [0x2000_0000...0x2009_FFFF, 0x1000_0000...0x1000_FFFF],
    banks: .halves(minimumKiB: 512, sectorSize: 4 * k), errata: [.l4StallDuringErase], pollPolicy: waitDatasheet,
    timing: .l4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_7800, flashKiB: 512...2048, sectorSizes: [4 * k, 8 * k], era: .classic),
    source: "no L4+ ROM dump [U]; geometry §4 [C]; RM0432 [R]")

  // MARK: G0/G4 — Cube-era ROMs, Option Bytes 0x1FFF7800 (§3.3)

  /// G43x/G44x: ≤ 128 KiB, one 40-byte zone (G431 forum report §3.3 [O]); 22 KiB SRAM + 10 KiB CCM (RM0440 [R]).
  public static let g43x = ChipVariant(
    name: "STM32G43x/G44x", tokens: ["g4", "g43", "g44"], family: .g0g4, optionBytes: .g4,
    ramRegions: [0x2000_0000...0x2000_7FFF, 0x1000_0000...0x1000_27FF], banks: .single,
    errata: [.g4TransferSize, .l4StallDuringErase, .emptyCheck], maxTransferSize: 1024, pollPolicy: waitDatasheet,
    timing: .l4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_7800, zoneSizes: [[40]], flashKiB: 32...128, sectorSizes: [2 * k],
                             era: .cube, otpAt: 0x1FFF_7000),
    source: "G431 OB string §3.3 [O]; RM0440 [R]")
  /// G47x/G48x: two 48-byte zones (G474 §3.3 [O]); DBANK=1: two banks of 2 KiB pages (§4 [C]); 128 KiB SRAM + 32 KiB CCM.
  public static let g47x = ChipVariant(
    name: "STM32G47x/G48x", tokens: ["g4", "g47", "g48"], family: .g0g4, optionBytes: .g4,
    ramRegions: [0x2000_0000...0x2001_FFFF, 0x1000_0000...0x1000_7FFF], banks: .halves(minimumKiB: 128, sectorSize: 2 * k),
    errata: [.g4TransferSize, .l4StallDuringErase, .emptyCheck], maxTransferSize: 1024, pollPolicy: waitDatasheet,
    timing: .l4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_7800, zoneSizes: [[48, 48], [48]], flashKiB: 128...512,
                             sectorSizes: [2 * k, 4 * k], era: .cube, otpAt: 0x1FFF_7000),
    source: "G474 strings §3.3 [O]; BMP geometry §4 [C]; RM0440 [R]")
  /// G0: its OB string was never captured (§3.3), so any one-zone size fits; G0B1/C1 dual bank ≥ 256 KiB; ≤ 144 KiB SRAM.
  public static let g0 = ChipVariant(
    name: "STM32G0", tokens: ["g0"], family: .g0g4, optionBytes: .g0,
    ramRegions: [0x2000_0000...0x2002_3FFF], banks: .halves(minimumKiB: 256),
    errata: [.l4StallDuringErase, .emptyCheck], pollPolicy: waitDatasheet, timing: .l4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_7800, zoneSizes: nil, maxZones: 1, flashKiB: 16...512, sectorSizes: [2 * k],
                             era: .cube),
    source: "G0B1 flash string §3.3 [O]; OB string not captured [U]; RM0444 [R]")

  // MARK: H7 — Cube-era, Option Bytes window 0x5200201C (§3.3, §5.7)

  /// H74x/H75x: 128 bytes, 128 KiB sectors, 2 MiB as 2 banks (H750 reports 2 MiB too) (NuttX/Daisy strings §3.3 [O]).
  public static let h74x = ChipVariant(
    name: "STM32H74x/H75x", tokens: ["h7", "h74", "h75"], family: .h7, optionBytes: .h7,
    ramRegions: [0x2000_0000...0x2001_FFFF, 0x2400_0000...0x2407_FFFF, 0x3000_0000...0x3004_7FFF,
                 0x3800_0000...0x3800_FFFF, 0x0000_0000...0x0000_FFFF],
    banks: .halves(minimumKiB: 2048), errata: [.h7Busy], pollPolicy: .literal, timing: nil,
    fingerprint: Fingerprint(optionBytesAt: 0x5200_201C, zoneSizes: [[128]], flashKiB: 128...2048,
                             sectorSizes: [128 * k], era: .cube),
    source: "NuttX H743 and Daisy H750 strings §3.3 [O]; RM0433 memory map [R]")
  /// H72x/H73x: one bank of 128 KiB sectors, ≤ 1 MiB (§4 [C]); OB window size unknown [U].
  public static let h72x = ChipVariant(
    name: "STM32H72x/H73x", tokens: ["h7", "h72", "h73"], family: .h7, optionBytes: .h7,
    ramRegions: [0x2000_0000...0x2001_FFFF, 0x2400_0000...0x2404_FFFF, 0x3000_0000...0x3000_7FFF,
                 0x3800_0000...0x3800_3FFF, 0x0000_0000...0x0003_FFFF],
    banks: .single, errata: [.h7Busy], pollPolicy: .literal, timing: nil,
    fingerprint: Fingerprint(optionBytesAt: 0x5200_201C, flashKiB: 128...1024, sectorSizes: [128 * k], era: .cube),
    source: "CMSIS geometry §4 [C]; no ROM dump [U]; RM0468 [R]")
  /// H7A3/H7B3: 297 bytes, 8 KiB sectors, 128-bit flash word (§3.3 [O], §4 [C]); 1 MiB AXI SRAM (RM0455 [R]).
  public static let h7a3 = ChipVariant(
    name: "STM32H7A3/H7B3", tokens: ["h7a", "h7b"], family: .h7a3, optionBytes: .h7,
    ramRegions: [0x2000_0000...0x2001_FFFF, 0x2400_0000...0x240F_FFFF, 0x3000_0000...0x3001_FFFF,
                 0x3800_0000...0x3800_7FFF, 0x0000_0000...0x0000_FFFF],
    banks: .halves(minimumKiB: 2048), errata: [.h7Busy], pollPolicy: .literal, timing: nil,
    fingerprint: Fingerprint(optionBytesAt: 0x5200_201C, zoneSizes: [[297]], flashKiB: 128...2048, sectorSizes: [8 * k],
                             era: .cube, otpAt: 0x08FF_F000),
    source: "H7A3 strings §3.3 [O]; RM0455 [R]")

  // MARK: U5, WB

  /// U5: Option Bytes window 0x40022040 (Zephyr STWIN.box §3.3 [O]); 8 KiB pages, 2 banks; up to 2.5 MiB SRAM + SRAM4.
  public static let u5 = ChipVariant(
    name: "STM32U5", tokens: ["u5"], family: .u5, optionBytes: nil,
    ramRegions: [0x2000_0000...0x2027_FFFF, 0x2800_0000...0x2800_3FFF], banks: .halves(minimumKiB: 256),
    errata: [.emptyCheck], pollPolicy: .literal, timing: nil,
    fingerprint: Fingerprint(optionBytesAt: 0x4002_2040, flashKiB: 128...4096, sectorSizes: [8 * k], era: .cube,
                             otpAt: 0x0BFA_0000),
    source: "U575/U585 strings §3.3 [O]; RM0456 [R]")
  /// WB5x: 4 KiB pages (WB55 string §3.3 [O]); OB area 0x1FFF8000 (CMSIS §5.6 [C]; DFU string not found [U]).
  public static let wb = ChipVariant(
    name: "STM32WB5x", tokens: ["wb"], family: .wb, optionBytes: .wb,
    ramRegions: [0x2000_0000...0x2003_FFFF], banks: .single, errata: [.emptyCheck], pollPolicy: waitDatasheet,
    timing: .l4,
    fingerprint: Fingerprint(optionBytesAt: 0x1FFF_8000, flashKiB: 256...1024, sectorSizes: [4 * k], era: .cube),
    source: "WB55 flash string §3.3 [O]; RM0434 [R]")
}
