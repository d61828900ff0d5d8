public import DfuSe

extension SimulatedProfile {
  /// Every built-in profile.
  public static var all: [SimulatedProfile] { [.stm32f405, .stm32l476] }

  /// The built-in profile called `name` (case-insensitive), e.g. `stm32f405`.
  public static func named(_ name: String) -> SimulatedProfile? {
    all.first { $0.name == name.lowercased() }
  }

  /// STM32F405/407 (1 MiB), ROM bootloader V2.2 (bcdDevice 0x2200).
  ///
  /// - Strings: stm32-dfu-facts §3.3 (alt 0 from the V2.1 dump, its V2.2 form [U]).
  /// - Option bytes: 16 bytes at 0x1FFFC000, factory `EC AA 13 55 FF…FF 0F 00 F0 FF…`
  ///   (OPTCR 0x0FFFAAED image; byte layout [U], §5.1). RDP is byte 1.
  /// - Timing (field-notes §4, DS8626 via Black Magic Probe): sector erase
  ///   250/550/1000 ms for 16/64/128 KiB, reported 100 ms; program 16 µs per
  ///   32-bit word, reported = actual rounded up; SET_ADDRESS reported 104 ms,
  ///   actual none (F401/F411 log, assumed for the F405); mass erase reported
  ///   100 ms (the dfu-util "F405 lies" quirk), actual 8 s: DS8626 tME at x32
  ///   parallelism (2.7–3.6 V) 8 s typ / 16 s max, x8 16 s / 32 s (RM0090 §3.5.3
  ///   MER; the ROM's choice of parallelism is not documented [U]);
  ///   option-byte write: reported 100 ms, actual 250 ms (a 16 KiB-like
  ///   erase plus programming) [U].
  /// - Quirks: first GETSTATUS after enumeration is dfuERROR/errFIRMWARE
  ///   (§2.6); SET_ADDRESS into the option bytes under RDP 1 is errVENDOR (§2.2).
  public static let stm32f405 = SimulatedProfile(
    name: "stm32f405",
    identity: .stRomV22,
    alternates: [
      SimulatedAlternate(kind: .internalFlash, name: "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg"),
      SimulatedAlternate(kind: .optionBytes, name: "@Option Bytes  /0x1FFFC000/01*016 e"),
      SimulatedAlternate(kind: .otp, name: "@OTP Memory /0x1FFF7800/01*512 e,01*016 e"),
      SimulatedAlternate(kind: .deviceFeature, name: "@Device Feature/0xFFFF0000/01*004 e"),
    ],
    functionalDescriptor: SimulatedProfile.stRomFunctionalDescriptor,
    sramStart: 0x2000_0000, sramSize: 128 * 1024,
    optionByteZones: [
      SimulatedOptionByteZone(
        address: 0x1FFF_C000,
        factoryDefault: [0xEC, 0xAA, 0x13, 0x55, 0xFF, 0xFF, 0xFF, 0xFF,
                         0xFF, 0x0F, 0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF])
    ],
    readProtectionByte: SimulatedOptionByteLocation(zone: 0, offset: 1),
    family: .f4,
    timing: SimulatedTiming(
      setAddress: .init(reportedMilliseconds: 104, actual: .zero),
      sectorErase: [
        16 * 1024: .init(reportedMilliseconds: 100, actual: .milliseconds(250)),
        64 * 1024: .init(reportedMilliseconds: 100, actual: .milliseconds(550)),
        128 * 1024: .init(reportedMilliseconds: 100, actual: .milliseconds(1000)),
      ],
      defaultSectorErase: .init(reportedMilliseconds: 100, actual: .milliseconds(1000)),
      massErase: .init(reportedMilliseconds: 100, actual: .seconds(8)),
      programUnitBytes: 4,
      programTimePerUnit: .microseconds(16),
      optionByteWrite: .init(reportedMilliseconds: 100, actual: .milliseconds(250))),
    quirks: SimulatedQuirks(
      startsInFirmwareError: true,
      optionByteSetAddressFailsUnderReadProtection: true),
    serialPrefix: "3267")

  /// STM32L476 (1 MiB dual bank, 2 × 256 pages × 2 KiB), ROM bootloader V2.2.
  ///
  /// - Strings: no dump of a real L476 exists; built from the single-bank L4
  ///   strings with the page count doubled and a second option zone for
  ///   bank 2 [U, stm32-dfu-facts §3.3].
  /// - Option bytes (§5.3): two 40-byte zones of 64-bit words (value, complement):
  ///   0x1FFF7800 OPTR 0xFFEFF8AA, PCROP1SR 0xFFFFFFFF, PCROP1ER 0, WRP1AR/BR 0xFF;
  ///   0x1FFFF800 reserved 0xFFFFFFFF, PCROP2SR 0xFFFFFFFF, PCROP2ER 0, WRP2AR/BR 0xFF.
  ///   RDP = OPTR bits 7:0 (byte 0 of zone 0).
  /// - Timing (field-notes §4, DS10198 recalled values): page erase 22.02 ms,
  ///   reported 10 ms (too short, which is what makes the ROM STALL early
  ///   polls); program 81.69 µs per 64-bit word, reported = actual; mass erase
  ///   DS10198 tME 22.1 ms typ per bank, both banks one after the other
  ///   (44.2 ms: whether the ROM sets MER1 and MER2 together, RM0351 §3.3.6,
  ///   is not documented), reported 45 ms [U: no report observed];
  ///   SET_ADDRESS none; option-byte write 25 ms both [U].
  /// - Quirks: STALLs GETSTATUS during an erase (§2.6); the AN2606 "> 256 bytes
  ///   and not a multiple of 8" write corruption (field-notes §1.1).
  public static let stm32l476 = SimulatedProfile(
    name: "stm32l476",
    identity: .stRomV22,
    alternates: [
      SimulatedAlternate(kind: .internalFlash, name: "@Internal Flash  /0x08000000/0512*0002Kg"),
      SimulatedAlternate(kind: .optionBytes, name: "@Option Bytes  /0x1FFF7800/01*040 e/0x1FFFF800/01*040 e"),
      SimulatedAlternate(kind: .otp, name: "@OTP Memory /0x1FFF7000/01*0001Ke"),
      SimulatedAlternate(kind: .deviceFeature, name: "@Device Feature/0xFFFF0000/01*004 e"),
    ],
    functionalDescriptor: SimulatedProfile.stRomFunctionalDescriptor,
    sramStart: 0x2000_0000, sramSize: 128 * 1024,
    optionByteZones: [
      SimulatedOptionByteZone(
        address: 0x1FFF_7800,
        factoryDefault: SimulatedFlashFamily.l4OptionWords([0xFFEF_F8AA, 0xFFFF_FFFF, 0, 0xFF, 0xFF])),
      SimulatedOptionByteZone(
        address: 0x1FFF_F800,
        factoryDefault: SimulatedFlashFamily.l4OptionWords([0xFFFF_FFFF, 0xFFFF_FFFF, 0, 0xFF, 0xFF])),
    ],
    readProtectionByte: SimulatedOptionByteLocation(zone: 0, offset: 0),
    family: .l4(pagesPerBank: 256),
    timing: SimulatedTiming(
      setAddress: .init(reportedMilliseconds: 0, actual: .zero),
      sectorErase: [:],
      defaultSectorErase: .init(reportedMilliseconds: 10, actual: .microseconds(22_020)),
      massErase: .init(reportedMilliseconds: 45, actual: .microseconds(44_200)),
      programUnitBytes: 8,
      programTimePerUnit: .nanoseconds(81_690),
      optionByteWrite: .init(reportedMilliseconds: 25, actual: .milliseconds(25))),
    quirks: SimulatedQuirks(
      stallsStatusDuringErase: true,
      corruptsLongUnalignedWrites: true),
    serialPrefix: "2079")
}

extension SimulatedProfile {
  /// What ST ROMs report: Will Detach, manifestation intolerant, upload,
  /// download (0x0B); detach 255 ms; wTransferSize 2048; bcdDFU 0x011A
  /// [C, stm32-dfu-facts §1.4].
  public static let stRomFunctionalDescriptor = FunctionalDescriptor(
    attributes: [.canDownload, .canUpload, .willDetach], detachTimeoutMilliseconds: 255,
    transferSize: 2048, dfuVersion: 0x011A)
}
