import Testing
@testable import DfuSe
import DfuSeSimulator

/// `DfuSeDevice.flash(_:)` on the simulated boards: ordering, differential
/// writes, blank skipping, preserve, backup, resume after a disconnect, boot check.
@Suite struct FlashExecutionTests {
  func plan(_ bench: Bench, _ image: FirmwareImage) throws -> FlashPlan {
    let device = try bench.open()
    return try FlashPlan(image: image, map: device.memoryMap, chip: ChipIdentity.profile(of: device.info))
  }

  func image(_ parts: [(UInt32, [UInt8])], file: String = "app.hex") throws -> FirmwareImage {
    var image = FirmwareImage()
    for (i, (address, bytes)) in parts.enumerated() {
      try image.add(bytes, at: address, origin: ImageOrigin(file: file, location: .line(i + 1)))
    }
    return image
  }

  /// A GCC-like image: vector table + .text, then .data initialisers right
  /// after it whose end is not a multiple of 8 (field-notes §1.1).
  var gccLike: FirmwareImage {
    let vectors: [UInt8] = [0x00, 0x00, 0x02, 0x20, 0x01, 0x02, 0x00, 0x08]
    return try! image([(0x0800_0000, vectors + pattern(0x1F34, seed: 1)), (0x0800_1F3C, pattern(0x10B, seed: 2))])
  }

  @Test func theSeedImageComesOutByteExactVerifiedAndBootableOnTheL476() throws {
    let bench = Bench(.stm32l476)
    let device = try bench.open()
    let plan = try plan(bench, gccLike)
    let report = try device.flash(plan)
    #expect(report.verified)
    for s in gccLike.segments {
      #expect(bench.board.memory(at: s.address, count: s.bytes.count) == s.bytes)
    }
    let check = try device.checkBootable(at: 0x0800_0000, chip: plan.chip, image: gccLike)
    #expect(check.isBootable, "\(check.problems)")
    #expect(try device.leave(at: 0x0800_0000) == .deviceLeft)
    #expect(bench.board.isRunningApplication)
  }

  @Test func twoSegmentsSharingOneFlashWordWorkOnECCFlash() throws {
    let bench = Bench(.stm32l476)
    let img = try image([(0x0800_0000, pattern(0x3C, seed: 3)), (0x0800_003E, pattern(0x42, seed: 4))])
    let report = try bench.open().flash(try plan(bench, img))
    #expect(report.verified)
    #expect(bench.board.counters.rejectedWordWrites == 0)
    #expect(bench.board.memory(at: 0x0800_003E, count: 0x42) == pattern(0x42, seed: 4))
  }

  @Test func theVectorTableSectorIsErasedFirstAndWrittenLast() throws {
    let bench = Bench(.stm32f405)
    bench.board.poke(at: 0x0800_0000, bytes: [0x00])  // not blank: the boot sector must be erased
    bench.board.poke(at: 0x0800_4000, bytes: [0x00])
    let img = try image([(0x0800_0000, pattern(40 * 1024, seed: 5))])
    let info = try #require(bench.bus.devices().first)
    let recorder = RecordingTransport(try bench.bus.open(info, alternateSetting: 0))
    let device = try DfuSeDevice(info: info, transport: recorder, clock: bench.clock, logger: .silent)
    _ = try device.flash(try plan(bench, img))
    let erases = recorder.commands.compactMap { if case .erasePage(let a) = $0 { return a } else { return nil } }
    #expect(erases == [0x0800_0000, 0x0800_4000])
    #expect(recorder.writeRunStarts == [0x0800_4000, 0x0800_0000], "runs outside the boot sector first, the boot sector last")
  }

  @Test func differentialWriteRewritesOnlyTheChangedSector() throws {
    let bench = Bench(.stm32l476)
    var bytes = pattern(64 * 1024, seed: 6)
    try bench.open().flash(try plan(bench, try image([(0x0800_0000, bytes)])))
    for i in 0x4000..<0x4800 { bytes[i] ^= 0x5A }  // one 2 KiB page changes
    let erasesBefore = bench.board.counters.pageErases
    let report = try bench.open().flash(try plan(bench, try image([(0x0800_0000, bytes)])),
                                        options: FlashOptions(differential: true))
    #expect(report.verified)
    #expect(bench.board.counters.pageErases - erasesBefore == 1)
    #expect(report.sectorsErased == 1)
    #expect(report.skippedBytes == 64 * 1024 - 2048)
    #expect(bench.board.memory(at: 0x0800_0000, count: bytes.count) == bytes)
  }

  @Test func blankSectorsOnF4AreProgrammedWithoutErasing() throws {
    let bench = Bench(.stm32f405)
    let img = try image([(0x0800_0000, pattern(100 * 1024, seed: 7))])
    let report = try bench.open().flash(try plan(bench, img))
    #expect(report.verified)
    #expect(report.sectorsErased == 0)
    #expect(bench.board.counters.pageErases == 0)
    #expect(report.actions.values.allSatisfy { $0 == .programWithoutErase })
  }

  @Test func blankReadingECCFlashIsStillErased() throws {
    let bench = Bench(.stm32l476)
    // A word programmed with all-ones reads blank but cannot be programmed again (ECC).
    bench.board.poke(at: 0x0800_0000, bytes: [UInt8](repeating: 0xFF, count: 8))
    let img = try image([(0x0800_0000, pattern(4096, seed: 8))])
    let report = try bench.open().flash(try plan(bench, img), options: FlashOptions(differential: true))
    #expect(report.verified)
    #expect(report.actions[0x0800_0000] == .eraseAndWrite)
  }

  @Test func preserveKeepsBytesOutsideTheImage() throws {
    let bench = Bench(.stm32f405)
    let old = pattern(16 * 1024, seed: 9)
    try bench.open().flash(try plan(bench, try image([(0x0800_0000, old)])))
    let patch = try image([(0x0800_1000, pattern(100, seed: 10))])
    let report = try bench.open().flash(try plan(bench, patch), options: FlashOptions(preserve: true))
    #expect(report.verified)
    var expected = old
    expected.replaceSubrange(0x1000..<0x1064, with: pattern(100, seed: 10))
    #expect(bench.board.memory(at: 0x0800_0000, count: 16 * 1024) == expected)
  }

  @Test func backupHoldsWhatWasErasedAndIsSavedBeforeErasing() throws {
    let bench = Bench(.stm32l476)
    let old = pattern(4096, seed: 11)
    try bench.open().flash(try plan(bench, try image([(0x0800_0000, old)])))
    var erasesWhenSaved = -1
    let report = try bench.open().flash(try plan(bench, try image([(0x0800_0000, pattern(4096, seed: 12))])),
                                        options: FlashOptions(backup: true),
                                        saveBackup: { _ in erasesWhenSaved = bench.board.counters.pageErases; return nil })
    #expect(erasesWhenSaved == 2, "the two pages from the first write; none of this flash's yet")
    let backup = try #require(report.backup)
    #expect(backup.segments.count == 1 && backup.segments[0].bytes == old)
    // A failing backup stops everything before the first erase.
    let erases = bench.board.counters.pageErases
    #expect(throws: FlashError.aborted("disk full")) {
      try bench.open().flash(try plan(bench, try image([(0x0800_0000, pattern(4096, seed: 13))])),
                             options: FlashOptions(backup: true), saveBackup: { _ in "disk full" })
    }
    #expect(bench.board.counters.pageErases == erases)
  }

  @Test(arguments: profiles)
  func anInterruptedFlashResumesWithDiff(profile: SimulatedProfile) throws {
    let bench = Bench(profile, faults: SimulatedFaults(disconnectAfterBytes: 150_000))
    bench.board.poke(at: 0x0800_0000, bytes: pattern(256 * 1024, seed: 14).map { ~$0 })
    let img = try image([(0x0800_0000, pattern(256 * 1024, seed: 15))])
    #expect(throws: FlashError.self) { try bench.open().flash(try plan(bench, img)) }
    bench.board.reconnect()
    let report = try bench.open().flash(try plan(bench, img), options: FlashOptions(differential: true))
    #expect(report.verified)
    #expect(report.skippedBytes > 0, "sectors finished before the disconnect are not rewritten")
    #expect(bench.board.memory(at: 0x0800_0000, count: 256 * 1024) == pattern(256 * 1024, seed: 15))
  }

  @Test func theBootCheckRefusesBadVectorTables() throws {
    let chip = ChipIdentity.profile(of: SimulatedSTM32(profile: .stm32f405, clock: VirtualClock()).deviceInfo!)
    let map = try MemoryMap(parsing: "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg")
    func check(_ sp: UInt32, _ rv: UInt32) -> VectorTable {
      let bytes = [sp, rv].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
      return VectorTable(vectorTable: bytes, at: 0x0800_0000, chip: chip, flash: map)
    }
    #expect(check(0x2002_0000, 0x0800_01C1).isBootable)
    #expect(!check(0xFFFF_FFFF, 0xFFFF_FFFF).isBootable)
    #expect(!check(0x2002_0000, 0x0800_01C0).isBootable, "no Thumb bit")
    #expect(!check(0x0800_0000, 0x0800_01C1).isBootable, "stack in flash")
    #expect(!check(0x2002_0000, 0x2000_0101).isBootable, "reset vector outside flash")
    #expect(check(0x2002_0000, 0x0800_01C0 | 1).problems.isEmpty)
  }
}
