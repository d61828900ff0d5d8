import Testing
@testable import DfuSe
import DfuSeSimulator

/// The cost-based erase choice (issue 12): a lossless mass erase only when the
/// rest of the flash reads blank, protection is known to be off and it is
/// cheaper; page/sector erases otherwise. Timing facts: DS10198 (L476 page
/// 22.02 ms, mass 22.1 ms per bank), DS8626 (F405 sectors 0.25/0.55/1 s, mass
/// erase x32 8 s typ); the ROM's mass erase clears all user flash (AN3156 §5.3).
@Suite struct EraseStrategyTests {
  static let unprotected = FlashProtection(readProtection: .level0, writeProtectedSectors: [])
  let vectors: [UInt8] = [0x00, 0x00, 0x02, 0x20, 0xC1, 0x01, 0x00, 0x08]

  func app(_ size: Int, seed: UInt64 = 1) -> [UInt8] { vectors + pattern(size - 8, seed: seed) }

  func options(_ protection: FlashProtection? = unprotected, mass: Bool = true) -> FlashOptions {
    FlashOptions(allowMassErase: mass, protection: protection)
  }

  @Test func aBlankL476Gets256KiBWithOneMassEraseInsteadOf128PageErases() throws {
    let bench = Bench(.stm32l476)
    let image = app(256 * 1024)
    let report = try bench.open().flash(try bench.plan(image), options: options())
    let decision = try #require(report.erase)
    #expect(decision.strategy == .mass, "\(decision.reason)")
    #expect(decision.reason.contains("instead of 128 page erases"), "\(decision.reason)")
    #expect(decision.reason.contains("768 KiB read blank"), "\(decision.reason)")
    #expect(bench.board.counters.massErases == 1)
    #expect(bench.board.counters.pageErases == 0)
    #expect(report.verified)
    #expect(bench.board.memory(at: 0x0800_0000, count: image.count) == image)
  }

  @Test func oneNonBlankByteOutsideTheImageMeansPageErasesAndTheCalibrationPageSurvives() throws {
    let bench = Bench(.stm32l476)
    let calibration = pattern(2048, seed: 9)
    bench.board.poke(at: 0x080F_F800, bytes: calibration)  // last page of bank 2
    bench.board.poke(at: 0x0805_0000, bytes: [0xFF, 0xFF, 0x7F])  // one byte in the middle
    let device = try bench.open()
    let report = try device.flash(try bench.plan(app(256 * 1024)), options: options())
    let decision = try #require(report.erase)
    #expect(decision.strategy == .sectors, "\(decision.reason)")
    #expect(decision.reason.contains("holds data at 0x080FF800"), "\(decision.reason)")
    #expect(bench.board.counters.massErases == 0)
    #expect(bench.board.counters.pageErases == 128)
    #expect(try device.read(at: 0x080F_F800, count: 2048) == calibration)
    #expect(try device.read(at: 0x0805_0000, count: 3) == [0xFF, 0xFF, 0x7F])
  }

  static let blocked: [(FlashProtection?, String)] = [
    (nil, "protection state is unknown"),
    (FlashProtection(readProtection: .level1, writeProtectedSectors: []), "read protection is level 1"),
    (FlashProtection(readProtection: .level0, writeProtectedSectors: [0x080F_0000]), "write-protected"),
  ]

  @Test(arguments: blocked)
  func noMassEraseUnlessProtectionIsKnownToBeOff(protection: FlashProtection?, why: String) throws {
    let bench = Bench(.stm32l476)
    let report = try bench.open().flash(try bench.plan(app(256 * 1024)), options: options(protection))
    let decision = try #require(report.erase)
    #expect(decision.strategy == .sectors)
    #expect(decision.reason.contains(why), "\(decision.reason)")
    #expect(bench.board.counters.massErases == 0)
    #expect(report.verified)
  }

  @Test func noMassEraseTurnsItOff() throws {
    let bench = Bench(.stm32l476)
    let report = try bench.open().flash(try bench.plan(app(256 * 1024)), options: options(mass: false))
    #expect(report.erase?.strategy == .sectors)
    #expect(report.erase?.reason.contains("--no-mass-erase") == true)
    #expect(bench.board.counters.massErases == 0)
    #expect(bench.board.counters.pageErases == 128)
  }

  @Test func aSmallImageIsNotWorthReadingTheWholeFlash() throws {
    // 8 pages = 176 ms of erases; proving 1008 KiB blank costs far more at any full-speed rate.
    let bench = Bench(.stm32l476)
    let report = try bench.open().flash(try bench.plan(app(16 * 1024)), options: options())
    #expect(report.erase?.strategy == .sectors, "\(report.erase?.reason ?? "")")
    #expect(report.erase?.reason.contains("8 page erases") == true, "\(report.erase?.reason ?? "")")
    #expect(bench.board.counters.massErases == 0)
  }

  /// F405: 256 KiB = sectors 0–5, 2.55 s of sector erases, against 8 s of mass
  /// erase: sectors win. The whole 1 MiB = 8.55 s of sector erases: mass erase wins.
  @Test func f405SectorEraseVersusMassEraseIsDecidedByCost() throws {
    let small = Bench(.stm32f405)
    small.board.poke(at: 0x0800_0000, bytes: [UInt8](repeating: 0, count: 256 * 1024))  // old firmware
    let r1 = try small.open().flash(try small.plan(app(256 * 1024)), options: options())
    #expect(r1.erase?.strategy == .sectors, "\(r1.erase?.reason ?? "")")
    #expect(r1.erase?.reason.contains("6 sector erases 2.55 s instead of mass erase 8.00 s") == true,
            "\(r1.erase?.reason ?? "")")
    #expect(small.board.counters.massErases == 0)
    #expect(small.board.counters.pageErases == 6)

    let whole = Bench(.stm32f405)
    whole.board.poke(at: 0x0800_0000, bytes: [UInt8](repeating: 0, count: 1 << 20))
    let r2 = try whole.open().flash(try whole.plan(app(1 << 20, seed: 4)), options: options())
    #expect(r2.erase?.strategy == .mass, "\(r2.erase?.reason ?? "")")
    #expect(r2.erase?.reason.contains("instead of 12 sector erases 8.55 s: the image covers the whole flash") == true,
            "\(r2.erase?.reason ?? "")")
    #expect(whole.board.counters.massErases == 1)
    #expect(whole.board.counters.pageErases == 0)
    #expect(r2.verified)
  }

  @Test func theEstimateUsesTheDatasheetFigures() throws {
    let bench = Bench(.stm32l476)
    let plan = try bench.plan(app(256 * 1024))
    let e = try #require(ErasePlanner.estimate(plan, erasing: plan.sectors.map(\.sector),
                                               uploadBytesPerSecond: 1_000_000, measured: true))
    #expect(e.sectorEraseTime == .microseconds(22_020) * 128)
    #expect(e.massEraseTime == .microseconds(44_200))
    #expect(e.restBytes == 768 * 1024)
    #expect(e.massErasePays)
    #expect(e.figures.contains("pre-read of 768 KiB"))
  }

  @Test func erasedWordsAreNotProgrammedButVerified() throws {
    // 64 KiB with a 16 KiB run of 0xFF in the middle, over pages that held zeros.
    var image = app(64 * 1024, seed: 5)
    for i in 0x6000..<0xA000 { image[i] = 0xFF }
    let bench = Bench(.stm32l476)
    bench.board.poke(at: 0x0800_0000, bytes: [UInt8](repeating: 0, count: 64 * 1024))
    let device = try bench.open()
    let report = try device.flash(try bench.plan(image), options: options())
    #expect(device.session.statistics.bytesUp == 64 * 1024)
    #expect(report.verified)
    #expect(report.erasedBytesSkipped == 16 * 1024)
    // The verify read every byte back, the skipped stretch included (no pre-read: 32 pages don't pay for one).
    #expect(report.erase?.strategy == .sectors)
    #expect(bench.board.counters.bytesDownloaded == 48 * 1024)
    #expect(bench.board.memory(at: 0x0800_0000, count: image.count) == image)

    // The same image with that stretch not erased-valued: more DNLOADs.
    var dense = image
    for i in 0x6000..<0xA000 { dense[i] = 0xFE }
    let other = Bench(.stm32l476)
    _ = try other.open().flash(try other.plan(dense), options: options())
    #expect(other.board.counters.executedDownloads > bench.board.counters.executedDownloads)
  }

  @Test func shortStretchesAndUnalignedRunsAreKept() {
    let run = FlashPlan.Run(address: 0x0800_0000, data: [1, 2, 3, 4, 5, 6, 7, 8] + [UInt8](repeating: 0xFF, count: 16)
                            + [9, 9, 9, 9, 9, 9, 9, 9])
    #expect(ErasedWordSkipping.split([run], word: 8, erased: 0xFF, minimum: 24) == [run])
    let cut = ErasedWordSkipping.split([run], word: 8, erased: 0xFF, minimum: 16)
    #expect(cut.map(\.address) == [0x0800_0000, 0x0800_0018])
    #expect(cut.map(\.data.count) == [8, 8])
    let odd = FlashPlan.Run(address: 0x0800_0004, data: run.data)
    #expect(ErasedWordSkipping.split([odd], word: 8, erased: 0xFF, minimum: 8) == [odd])
    // L0/L1 (erased value 0x00) and chips without timing: no skipping at all.
    var l0 = ChipProfile(family: .l0l1, name: "L0", bootloaderVersion: nil, ramRegions: [0x2000_0000...0x2000_4FFF])
    l0.timing = .l4
    #expect(ErasedWordSkipping.minimumStretch(l0, flashWordSize: 8) == nil)
    let unknown = ChipProfile(family: .unknown, name: "?", bootloaderVersion: nil, ramRegions: [0x2000_0000...0x2000_4FFF])
    #expect(ErasedWordSkipping.minimumStretch(unknown, flashWordSize: 8) == nil)
  }
}
