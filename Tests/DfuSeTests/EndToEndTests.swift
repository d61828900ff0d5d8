import Testing
@testable import DfuSe
import DfuSeSimulator

/// The whole stack — DfuSeDevice, DFUSession, DFUOperation — against the
/// simulated ROM bootloaders, including every injected fault.
@Suite struct EndToEndTests {
  @Test(arguments: profiles)
  func writeVerifyReadRoundTripOfAnOddSizedImage(profile: SimulatedProfile) throws {
    let bench = Bench(profile)
    let image = pattern(70_001)
    let device = try bench.open()
    let report = try device.flash(try bench.plan(image))
    #expect(report.verified)
    #expect(report.imageBytes == 70_001 && report.programmedBytes == 70_008)
    #expect(bench.board.memory(at: 0x0800_0000, count: image.count) == image)
    #expect(bench.board.memory(at: 0x0800_0000 + 70_001, count: 7) == [UInt8](repeating: 0xFF, count: 7))
    #expect(try device.read(at: 0x0800_0000, count: image.count) == image)
    #expect(bench.board.state == .dfuIdle)
  }

  @Test(arguments: profiles)
  func writeUsesOneSetAddressPerRun(profile: SimulatedProfile) throws {
    let bench = Bench(profile)
    let info = try #require(bench.bus.devices().first)
    let recorder = RecordingTransport(try bench.bus.open(info, alternateSetting: 0))
    let device = try DfuSeDevice(info: info, transport: recorder, clock: bench.clock, logger: .silent)
    let plan = try bench.plan(pattern(64 * 1024))
    try device.flash(plan, options: FlashOptions(verify: false))
    // Two runs (the boot sector goes last): one SET_ADDRESS each, then increasing block numbers.
    #expect(plan.runs.count == 2)
    #expect(recorder.writeRunStarts.count == 2)
  }

  @Test(arguments: profiles)
  func eraseLeavesOtherSectorsAlone(profile: SimulatedProfile) throws {
    let bench = Bench(profile)
    let device = try bench.open()
    let image = pattern(64 * 1024)
    try device.flash(try bench.plan(image))
    let sector = try #require(device.memoryMap.sector(containing: 0x0800_4000))
    try device.eraseSectors([sector])
    let after = bench.board.memory(at: 0x0800_0000, count: image.count)
    let start = Int(sector.address - 0x0800_0000), end = start + Int(sector.size)
    #expect(Array(after[start..<end]) == [UInt8](repeating: 0xFF, count: Int(sector.size)))
    #expect(Array(after[..<start]) == Array(image[..<start]))
    #expect(Array(after[end...]) == Array(image[end...]))
  }

  @Test func f405MassEraseOutlastsItsReportedTimeoutWithoutOversleeping() throws {
    let bench = Bench(.stm32f405)
    let device = try bench.open()
    try device.flash(try bench.plan(pattern(4096)))
    let waitedBefore = device.session.statistics.waitTime
    let start = bench.clock.now
    try device.massErase()
    let elapsed = bench.clock.now - start
    #expect(elapsed >= .seconds(8), "the simulated F405 takes 8 s to mass-erase")
    #expect(device.session.statistics.waitTime - waitedBefore < .seconds(1), "slept only the reported 100 ms")
    #expect(bench.board.memory(at: 0x0800_0000, count: 4096) == [UInt8](repeating: 0xFF, count: 4096))
  }

  @Test func l476EraseSurvivesTheStalledStatusPolls() throws {
    let bench = Bench(.stm32l476)
    let device = try bench.open()
    let sectors = device.memoryMap.sectors(overlapping: 0x0800_0000, count: 8 * 2048)
    try device.eraseSectors(sectors)
    #expect(bench.board.counters.pageErases == 8)
    #expect(bench.board.state == .downloadIdle)
  }

  @Test(arguments: profiles)
  func leaveIntoAValidApplicationDisconnects(profile: SimulatedProfile) throws {
    let bench = Bench(profile)
    let vectors: [UInt8] = [0x00, 0x00, 0x02, 0x20, 0xC1, 0x01, 0x00, 0x08]
    let device = try bench.open()
    try device.flash(try bench.plan(vectors + pattern(1016)))
    #expect(try device.leave(at: 0x0800_0000) == .deviceLeft)
    #expect(bench.board.isRunningApplication)
    #expect(bench.bus.devices().isEmpty)
  }

  @Test(arguments: profiles)
  func leaveOnBlankFlashResetsBackIntoTheBootloader(profile: SimulatedProfile) throws {
    let bench = Bench(profile)
    #expect(try bench.open().leave(at: 0x0800_0000) == .deviceLeft)
    #expect(!bench.board.isRunningApplication)
    #expect(bench.bus.devices().count == 1, "the ROM re-enumerates when there is no valid vector table")
  }

  @Test(arguments: profiles)
  func getCommandsListsTheDfuSeCommands(profile: SimulatedProfile) throws {
    #expect(try Bench(profile).open().supportedCommands() == [0x00, 0x21, 0x41, 0x92])
  }

  @Test(arguments: profiles)
  func readProtectionIsReportedPlainlyAndNothingIsTouched(profile: SimulatedProfile) throws {
    let bench = Bench(profile)
    let image = pattern(2048)
    try bench.open().flash(try bench.plan(image))
    bench.board.setReadProtection(level1: true)
    let device = try bench.open()
    #expect(throws: FlashError.self) { try device.read(at: 0x0800_0000, count: 16) }
    do {
      try device.flash(try bench.plan(pattern(2048, seed: 9)))
      Issue.record("a write under RDP 1 must fail")
    } catch let error as FlashError {
      guard case .device(let e) = error else { Issue.record("\(error)"); return }
      #expect(e.isReadProtection)
      #expect(error.description.contains("read protection is active"))
    }
    #expect(bench.board.memory(at: 0x0800_0000, count: 2048) == image)
  }

  @Test(arguments: profiles)
  func writeProtectedSectorsAreCaughtByVerify(profile: SimulatedProfile) throws {
    let bench = Bench(profile)
    // F4: nWRP bit 0 (byte 8 of the block) cleared protects sector 0.
    // L4: WRP1AR = 0x00000000 (start 0, end 0) protects page 0.
    if profile == .stm32f405 {
      bench.board.poke(at: 0x1FFF_C008, bytes: [0xFE, 0x0F, 0x01, 0xF0])
    } else {
      bench.board.poke(at: 0x1FFF_7818, bytes: [0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF])
    }
    try #require(bench.board.writeProtectedSectors.first == true)
    let device = try bench.open()
    do {
      try device.flash(try bench.plan(pattern(1024)))
      Issue.record("the ROM skips protected sectors silently; verify must catch it")
    } catch let error as FlashError {
      guard case .device(.verifyFailed(let ranges)) = error else { Issue.record("\(error)"); return }
      #expect(ranges.first?.lowerBound == 0x0800_0000)
      #expect(error.description.contains("verify FAILED"))
    }
  }
}
