import Testing
@testable import DfuSe
import DfuSeSimulator

/// Leave reports success only when the ROM accepted it (issue 12 defect 4);
/// unprotect waits what a slow ROM reports (defect 6).
@Suite struct LeaveAndUnprotectJobTests {
  /// A board holding a bootable vector table at 0x08000000.
  static func bootableBench(_ profile: SimulatedProfile = .stm32f405) -> Bench {
    let bench = Bench(profile)
    bench.board.poke(at: 0x0800_0000, bytes: [0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x00, 0x08] + pattern(256))
    return bench
  }

  /// The 1-based position, in a fresh board's request log, of the request a
  /// leave sends after the zero-length DNLOAD (`offset` 1 = the GETSTATUS), or
  /// the DNLOAD itself (`offset` 0).
  static func leaveRequestIndex(offset: Int) throws -> Int {
    let bench = bootableBench()
    let job = try LeaveJob.prepare(device: bench.bus.devices()[0],
                                   chip: ChipIdentity.identify(bench.bus.devices()[0]).profile, bus: bench.bus,
                                   clock: bench.clock, logger: .silent)
    _ = try job.run(confirmed: false, events: { _ in })
    let log = bench.board.requestLog
    let dnload0 = try #require(log.lastIndex { $0.request == DFURequest.download.rawValue && $0.length == 0 })
    return dnload0 + 1 + offset
  }

  @Test func aLeaveWithAnAcceptedRequestLeaves() throws {
    let bench = Self.bootableBench()
    let job = try LeaveJob.prepare(device: bench.bus.devices()[0],
                                   chip: ChipIdentity.identify(bench.bus.devices()[0]).profile, bus: bench.bus,
                                   clock: bench.clock, logger: .silent)
    let report = try job.run(confirmed: false, events: { _ in })
    #expect(report.disconnected && bench.board.isRunningApplication)
  }

  /// The status poll after the leave request STALLs: the board stays in the
  /// ROM, so "Left DFU mode" would be false.
  /// (A STALL of the zero-length DNLOAD itself is cleared and the request
  /// resent once, see `aStalledLeaveRequestIsResentAndLeaves`.)
  @Test(arguments: [1])
  func aStalledLeaveIsNotReportedAsLeft(offset: Int) throws {
    let index = try Self.leaveRequestIndex(offset: offset)
    let bench = Self.bootableBench()
    bench.board.faults = SimulatedFaults(stallRequest: index)
    let job = try LeaveJob.prepare(device: bench.bus.devices()[0],
                                   chip: ChipIdentity.identify(bench.bus.devices()[0]).profile, bus: bench.bus,
                                   clock: bench.clock, logger: .silent)
    #expect(throws: JobError.self) { _ = try job.run(confirmed: false, events: { _ in }) }
    #expect(bench.board.isConnected && !bench.board.isRunningApplication, "the board is still in the ROM")
    if offset == 1 {
      do throws(JobError) { _ = try job.run(confirmed: false, events: { _ in }) } catch {
        Issue.record("a second leave, without the fault, should work: \(error)")
      }
    }
  }

  /// A STALLed zero-length DNLOAD that no error status explains is cleared
  /// with CLRSTATUS and resent once (StallRetryTests); the ROM then accepts it.
  @Test func aStalledLeaveRequestIsResentAndLeaves() throws {
    let index = try Self.leaveRequestIndex(offset: 0)
    let bench = Self.bootableBench()
    bench.board.faults = SimulatedFaults(stallRequest: index)
    let job = try LeaveJob.prepare(device: bench.bus.devices()[0],
                                   chip: ChipIdentity.identify(bench.bus.devices()[0]).profile, bus: bench.bus,
                                   clock: bench.clock, logger: .silent)
    let report = try job.run(confirmed: false, events: { _ in })
    #expect(report.disconnected && bench.board.isRunningApplication)
    let log = bench.board.requestLog
    let leaves = log.indices.filter { log[$0].request == DFURequest.download.rawValue && log[$0].length == 0 }
    #expect(leaves.count == 2, "the leave request was sent twice")
    if leaves.count == 2 {
      #expect(log[leaves[0]..<leaves[1]].contains { $0.request == DFURequest.clearStatus.rawValue },
              "the STALL was cleared before the resend")
    }
  }

  @Test func writeThenLeaveReportsAStalledLeaveAsNotLeft() throws {
    let image = [0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x00, 0x08] + pattern(512)
    let request = try FlashJobRequest(fileBytes: image, fileName: "app.bin", rawAddress: 0x0800_0000, leaveAfter: true)
    func run(_ bench: Bench) throws -> FlashJobReport {
      let device = bench.bus.devices()[0]
      return try FlashJob.prepare(request, device: device, identity: ChipIdentity.identify(device), bus: bench.bus,
                                  clock: bench.clock, logger: .silent)
        .run(events: { _ in })
    }
    // A reference run finds the GETSTATUS after the zero-length DNLOAD (the simulator is deterministic).
    let reference = Bench(.stm32f405)
    guard case .success = try run(reference).leave else { Issue.record("the unfaulted leave should succeed"); return }
    let log = reference.board.requestLog
    let dnload0 = try #require(log.lastIndex { $0.request == DFURequest.download.rawValue && $0.length == 0 })

    let bench = Bench(.stm32f405, faults: SimulatedFaults(stallRequest: dnload0 + 2))
    let report = try run(bench)
    #expect(report.flash.verified)
    guard case .failure(.leaveNotAccepted) = report.leave else {
      Issue.record("a stalled leave status must not count as left: \(String(describing: report.leave))")
      return
    }
    #expect(!bench.board.isRunningApplication)
  }

  /// An F405 whose ROM reports a read-unprotect poll time just over the
  /// mass-erase budget: the job waits what it says, polls again and confirms RDP 0.
  @Test func unprotectWaitsTheReportedPollTime() throws {
    var profile = SimulatedProfile.stm32f405
    profile.timing.massErase = .init(reportedMilliseconds: 41_000, actual: .seconds(30))
    let bench = Bench(profile)
    bench.board.setReadProtection(level1: true)
    let controller = try OptionByteController(bus: bench.bus, device: bench.bus.devices()[0], clock: bench.clock, logger: .silent)
    let report = try UnprotectJob(controller: controller).run(events: { _ in })
    #expect(report.optionBytes.readProtection == .level0)
    #expect(bench.board.readProtectionLevel == 0)
  }

  @Test func aStuckReadUnprotectNeverAdvisesAPowerCycle() {
    let text = DfuSeError.stuckBusy(during: "read unprotect: READ_UNPROTECT", polls: 3).description
    #expect(!text.lowercased().contains("power-cycle the board"))
    #expect(text.contains("Do NOT power-cycle"))
  }
}
