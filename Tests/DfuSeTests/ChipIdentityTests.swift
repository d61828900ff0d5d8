import Testing
@testable import DfuSe
import DfuSeSimulator

/// One chip identity from all descriptor clues (issue 12 "Chip identity"),
/// on the simulated boards and on descriptor sets of real ROMs
/// (stm32-dfu-facts §3.3).
@Suite struct ChipIdentityTests {
  static func device(_ strings: [String], bcd: UInt16 = 0x2200, product: String? = "STM32  BOOTLOADER") -> DFUDeviceInfo {
    DFUDeviceInfo(vendorID: 0x0483, productID: 0xDF11, deviceRelease: bcd, manufacturer: "STMicroelectronics",
                  product: product, serialNumber: "315A28A0B956", busNumber: 1, portNumbers: [1], deviceAddress: 2,
                  interfaceNumber: 0, interfaceProtocol: 2,
                  alternateSettings: strings.enumerated().map { DFUAlternateSetting(number: UInt8($0), name: $1) },
                  functionalDescriptor: nil)
  }

  static let l4Flash1M = "@Internal Flash  /0x08000000/0512*0002Kg"
  static let l4OneZone = "@Option Bytes  /0x1FFF7800/01*040 e"
  static let l4OTP = "@OTP Memory /0x1FFF7000/01*0001Ke"
  static let feature = "@Device Feature/0xFFFF0000/01*004 e"
  /// A 1 MiB L4 whose ROM lists one 40-byte OB zone (the case).
  static let l4OneMiBOneZone = device([l4Flash1M, l4OneZone, l4OTP, feature])

  func names(_ id: ChipIdentity) -> [String] { id.candidates.map(\.name) }

  // MARK: The simulated boards

  @Test func simulatedF405IsAnF2F4WithCCMAndItsErrata() {
    let id = ChipIdentity.identify(SimulatedSTM32(profile: .stm32f405, clock: VirtualClock()).deviceInfo!)
    #expect(names(id).contains("STM32F405/F407/F415/F417"))
    #expect(id.certainty == .likely, "F2xx/F412/F413 have the same strings; they differ only in RAM")
    #expect(id.profile.family == .f2f4 && id.optionBytes == .f2f4)
    #expect(id.profile.ramRegions.contains(0x1000_0000...0x1000_FFFF), "64 KiB CCM")
    #expect(id.profile.errata.contains(.f4MassEraseTimeout) && id.profile.pollPolicy.pollEarly)
    #expect(id.profile.bankBoundaries.isEmpty && id.profile.bootloaderVersion == "V2.2")
  }

  @Test func simulatedL476IsADualBankL4WithTheL476Erratum() throws {
    let info = SimulatedSTM32(profile: .stm32l476, clock: VirtualClock()).deviceInfo!
    let id = ChipIdentity.identify(info)
    #expect(names(id) == ["STM32L47x/L48x", "STM32L49x/L4Ax"])
    #expect(id.certainty == .ambiguous && id.optionBytes == .l4DualBank)
    #expect(id.profile.errata.contains(.l476UnalignedWrite) && id.profile.bankBoundaries == [0x0808_0000])
    let told = try ChipIdentity.identify(info, family: "STM32L476RG")
    #expect(told.certainty == .certain && names(told) == ["STM32L47x/L48x"] && told.optionBytes == .l47x)
  }

  // MARK: The 1 MiB L4 with one OB zone

  @Test func oneMiBL4WithOneZoneIsADualBankL47xOrL49x() {
    let id = ChipIdentity.identify(Self.l4OneMiBOneZone)
    #expect(names(id) == ["STM32L47x/L48x", "STM32L49x/L4Ax"], "single-bank L4 parts stop at 512 KiB")
    #expect(id.certainty == .ambiguous)
    #expect(id.profile.errata.first == .l476UnalignedWrite)
    #expect(id.profile.bankBoundaries == [0x0808_0000])
    #expect(id.profile.family == .l4 && id.profile.flashWordSize == 8 && id.profile.timing == .l4)
    #expect(id.summary.contains("ambiguous") && id.summary.contains("--family"))
    #expect(id.optionBytes == .l4DualBank)
  }

  @Test func oneMiBL4OptionBytesHaveBankBitsAndNoPossiblyReservedBootBits() throws {
    let family = try #require(ChipIdentity.identify(Self.l4OneMiBOneZone).optionBytes)
    var ob = try OptionBytes(family: family, zones: [OptionBytes.factoryDefaults(family).zones[0]])
    #expect(ob.value(of: "DUALBANK") == 1 && ob.value(of: "BFB2") == 0)
    try ob.apply(OptionEdit(field: "BFB2", value: "1"))
    #expect(ob.value(of: "BFB2") == 1)
    #expect(ob.value(of: "nSWBOOT0") == 1, "shown")
    #expect(throws: OptionByteError.readOnlyField(field: "nSWBOOT0", reason: OptionByteCatalog.mayBeReservedOnL47x)) {
      try ob.apply(OptionEdit(field: "nSWBOOT0", value: "0"))
    }
    #expect(throws: OptionByteError.self) { try ob.apply(OptionEdit(field: "nBOOT0", value: "0")) }
  }

  @Test func l47xHidesItsReservedBootBitsAndL49xHasThem() throws {
    let l47 = try ChipIdentity.identify(Self.l4OneMiBOneZone, family: "l476")
    #expect(l47.optionBytes == .l47x && l47.certainty == .certain && l47.profile.errata.contains(.l476UnalignedWrite))
    var ob = OptionBytes.factoryDefaults(.l47x, zoneCount: 1)
    #expect(ob.layout.field(named: "nSWBOOT0") == nil && ob.layout.field(named: "nBOOT0") == nil)
    #expect(throws: OptionByteError.self) { try ob.apply(OptionEdit(field: "nSWBOOT0", value: "0")) }
    try ob.apply(OptionEdit(field: "DUALBANK", value: "0"))
    #expect(ob.value(of: "DUALBANK") == 0)

    let l49 = try ChipIdentity.identify(Self.l4OneMiBOneZone, family: "L496")
    #expect(l49.optionBytes == .l49x && !l49.profile.errata.contains(.l476UnalignedWrite))
    var ob49 = OptionBytes.factoryDefaults(.l49x, zoneCount: 1)
    try ob49.apply(OptionEdit(field: "nSWBOOT0", value: "0"))
    try ob49.apply(OptionEdit(field: "BFB2", value: "1"))
    #expect(ob49.value(of: "nSWBOOT0") == 0 && ob49.value(of: "BFB2") == 1)
  }

  @Test func aChangePlanRefusesAChangedPossiblyReservedBit() throws {
    let before = OptionBytes.factoryDefaults(.l4DualBank, zoneCount: 1)
    var raw = before.zones[0]
    raw[3] &= ~0x04  // OPTR bit 26 (nSWBOOT0) cleared behind the editor's back
    let after = try OptionBytes(family: .l4DualBank, zones: [raw])
    #expect(throws: OptionByteError.readOnlyField(field: "nSWBOOT0", reason: OptionByteCatalog.mayBeReservedOnL47x)) {
      _ = try OptionByteChangePlan(before: before, after: after)
    }
  }

  // MARK: Other real ROMs (stm32-dfu-facts §3.3)

  @Test func realROMDescriptorSets() {
    func id(_ s: [String], bcd: UInt16 = 0x2200, product: String? = "STM32  BOOTLOADER") -> ChipIdentity {
      ChipIdentity.identify(Self.device(s, bcd: bcd, product: product))
    }
    let f411 = id(["@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg", "@Option Bytes  /0x1FFFC000/01*016 e"])
    #expect(f411.certainty == .likely && names(f411).contains("STM32F401/F410/F411/F446") && f411.optionBytes == .f2f4)
    let f429 = id(["@Internal Flash /0x08000000/04*016Kg,01*064Kg,07*128Kg,04*016Kg,01*064Kg,07*128Kg",
                   "@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEC000/01*016 e"])
    #expect(f429.certainty == .certain && f429.optionBytes == .f42x && f429.profile.bankBoundaries == [0x0810_0000])
    #expect(f429.profile.ramRegions.contains(0x1000_0000...0x1000_FFFF))
    let f722 = id(["@Internal Flash  /0x08000000/04*016Kg,01*64Kg,03*128Kg", "@Option Bytes  /0x1FFF0000/01*048 e",
                   "@OTP Memory /0x1FF07800/01*528e"])
    #expect(names(f722) == ["STM32F72x/F73x"] && f722.profile.family == .f7)
    let f745 = id(["@Internal Flash  /0x08000000/04*032Kg,01*128Kg,03*256Kg"])
    #expect(f745.profile.family == .f7 && f745.certainty == .likely && f745.clues.contains("no Option Bytes memory map"))
    let f107 = id(["@Internal Flash  /0x08000000/128*002Kg", "@Option Bytes  /0x1FFFF800/01*016 g"], bcd: 0x2000,
                  product: "STM32 0x418 DFU Bootloader")
    #expect(names(f107) == ["STM32F105/F107"] && f107.optionBytes == .f1)
    let f072 = id(["@Internal Flash  /0x08000000/064*0002Kg", "@Option Bytes  /0x1FFFF800/01*016 e"])
    #expect(f072.optionBytes == .f0f3 && f072.certainty == .likely)
    let l072 = id(["@Internal Flash  /0x08000000/1536*128g", "@Option Bytes  /0x1FF80000/01*032 e", "@DATA Memory /0x08080000/2*3Ke"])
    #expect(names(l072) == ["STM32L0"] && l072.profile.family.erasedByte == 0 && l072.profile.transferSize(descriptor: 2048) == 128)
    let l151 = id(["@Internal Flash  /0x08000000/1024*256 g", "@Option Bytes  /0x1FF80000/01*032 e"])
    #expect(names(l151) == ["STM32L1"])
    let l431 = id(["@Internal Flash  /0x08000000/0064*0002Kg", Self.l4OneZone, Self.l4OTP, Self.feature])
    #expect(l431.certainty == .certain && l431.optionBytes == .l4 && l431.profile.bankBoundaries.isEmpty)
    #expect(!l431.profile.errata.contains(.l476UnalignedWrite))
    let g474 = id(["@Internal Flash   /0x08000000/256*02Kg", "@Option Bytes   /0x1FFF7800/01*048 e/0x1FFFF800/01*048 e",
                   "@OTP Memory   /0x1FFF7000/01*1024 e"], bcd: 0x0200, product: "DFU in FS Mode")
    #expect(names(g474) == ["STM32G47x/G48x"] && g474.profile.bankBoundaries == [0x0804_0000])
    #expect(g474.profile.transferSize(descriptor: 2048) == 1024 && g474.optionBytes == .g4)
    let h743 = id(["@Internal Flash   /0x08000000/16*128Kg", "@Option Bytes   /0x5200201C/01*128 e"], bcd: 0x0200)
    #expect(names(h743) == ["STM32H74x/H75x"] && h743.profile.flashWordSize == 32 && h743.profile.bankBoundaries == [0x0810_0000])
    #expect(h743.profile.ramRegions.contains(0x2400_0000...0x2407_FFFF))
    let h7a3 = id(["@Internal Flash   /0x08000000/256*08Kg", "@Option Bytes   /0x5200201C/01*297 e",
                   "@OTP Memory   /0x08FFF000/01*1024 e"], bcd: 0x0200)
    #expect(names(h7a3) == ["STM32H7A3/H7B3"] && h7a3.profile.flashWordSize == 16)
    let u575 = id(["@Internal Flash   /0x08000000/256*08Kg", "@Option Bytes   /0x40022040/01*64 e",
                   "@OTP Memory   /0x0BFA0000/01*512 e"], bcd: 0x0200, product: "DFU in FS Mode")
    #expect(names(u575) == ["STM32U5"] && u575.profile.flashWordSize == 16 && u575.optionBytes == nil)
    let wb55 = id(["@Internal Flash   /0x08000000/256*04Kg"], bcd: 0x0200)
    #expect(names(wb55) == ["STM32WB5x"] && wb55.profile.errata.contains(.emptyCheck))
    let unknown = id(["@Flash /0x00000000/16*1Kg"], bcd: 0x0100, product: "Some DFU")
    #expect(unknown.certainty == .unrecognised && unknown.profile.family == .unknown && unknown.profile.pollPolicy == .literal)
  }

  // MARK: Ambiguity and --family

  @Test func ambiguousCasesListCandidatesAndTakeTheSafestRules() throws {
    // 512 KiB of 2 KiB pages, one zone: the observed L45x/L46x string, but an L476RE/L496RE fits too.
    let l4 = ChipIdentity.identify(Self.device(["@Internal Flash  /0x08000000/0256*0002Kg", Self.l4OneZone]))
    #expect(names(l4) == ["STM32L41x–L46x", "STM32L47x/L48x", "STM32L49x/L4Ax"] && l4.certainty == .ambiguous)
    #expect(l4.profile.errata.contains(.l476UnalignedWrite) && l4.profile.bankBoundaries == [0x0804_0000])
    #expect(l4.optionBytes == .l4Undecided)
    var ob = OptionBytes.factoryDefaults(.l4Undecided, zoneCount: 1)
    #expect(throws: OptionByteError.self) { try ob.apply(OptionEdit(field: "BFB2", value: "1")) }
    #expect(throws: OptionByteError.self) { try ob.apply(OptionEdit(field: "nSWBOOT0", value: "0")) }
    try ob.apply(OptionEdit(field: "IWDG_SW", value: "0"))
    let single = try ChipIdentity.identify(Self.device(["@Internal Flash  /0x08000000/0256*0002Kg", Self.l4OneZone]),
                                           family: "l452")
    #expect(single.certainty == .certain && single.optionBytes == .l4 && single.profile.bankBoundaries.isEmpty)

    // G431's 40-byte zone without a flash string: G43x/G44x or G0 (whose OB string is unknown).
    let g4 = ChipIdentity.identify(Self.device(["@Option Bytes   /0x1FFF7800/01*040 e"], bcd: 0x0200))
    #expect(names(g4) == ["STM32G43x/G44x", "STM32G0"] && g4.certainty == .ambiguous)
    #expect(g4.optionBytes == nil, "two different catalogues: ask for --family")
    #expect(g4.profile.transferSize(descriptor: 2048) == 1024, "the smallest transfer of all candidates")
    // G0B1 (128 KiB): only its flash string was captured; G4 parts of that size fit too.
    let g0 = ChipIdentity.identify(Self.device(["@Internal Flash   /0x08000000/64*02Kg"], bcd: 0x0200, product: "DFU in FS Mode"))
    #expect(names(g0) == ["STM32G43x/G44x", "STM32G47x/G48x", "STM32G0"] && g0.profile.family == .g0g4)
    #expect(g0.profile.errata.contains(.emptyCheck) && g0.profile.family.hasECC)
  }

  @Test func theOTPAddressTellsAnF72xFromAnF4WhenTheOptionBytesAltIsMissing() {
    let flash = "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg"
    let flashOnly = ChipIdentity.identify(Self.device([flash]))
    #expect(flashOnly.certainty == .ambiguous && Set(flashOnly.candidates.map(\.family)) == [.f2f4, .f7])
    let f7 = ChipIdentity.identify(Self.device([flash, "@OTP Memory /0x1FF07800/01*528e"]))
    #expect(names(f7) == ["STM32F72x/F73x"] && f7.optionBytes == .f7)
    let f4 = ChipIdentity.identify(Self.device([flash, "@OTP Memory /0x1FFF7800/01*512 e,01*016 e"]))
    #expect(f4.profile.family == .f2f4 && !names(f4).contains("STM32F72x/F73x"))
    #expect(f4.certainty == .ambiguous && f4.optionBytes == nil, "without the OB alt an F42x (two OB zones) fits too")
  }

  @Test func familyOverride() throws {
    #expect(throws: ChipIdentityError.unknownFamily("z80")) { try ChipIdentity.identify(Self.l4OneMiBOneZone, family: "z80") }
    #expect(throws: ChipIdentityError.self) { try ChipIdentity.identify(Self.l4OneMiBOneZone, family: "f405") }
    let l4 = try ChipIdentity.identify(Self.l4OneMiBOneZone, family: "l4")
    #expect(names(l4) == ["STM32L47x/L48x", "STM32L49x/L4Ax"], "a family name narrows to the candidates that fit")
    let unknownDevice = Self.device(["@Flash /0x08000000/64*2Kg"], bcd: 0x0100)
    let forced = try ChipIdentity.identify(unknownDevice, family: "h743")
    #expect(names(forced) == ["STM32H74x/H75x"] && forced.profile.flashWordSize == 32 && forced.familyOverride == "h743")
    #expect(try ChipIdentity.variants(named: "l4r5").map(\.name) == ["STM32L4R/L4S/L4P/L4Q"])
    #expect(try ChipIdentity.variants(named: "l4dual").count == 2)
  }

  // MARK: The vector table

  /// A GCC-like vector table: SP, Reset_Handler, NMI, HardFault … (Thumb addresses in the image).
  static func vectorTable(stack: UInt32) -> [UInt8] {
    let handlers: [UInt32] = [0x0800_01C5, 0x0800_02A1, 0x0800_02A3, 0x0800_02A5, 0x0800_02A7, 0x0800_02A9]
    return ([stack] + handlers).flatMap(Make.le32) + [UInt8](repeating: 0, count: 0x1C0 - 28) + [UInt8](repeating: 0x70, count: 0x200)
  }

  @Test func stacksInCCMAndSRAM2AreBootable() throws {
    let f405 = ChipIdentity.identify(SimulatedSTM32(profile: .stm32f405, clock: VirtualClock()).deviceInfo!).profile
    let f4Map = try MemoryMap(parsing: "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg")
    let ccm = try FirmwareImage(bytes: Self.vectorTable(stack: 0x1001_0000), at: 0x0800_0000, origin: Make.origin())
    let check = VectorTable(vectorTable: Array(ccm.segments[0].bytes.prefix(8)), at: 0x0800_0000, chip: f405, flash: f4Map,
                            image: ccm)
    #expect(check.isBootable, "F405 CCM 0x10000000–0x1000FFFF: \(check.problems)")
    let pastCCM = VectorTable(bytes: Make.le32(0x1001_0008) + Make.le32(0x0800_01C5), at: 0x0800_0000,
                              ramRegions: f405.ramRegions, flash: f4Map)
    #expect(!pastCCM.isBootable)

    let l476 = try ChipIdentity.identify(SimulatedSTM32(profile: .stm32l476, clock: VirtualClock()).deviceInfo!, family: "l476")
    let l4Map = try MemoryMap(parsing: Self.l4Flash1M)
    for stack: UInt32 in [0x1000_8000, 0x2001_8000, 0x2001_7FF0] {  // SRAM2 top, SRAM1 top, inside SRAM1
      let image = try FirmwareImage(bytes: Self.vectorTable(stack: stack), at: 0x0800_0000, origin: Make.origin())
      let vt = try #require(VectorTable(image: image, ramRegions: l476.profile.ramRegions))
      #expect(vt.isBootable, "\(hex32(stack)): \(vt.problems)")
      #expect(VectorTable(vectorTable: Make.le32(stack) + Make.le32(0x0800_01C5), at: 0x0800_0000, chip: l476.profile,
                          flash: l4Map).isBootable)
    }
    #expect(!VectorTable(bytes: Make.le32(0x1000_8008) + Make.le32(0x0800_01C5), at: 0x0800_0000,
                         ramRegions: l476.profile.ramRegions).isBootable, "past the L47x's 32 KiB SRAM2")
    #expect(!VectorTable(bytes: Make.le32(0x2003_0000) + Make.le32(0x0800_01C5), at: 0x0800_0000,
                         ramRegions: l476.profile.ramRegions).isBootable, "past the L47x's 96 KiB SRAM1")
    #expect(!VectorTable(bytes: Make.le32(0x2002_0000) + Make.le32(0x0800_01C5), at: 0x0800_0000,
                         ramRegions: l476.profile.ramRegions).isBootable, "the L47x's SRAM2 has no alias after SRAM1")
    let either = ChipIdentity.identify(Self.l4OneMiBOneZone).profile  // L47x or L49x: the union of both RAM maps
    #expect(VectorTable(bytes: Make.le32(0x2005_0000) + Make.le32(0x0800_01C5), at: 0x0800_0000,
                        ramRegions: either.ramRegions).isBootable, "an L4A6's SRAM1+SRAM2 alias top")
    #expect(!VectorTable(bytes: Make.le32(0x2000_7FFE) + Make.le32(0x0800_01C5), at: 0x0800_0000,
                         ramRegions: l476.profile.ramRegions).isBootable, "misaligned")
    #expect(!VectorTable(bytes: Make.le32(0x2000_0000) + Make.le32(0x0800_01C5), at: 0x0800_0000,
                         ramRegions: l476.profile.ramRegions).isBootable, "an empty stack at the bottom of RAM")
  }
}
