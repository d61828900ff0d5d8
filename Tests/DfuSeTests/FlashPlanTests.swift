import Testing
@testable import DfuSe
import DfuSeSimulator

/// The flash planner: validation, padding, coalescing, bank and boot-sector cuts.
@Suite struct FlashPlanTests {
  let l476 = ChipIdentity.profile(of: SimulatedSTM32(profile: .stm32l476, clock: VirtualClock()).deviceInfo!)
  let f405 = ChipIdentity.profile(of: SimulatedSTM32(profile: .stm32f405, clock: VirtualClock()).deviceInfo!)
  let l476Map = try! MemoryMap(parsing: "@Internal Flash  /0x08000000/0512*0002Kg")
  let f405Map = try! MemoryMap(parsing: "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg")

  func image(_ parts: [(UInt32, [UInt8])]) throws -> FirmwareImage {
    var image = FirmwareImage()
    for (i, (address, bytes)) in parts.enumerated() {
      try image.add(bytes, at: address, origin: ImageOrigin(file: "t.hex", location: .line(i + 1)))
    }
    return image
  }

  @Test func runsArePaddedToWholeFlashWordsWithTheErasedValue() throws {
    let plan = try FlashPlan(image: try image([(0x0800_0003, [1, 2, 3, 4, 5])]), map: l476Map, chip: l476)
    #expect(plan.runs == [FlashPlan.Run(address: 0x0800_0000, data: [0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5])])
    #expect(plan.flashWordSize == 8 && plan.padByte == 0xFF)
  }

  @Test func segmentsSharingAFlashWordBecomeOneRunSoNoWordIsWrittenTwice() throws {
    let plan = try FlashPlan(image: try image([(0x0800_0000, Array(repeating: 0xAA, count: 10)),
                                               (0x0800_000C, Array(repeating: 0xBB, count: 6))]),
                             map: l476Map, chip: l476)
    #expect(plan.runs.count == 1)
    #expect(plan.runs[0].address == 0x0800_0000)
    #expect(plan.runs[0].data == Array(repeating: 0xAA, count: 10) + [0xFF, 0xFF] + Array(repeating: 0xBB, count: 6)
            + Array(repeating: 0xFF, count: 6))
  }

  @Test func distantSegmentsStaySeparateRuns() throws {
    let plan = try FlashPlan(image: try image([(0x0800_0000, [1]), (0x0800_1000, [2])]), map: l476Map, chip: l476)
    #expect(plan.runs.map(\.address) == [0x0800_0000, 0x0800_1000])
    #expect(plan.sectors.map(\.sector.address) == [0x0800_0000, 0x0800_0800 + 0x800])
  }

  @Test func runsAreCutAtTheBankBoundaryAndAtTheBootSectorEnd() throws {
    let bytes = [UInt8](repeating: 0x5A, count: 0x2000)
    let plan = try FlashPlan(image: try image([(0x0807_F000, bytes)]), map: l476Map, chip: l476)
    // Cut at the end of the boot sector (the image's first sector: its vector table) and at bank 2.
    #expect(plan.runs.map(\.address) == [0x0807_F000, 0x0807_F800, 0x0808_0000])
    let boot = try FlashPlan(image: try image([(0x0800_0000, [UInt8](repeating: 1, count: 0x5000))]), map: f405Map, chip: f405)
    #expect(boot.bootSector?.address == 0x0800_0000)
    #expect(boot.runs.map(\.address) == [0x0800_0000, 0x0800_4000])
  }

  @Test func sectorsAccountForBytesTheEraseWouldDestroy() throws {
    let plan = try FlashPlan(image: try image([(0x0800_0100, [UInt8](repeating: 7, count: 0x100))]), map: f405Map, chip: f405)
    #expect(plan.sectors.count == 1)
    #expect(plan.sectors[0].imageBytes == 0x100)
    #expect(plan.bytesErasedOutsideImage == 16 * 1024 - 0x100)
  }

  @Test func imagesOutsideWritableMemoryAreRefusedWithTheMap() throws {
    let beyond = try image([(0x080F_FFF0, [UInt8](repeating: 1, count: 32))])
    #expect(throws: FlashPlanError.self) { try FlashPlan(image: beyond, map: f405Map, chip: f405) }
    do {
      _ = try FlashPlan(image: try image([(0x2000_0000, [1])]), map: f405Map, chip: f405)
    } catch let error as FlashPlanError {
      #expect(error.description.contains("0x20000000"))
      #expect(error.description.contains("0x08020000–0x080FFFFF  7 × 128 KiB  rew"))
    }
    #expect(throws: FlashPlanError.emptyImage) { try FlashPlan(image: FirmwareImage(), map: f405Map, chip: f405) }
  }

  @Test func readOnlyMemoryIsRefused() throws {
    let map = try MemoryMap(parsing: "@Option Bytes  /0x1FFFC000/01*016 e")
    #expect(throws: FlashPlanError.self) {
      try FlashPlan(image: try image([(0x1FFF_C000, [UInt8](repeating: 0, count: 16))]), map: map, chip: f405)
    }
  }
}

/// Chip identification from descriptors.
@Suite struct ChipProfileTests {
  func device(_ strings: [String], bcd: UInt16 = 0x2200) -> DFUDeviceInfo {
    DFUDeviceInfo(vendorID: 0x0483, productID: 0xDF11, deviceRelease: bcd, manufacturer: nil, product: nil,
                  serialNumber: nil, busNumber: 1, portNumbers: [1], deviceAddress: 2, interfaceNumber: 0,
                  interfaceProtocol: 2,
                  alternateSettings: strings.enumerated().map { DFUAlternateSetting(number: UInt8($0), name: $1) },
                  functionalDescriptor: nil)
  }

  @Test func simulatedBoardsAreIdentifiedWithTheirErrata() {
    let f4 = ChipIdentity.profile(of: SimulatedSTM32(profile: .stm32f405, clock: VirtualClock()).deviceInfo!)
    #expect(f4.family == .f2f4 && !f4.family.hasECC)
    #expect(f4.errata.contains(.f4MassEraseTimeout))
    #expect(f4.bootloaderVersion == "V2.2")
    #expect(f4.pollPolicy.pollEarly)
    let l4 = ChipIdentity.profile(of: SimulatedSTM32(profile: .stm32l476, clock: VirtualClock()).deviceInfo!)
    #expect(l4.family == .l4 && l4.family.hasECC)
    #expect(l4.errata.first == .l476UnalignedWrite)
    #expect(l4.bankBoundaries == [0x0808_0000])
  }

  @Test func familiesFromRealROMStrings() {
    let g474 = ChipIdentity.profile(of: device(["@Internal Flash   /0x08000000/256*02Kg",
                                            "@Option Bytes   /0x1FFF7800/01*048 e/0x1FFFF800/01*048 e"], bcd: 0x0200))
    #expect(g474.family == .g0g4 && g474.transferSize(descriptor: 2048) == 1024)
    let h743 = ChipIdentity.profile(of: device(["@Internal Flash   /0x08000000/16*128Kg", "@Option Bytes   /0x5200201C/01*128 e"], bcd: 0x0200))
    #expect(h743.family == .h7 && h743.flashWordSize == 32)
    let h7a3 = ChipIdentity.profile(of: device(["@Internal Flash   /0x08000000/256*08Kg", "@Option Bytes   /0x5200201C/01*297 e"], bcd: 0x0200))
    #expect(h7a3.flashWordSize == 16)
    let l072 = ChipIdentity.profile(of: device(["@Internal Flash  /0x08000000/1536*128g", "@Option Bytes  /0x1FF80000/01*032 e"]))
    #expect(l072.family == .l0l1 && l072.family.erasedByte == 0x00 && l072.transferSize(descriptor: 2048) == 128)
    let f303 = ChipIdentity.profile(of: device(["@Internal Flash  /0x08000000/128*0002Kg", "@Option Bytes  /0x1FFFF800/01*016 e"]))
    #expect(f303.family == .f0f1f3)
    let unknown = ChipIdentity.profile(of: device(["@Flash /0x00000000/16*1Kg"]))
    #expect(unknown.family == .unknown && unknown.family.hasECC && unknown.flashWordSize == 8)
    #expect(unknown.pollPolicy == .literal)
  }
}
