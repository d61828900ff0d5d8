import DfuSe
import DfuSeSimulator
import Testing

/// Option-byte catalogue, decode/encode, danger gates, boot prediction, and
/// the write → reset → refind → verify and unprotect flows on the simulator.
@Suite struct OptionBytesTests {
  @Test(arguments: OptionByteFamily.allCases)
  func factoryDefaultsRoundTripAndKeepComplements(family: OptionByteFamily) throws {
    let ob = OptionBytes.factoryDefaults(family)
    #expect(ob.encoded == ob.zones, "factory bytes of \(family) must already carry their complements")
    #expect(ob.complementMismatches.allSatisfy { $0.isEmpty })
    #expect(ob.readProtection == .level0)
    let decoded = ob.decoded
    #expect(!decoded.isEmpty)
    // Every field set to its current value changes nothing; set to another value round-trips.
    var edited = ob
    for d in decoded where d.field.danger != .security && d.field.readOnlyReason == nil {
      let other = d.value ^ 1 & d.field.maxValue
      try edited.set(d.field, to: other)
      #expect(edited.value(of: d.field) == other)
      try edited.set(d.field, to: d.value)
    }
    #expect(edited.encoded == ob.encoded)
  }

  @Test func f405FactoryDecodesAsTheReferenceSays() throws {
    let ob = OptionBytes.factoryDefaults(.f2f4)
    #expect(ob.zones[0] == [0xEC, 0xAA, 0x13, 0x55, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF])
    #expect(ob.zones == SimulatedProfile.stm32f405.optionByteZones.map(\.factoryDefault))
    #expect(ob.decoded.first { $0.field.name == "RDP" }?.line == "RDP: level 0 (no protection) [0xAA]")
    #expect(ob.value(of: "nWRP") == 0xFFF)
  }

  @Test func l476FactoryMatchesTheSimulator() {
    #expect(OptionBytes.factoryDefaults(.l4DualBank).zones == SimulatedProfile.stm32l476.optionByteZones.map(\.factoryDefault))
  }

  @Test func editKeepsReservedBitsAndRecomputesComplements() throws {
    var zone = OptionBytes.factoryDefaults(.l4).zones[0]
    zone[1] |= 0x08  // reserved OPTR bit 11
    var ob = try OptionBytes(family: .l4, zones: [zone])
    try ob.apply(OptionEdit(parsing: "nRST_STOP=0"))
    let out = ob.encoded[0]
    #expect(out[1] & 0x08 == 0x08)
    #expect(out[1] & 0x10 == 0)
    #expect(out[5] == ~out[1])
  }

  @Test func f0ProductionValueAndComplementCheck() throws {
    let ob = OptionBytes.factoryDefaults(.f0f3)
    #expect(Array(ob.zones[0][0..<4]) == [0xAA, 0x55, 0xFF, 0x00])  // 0x00FF55AA, RM0091 §4.1.1
    var bad = ob.zones[0]
    bad[1] = 0x00
    #expect(try OptionBytes(family: .f0f3, zones: [bad]).complementMismatches[0] == [0])
  }

  @Test func ambiguousAndUnknownEditsAreRefused() throws {
    var ob = OptionBytes.factoryDefaults(.f2f4)
    #expect(throws: OptionByteError.self) { try ob.apply(OptionEdit(parsing: "RDP=0")) }
    #expect(throws: OptionByteError.self) { try ob.apply(OptionEdit(parsing: "nBOOT0=0")) }
    #expect(throws: OptionByteError.self) { try ob.apply(OptionEdit(parsing: "nWRP=0x1000")) }
    #expect(throws: OptionByteError.self) { try OptionEdit(parsing: "RDP") }
  }

  @Test func dangerGates() throws {
    let before = OptionBytes.factoryDefaults(.f2f4)
    var rdp2 = before
    try rdp2.apply(OptionEdit(field: "RDP", value: "level2"))
    let plan = try OptionByteChangePlan(before: before, after: rdp2)
    #expect(plan.risks.contains(.readProtectionLevel2))
    #expect(throws: OptionByteError.irreversiblePhraseRequired(expected: OptionByteChangePlan.irreversiblePhrase)) {
      try plan.check(confirmed: true, irreversiblePhrase: nil)
    }
    #expect(throws: OptionByteError.self) { try plan.check(confirmed: true, irreversiblePhrase: "yes") }
    try plan.check(confirmed: true, irreversiblePhrase: OptionByteChangePlan.irreversiblePhrase)
    var plain = before
    try plain.apply(OptionEdit(field: "nRST_STOP", value: "0"))
    #expect(throws: OptionByteError.self) { try OptionByteChangePlan(before: before, after: plain).check(confirmed: false, irreversiblePhrase: nil) }
    // Level 1 → 0 mass-erases.
    var l1 = before
    try l1.apply(OptionEdit(field: "RDP", value: "level1"))
    #expect(try OptionByteChangePlan(before: l1, after: before).risks.contains(.massErase))
    // Read-only families refuse to plan.
    let h7 = OptionBytes.factoryDefaults(.h7)
    #expect(throws: OptionByteError.self) { try OptionByteChangePlan(before: h7, after: h7) }
  }

  @Test func bootPredictionAndUnreachableBootloader() throws {
    let l4 = OptionBytes.factoryDefaults(.l4)
    #expect(BootPrediction.predict(l4, boot0Pin: false).target == .mainFlash(bank: 1))
    #expect(BootPrediction.predict(l4, boot0Pin: true).target == .systemMemory)
    var locked = l4
    try locked.apply(OptionEdit(field: "nSWBOOT0", value: "0"))  // nBOOT0 = 1 stays: always flash
    let p = BootPrediction.predict(locked, boot0Pin: true)
    #expect(p.target == .mainFlash(bank: 1))
    #expect(!p.bootloaderReachable)
    #expect(try OptionByteChangePlan(before: l4, after: locked).risks.contains(.bootloaderUnreachable))
    // G0 factory: nBOOT_SEL=1, nBOOT0=1 → the pin is ignored.
    #expect(BootPrediction.predict(OptionBytes.factoryDefaults(.g0), boot0Pin: true).target == .mainFlash(bank: 1))
    // F7/H7 factory BOOT_ADD1 → ROM.
    #expect(BootPrediction.predict(OptionBytes.factoryDefaults(.f7), boot0Pin: true).target == .systemMemory)
    #expect(BootPrediction.predict(OptionBytes.factoryDefaults(.h7), boot0Pin: true).target == .systemMemory)
    #expect(BootPrediction.predict(OptionBytes.factoryDefaults(.h7), boot0Pin: false).target == .mainFlash(bank: 1))
  }

  @Test func writeProtectedSectorsMatchTheSimulator() throws {
    let f4Map = try MemoryMap(parsing: "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg")
    var ob = OptionBytes.factoryDefaults(.f2f4)
    try ob.apply(OptionEdit(field: "nWRP", value: "0xFF6"))  // sectors 0 and 3
    #expect(ob.writeProtectedSectors(in: f4Map).map(\.address) == [0x0800_0000, 0x0800_C000])
    let l4Map = try MemoryMap(parsing: "@Internal Flash  /0x08000000/0512*0002Kg")
    var l4 = OptionBytes.factoryDefaults(.l4DualBank)
    try l4.apply(OptionEdit(field: "WRP2A_STRT", value: "2"))
    try l4.apply(OptionEdit(field: "WRP2A_END", value: "3"))
    #expect(l4.writeProtectedSectors(in: l4Map).map(\.address) == [0x0808_1000, 0x0808_1800])
  }

  @Test func identifiesFamiliesFromAltStrings() throws {
    func id(_ ob: String, flash: String? = nil, release: UInt16 = 0x2200) -> OptionByteFamily? {
      let alts = [flash, ob].compactMap { $0 }.enumerated().map { DFUAlternateSetting(number: UInt8($0), name: $1) }
      return ChipIdentity.optionBytes(of: DFUDeviceInfo(
        vendorID: 0x0483, productID: 0xDF11, deviceRelease: release, manufacturer: nil, product: nil, serialNumber: nil,
        busNumber: 1, portNumbers: [1], deviceAddress: 1, interfaceNumber: 0, interfaceProtocol: 2,
        alternateSettings: alts, functionalDescriptor: nil))
    }
    #expect(id("@Option Bytes  /0x1FFFC000/01*016 e") == .f2f4)
    #expect(id("@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEC000/01*016 e") == .f42x)
    #expect(id("@Option Bytes  /0x1FFF0000/01*048 e") == .f7)
    #expect(id("@Option Bytes  /0x1FFFF800/01*016 e") == .f0f3)
    #expect(id("@Option Bytes  /0x1FFFF800/01*016 g", release: 0x2000) == .f1)
    #expect(id("@Option Bytes  /0x1FFF7800/01*040 e", flash: "@Internal Flash  /0x08000000/064*0002Kg") == .l4)
    // 512 KiB may be a single-bank L45x/L46x or a dual-bank L47x/L49x: only common fields editable.
    #expect(id("@Option Bytes  /0x1FFF7800/01*040 e", flash: "@Internal Flash  /0x08000000/0256*0002Kg") == .l4Undecided)
    #expect(id("@Option Bytes  /0x1FFF7800/01*040 e/0x1FFFF800/01*040 e", flash: "@Internal Flash  /0x08000000/0512*0002Kg")
            == .l4DualBank)
    #expect(id("@Option Bytes   /0x1FFF7800/01*048 e/0x1FFFF800/01*048 e", release: 0x0200) == .g4)
    #expect(id("@Option Bytes   /0x5200201C/01*128 e", release: 0x0200) == .h7)
    #expect(id("@Option Bytes  /0x1FF80000/01*032 e") == .l0l1)
  }

  // MARK: Flows on the simulator

  func bench(_ profile: SimulatedProfile) throws -> (SimulatedSTM32, OptionByteController, VirtualClock) {
    let clock = VirtualClock()
    let board = SimulatedSTM32(profile: profile, clock: clock, serialNumber: "OBTEST000001")
    let bus = SimulatedBus(boards: [board])
    let info = try #require(bus.devices().first)
    return (board, try OptionByteController(bus: bus, device: info, clock: clock, logger: .silent), clock)
  }

  @Test(arguments: [SimulatedProfile.stm32f405, .stm32l476])
  func writeResetsRefindsAndVerifies(profile: SimulatedProfile) throws {
    let (board, controller, _) = try bench(profile)
    let before = try controller.read()
    #expect(before.zones == board.optionBytes)
    var after = before
    try after.apply(OptionEdit(field: "nRST_STDBY", value: "0"))
    let plan = try OptionByteChangePlan(before: before, after: after)
    let oldAddress = controller.device.deviceAddress
    #expect(throws: OptionByteError.self) { try controller.write(plan, confirmed: false, irreversiblePhrase: nil) }
    #expect(board.optionBytes == before.zones, "nothing written without confirmation")
    let report = try controller.write(plan, confirmed: true, irreversiblePhrase: nil)
    #expect(report.verified)
    #expect(report.resets == 1)
    #expect(controller.device.deviceAddress != oldAddress)
    #expect(try controller.read().value(of: "nRST_STDBY") == 0)
    #expect(board.optionBytes == after.encoded)
  }

  @Test func unprotectEndToEndOnTheF405() throws {
    let (board, controller, clock) = try bench(.stm32f405)
    board.poke(at: 0x0800_0000, bytes: [1, 2, 3, 4])
    board.setReadProtection(level1: true)
    #expect(throws: OptionByteError.readProtected) { try controller.read() }
    let start = clock.now
    let report = try controller.unprotect()
    #expect(report.optionBytes.readProtection == .level0)
    #expect(clock.now - start >= .seconds(8))  // the F405 mass erase
    #expect(board.memory(at: 0x0800_0000, count: 4) == [0xFF, 0xFF, 0xFF, 0xFF])
    #expect(board.optionBytes == SimulatedProfile.stm32f405.optionByteZones.map(\.factoryDefault))
  }

  @Test func refindFailsWithAClearErrorWhenTheDeviceNeverComesBack() throws {
    let clock = VirtualClock()
    let board = SimulatedSTM32(profile: .stm32f405, clock: clock, serialNumber: "GONE00000001")
    let info = try #require(SimulatedBus(boards: [board]).devices().first)
    let empty = SimulatedBus(boards: [])
    #expect(throws: OptionByteError.deviceDidNotReturn(serial: "GONE00000001", path: info.path, waited: .seconds(5))) {
      try DeviceReenumeration.waitForDevice(on: empty, like: info, clock: clock, logger: .silent, timeout: .seconds(5))
    }
    #expect(clock.now >= .seconds(5))
  }
}
