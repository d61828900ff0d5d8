import Foundation
import Testing
@testable import DfuSe
import DfuSeSimulator

/// The library's write job: backups that restore exactly what they saved and
/// are never overwritten (issue 12 defects 1 and 2), and a pulled cable
/// reported as such with the flash state (defect 5).
@Suite struct FlashJobTests {
  static let vectors: [UInt8] = [0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x00, 0x08]

  /// Data at 0x08000000 and 0x08080000 (F405 sectors 0 and 8), as Intel HEX.
  static func twoPieceHex(seed: UInt64) throws -> [UInt8] {
    var image = FirmwareImage()
    let origin = ImageOrigin(file: "two.hex", location: .offset(0))
    try image.add(vectors + pattern(3000, seed: seed), at: 0x0800_0000, origin: origin)
    try image.add(pattern(2000, seed: seed + 1), at: 0x0808_0000, origin: origin)
    return ImageExport.intelHex(image)
  }

  static func directory() throws -> String {
    let path = NSTemporaryDirectory() + "dfutui-jobs-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  func prepare(_ bench: Bench, _ request: FlashJobRequest) throws(JobError) -> FlashJob {
    let device = bench.bus.devices()[0]
    return try FlashJob.prepare(request, device: device, identity: ChipIdentity.identify(device), bus: bench.bus,
                                clock: bench.clock, logger: .silent)
  }

  @Test func aSparseBackupIsRefusedAsBinBeforeTheDeviceIsWritten() throws {
    let bench = Bench(.stm32f405)
    let dir = try Self.directory()
    let request = try FlashJobRequest(fileBytes: try Self.twoPieceHex(seed: 1), fileName: "two.hex",
                                  backupPath: dir + "/bk.bin")
    #expect {
      _ = try prepare(bench, request)
    } throws: { error in
      guard case JobError.usage(let why) = error else { return false }
      return why.contains("not contiguous") && why.contains("Use .hex or .dfu")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/bk.bin"))
    #expect(bench.board.counters.pageErases == 0 && bench.board.counters.bytesDownloaded == 0)
  }

  @Test func aHexBackupRestoresOnlyTheSectorsItSaved() throws {
    let bench = Bench(.stm32f405)
    let dir = try Self.directory()
    let calibration = pattern(64, seed: 99)
    bench.board.poke(at: 0x0802_0000, bytes: calibration)  // sector 5, outside the image
    let old = try Self.twoPieceHex(seed: 1)
    _ = try prepare(bench, FlashJobRequest(fileBytes: old, fileName: "old.hex")).run(events: { _ in })
    let before = bench.board.memory(at: 0x0800_0000, count: 0x10_0000)

    let backup = dir + "/bk.hex"
    var saved: [JobEvent] = []
    let report = try prepare(bench, FlashJobRequest(fileBytes: try Self.twoPieceHex(seed: 7), fileName: "two.hex",
                                                    backupPath: backup)).run(events: { saved.append($0) })
    #expect(report.backupPath == backup)
    #expect(saved.contains(.backupSaved(path: backup, bytes: 16 * 1024 + 128 * 1024)))

    let erasesBefore = bench.board.counters.pageErases
    let restore = try FlashJobRequest(fileBytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: backup))),
                                  fileName: "bk.hex", options: FlashOptions(verify: true, differential: true))
    let restored = try prepare(bench, restore).run(events: { _ in })
    #expect(restored.flash.verified)
    #expect(bench.board.counters.pageErases - erasesBefore == 2, "only sectors 0 and 8 are erased")
    #expect(bench.board.memory(at: 0x0800_0000, count: 0x10_0000) == before)
    #expect(bench.board.memory(at: 0x0802_0000, count: 64) == calibration)
  }

  @Test func anExistingBackupIsNeverOverwritten() throws {
    let bench = Bench(.stm32f405)
    let dir = try Self.directory()
    let backup = dir + "/bk.hex"
    try Data("the only copy".utf8).write(to: URL(fileURLWithPath: backup))
    let request = try FlashJobRequest(fileBytes: Self.vectors + pattern(100), fileName: "app.bin", rawAddress: 0x0800_0000,
                                  backupPath: backup)
    #expect {
      _ = try prepare(bench, request)
    } throws: { error in
      guard case JobError.output(let why) = error else { return false }
      return why.contains("already exists")
    }
    #expect(try String(contentsOfFile: backup, encoding: .utf8) == "the only copy")
    #expect(throws: JobError.self) {
      _ = try prepare(bench, FlashJobRequest(fileBytes: Self.vectors, fileName: "app.bin", rawAddress: 0x0800_0000,
                                             backupPath: dir + "/missing/bk.hex"))
    }
  }

  /// A file that appears between the check and the backup (a second dfutui, a
  /// rerun in another terminal) is not replaced: the backup is created with
  /// O_EXCL and the flash stops before erasing.
  @Test func aBackupCreatedMeanwhileStopsTheFlashBeforeErasing() throws {
    let bench = Bench(.stm32f405)
    let dir = try Self.directory()
    let backup = dir + "/bk.dfu"
    bench.board.poke(at: 0x0800_0000, bytes: pattern(256, seed: 5))  // something to back up and erase
    let job = try prepare(bench, FlashJobRequest(fileBytes: Self.vectors + pattern(100), fileName: "app.bin",
                                                 rawAddress: 0x0800_0000, backupPath: backup))
    try Data("meanwhile".utf8).write(to: URL(fileURLWithPath: backup))
    #expect {
      _ = try job.run(events: { _ in })
    } throws: { error in
      guard case JobError.flash(.aborted) = error else { return false }
      return true
    }
    #expect(try String(contentsOfFile: backup, encoding: .utf8) == "meanwhile")
    #expect(bench.board.counters.pageErases == 0)
  }

  /// Real usbfs reports a pulled cable as EPROTO (LIBUSB_ERROR_IO) first; the
  /// job looks at the bus and says the device is gone, how far it got and what to do.
  @Test(arguments: profiles)
  func aPulledCableIsReportedWithTheFlashState(profile: SimulatedProfile) throws {
    let bench = Bench(profile, faults: SimulatedFaults(disconnectAfterBytes: 40 * 1024, disconnectAsIOError: true))
    let job = try prepare(bench, FlashJobRequest(fileBytes: Self.vectors + pattern(64 * 1024), fileName: "app.bin",
                                                 rawAddress: 0x0800_0000))
    var failure: JobError?
    do throws(JobError) { _ = try job.run(events: { _ in }) } catch { failure = error }
    guard case .deviceLost(let loss) = failure else {
      Issue.record("expected deviceLost, got \(String(describing: failure))")
      return
    }
    #expect(loss.error == SimulatedFaults.ioError)
    #expect(loss.phase == .write)
    // The boot sector is written last, so the write had reached 40 KiB past its end.
    let boot = try #require(job.plan.map.sector(containing: 0x0800_0000))
    #expect(loss.reachedAddress == UInt32(boot.end) + 40 * 1024)
    let text = loss.description
    #expect(text.contains("disconnected"), "\(text)")
    #expect(text.contains("Flash: ") && text.contains("40 KiB of 64 KiB written"), "\(text)")
    #expect(text.contains("--diff"), "\(text)")
  }

  /// A transport error with the device still on the bus is not a disconnect.
  @Test func aStallWithTheDeviceStillPresentIsAnOrdinaryFailure() throws {
    let bench = Bench(.stm32f405)
    let job = try prepare(bench, FlashJobRequest(fileBytes: Self.vectors + pattern(4096), fileName: "app.bin",
                                                 rawAddress: 0x0800_0000))
    bench.board.faults = SimulatedFaults(stallRequest: bench.board.requestLog.count + 8)
    do throws(JobError) {
      _ = try job.run(events: { _ in })
    } catch {
      if case .deviceLost = error { Issue.record("reported a disconnect for a STALL: \(error)") }
    }
  }
}
