import Testing
@testable import DfuSe
import DfuSeSimulator

/// Injected faults end in a clear typed error or a verified result — never a
/// hang and never an unverified "success".
@Suite struct FaultTests {
  @Test(arguments: profiles)
  func disconnectMidWriteFailsClearlyAndARerunCompletes(profile: SimulatedProfile) throws {
    let bench = Bench(profile, faults: SimulatedFaults(disconnectAfterBytes: 10_000))
    let image = pattern(40_000)
    let plan = try bench.plan(image)
    do {
      try bench.open().flash(plan)
      Issue.record("write reported success across a disconnect")
    } catch let error as FlashError {
      guard case .device(.transport(.noDevice, let step)) = error else { Issue.record("\(error)"); return }
      #expect(step.contains("DNLOAD"))
      #expect(error.description.contains("disconnected"))
    }
    #expect(bench.bus.devices().isEmpty)
    bench.board.reconnect()
    let report = try bench.open().flash(plan)
    #expect(report.verified)
    #expect(bench.board.memory(at: 0x0800_0000, count: image.count) == image)
  }

  @Test(arguments: profiles, [1, 2, 3, 4, 6, 9, 14, 20, 31, 47, 60, 75, 90])
  func aStalledRequestAnywhereNeverGivesAFalseSuccess(profile: SimulatedProfile, request: Int) throws {
    let bench = Bench(profile, faults: SimulatedFaults(stallRequest: request))
    let image = pattern(12_345, seed: UInt64(request))
    let plan = try bench.plan(image)
    do {
      let report = try bench.open().flash(plan)
      #expect(report.verified)
      #expect(bench.board.memory(at: 0x0800_0000, count: image.count) == image)
    } catch let error as FlashError {
      guard case .device = error else { Issue.record("unexpected \(error)"); return }
      // The device is usable again: the next run clears the error and completes.
      let report = try bench.open().flash(plan)
      #expect(report.verified)
    }
  }

  @Test(arguments: profiles, [DFUStatus.errWrite, .errTarget, .errProg, .errUnknown])
  func anErrorStatusFailsWithThatStatusAndLeavesTheDeviceIdle(profile: SimulatedProfile, status: DFUStatus) throws {
    // Command 1 is the first ERASE; 3 is in the write pass on both profiles.
    for command in [1, 3] {
      let bench = Bench(profile, faults: SimulatedFaults(errorStatus: .init(status: status, onCommand: command)))
      do {
        try bench.open().flash(try bench.plan(pattern(8192)))
        Issue.record("write succeeded despite \(status.name) on command \(command)")
      } catch let error as FlashError {
        guard case .device(.deviceStatus(let got, _, _)) = error else { Issue.record("\(error)"); continue }
        #expect(got == status)
        #expect(error.description.contains(status.name))
      }
      #expect(bench.board.state == .dfuIdle, "CLRSTATUS after the error")
    }
  }

  /// A STALLed UPLOAD is cleared (CLRSTATUS → dfuIDLE) and resent once: the data
  /// read is the flash content, never the error's leftovers.
  @Test(arguments: profiles)
  func aStallDuringReadIsRetriedAndNotMistakenForData(profile: SimulatedProfile) throws {
    let bench = Bench(profile)
    let device = try bench.open()
    try device.flash(try bench.plan(pattern(8192)))
    bench.board.faults = SimulatedFaults(stallRequest: bench.board.requestLog.count + 8)
    #expect(try device.read(at: 0x0800_0000, count: 8192) == pattern(8192))
    #expect(try bench.open().read(at: 0x0800_0000, count: 8192) == pattern(8192))
  }
}
