import Testing
@testable import DfuSe
import DfuSeSimulator

/// The option-byte jobs: prepare plans without writing; a cable pulled
/// during the write (an I/O error, then no device) is reported as a
/// disconnect, not as a bare USB error (issue 12 defect 5).
@Suite struct OptionByteJobTests {
  func job(_ bench: Bench) throws -> OptionByteChangeJob {
    let controller = try OptionByteController(bus: bench.bus, device: bench.bus.devices()[0], clock: bench.clock, logger: .silent)
    return try OptionByteChangeJob.prepare(controller: controller, boot0Pin: false) { (ob: OptionBytes) throws(OptionByteError) in
      var after = ob
      try after.apply(OptionEdit(parsing: "nRST_STOP=0"))
      return after
    }
  }

  @Test(arguments: profiles)
  func prepareReadsAndPlansWithoutWriting(profile: SimulatedProfile) throws {
    let bench = Bench(profile)
    let before = bench.board.optionBytes
    let prepared = try job(bench)
    #expect(!prepared.plan.isEmpty)
    #expect(bench.board.optionBytes == before)
    let report = try prepared.run(confirmed: true, irreversiblePhrase: nil, events: { _ in })
    #expect(report.verified)
    #expect(bench.board.optionBytes != before)
  }

  @Test(arguments: profiles)
  func aPulledCableDuringTheWriteIsReportedAsADisconnect(profile: SimulatedProfile) throws {
    let bench = Bench(profile)
    let prepared = try job(bench)
    bench.board.faults = SimulatedFaults(disconnectAfterBytes: 0, disconnectAsIOError: true)
    var failure: JobError?
    do throws(JobError) { _ = try prepared.run(confirmed: true, irreversiblePhrase: nil, events: { _ in }) } catch {
      failure = error
    }
    guard case .deviceLost(let loss) = failure else {
      Issue.record("expected deviceLost, got \(String(describing: failure))")
      return
    }
    #expect(loss.error == SimulatedFaults.ioError)
    #expect(loss.description.contains("options show"), "\(loss.description)")
  }
}
