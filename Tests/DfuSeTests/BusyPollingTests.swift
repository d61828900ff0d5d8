import Testing

@testable import DfuSe

/// ``BusyPolling``: the pause between dfuDNBUSY polls and the step's busy budget.
@Suite struct BusyPollingTests {
  let erase = PlannedStep(.command(.erasePage(0x0800_0000)), phase: .erase, busyBudget: .milliseconds(100),
                          expectedBusy: .milliseconds(25))

  @Test func literalPolicyWaitsExactlyTheReportedTime() {
    var polling = BusyPolling(policy: .literal)
    polling.start(erase, expectsReset: false)
    #expect(polling.busy(reported: .milliseconds(7)) == .milliseconds(7))
    #expect(polling.busy(reported: .zero) == DFUOperation.minimumPollInterval)
    #expect(polling.commandAccepted)
    #expect(polling.polls == 2)
  }

  @Test func earlyPollingPollsAtOnceOnlyTheFirstTime() {
    var polling = BusyPolling(policy: PollPolicy(pollEarly: true, waitForExpectedDuration: false))
    polling.start(erase, expectsReset: false)
    #expect(polling.busy(reported: .milliseconds(30)) == .zero)
    #expect(polling.busy(reported: .milliseconds(30)) == .milliseconds(30))
  }

  @Test func l4PolicyNeverPollsBeforeTheDatasheetDuration() {
    var polling = BusyPolling(policy: PollPolicy(pollEarly: false, waitForExpectedDuration: true))
    polling.start(erase, expectsReset: false)
    #expect(polling.busy(reported: .milliseconds(2)) == .milliseconds(25))
    #expect(polling.busy(reported: .milliseconds(2)) == .milliseconds(2))
  }

  @Test func aStepBusyPastItsBudgetIsStuck() {
    var polling = BusyPolling(policy: .literal)
    polling.start(PlannedStep(.command(.massErase), phase: .erase, busyBudget: .seconds(5)), expectsReset: false)
    var waits: [Duration] = []
    while let wait = polling.busy(reported: .milliseconds(10)), waits.count < 1000 { waits.append(wait) }
    // A 5 s budget of 10 ms polls: the 501st busy answer is past it.
    #expect(waits.count == 500)
    #expect(polling.polls == 501)
  }

  @Test func aDeviceAskingForLongerGetsWhatItAskedPlusAMargin() {
    var polling = BusyPolling(policy: .literal)
    polling.start(erase, expectsReset: false)
    // The budget is 100 ms, but the device asks for 400 ms a poll: up to 400 ms × 1.5 + 1 s = 1.6 s is allowed.
    for _ in 1...4 { #expect(polling.busy(reported: .milliseconds(400)) == .milliseconds(400)) }
    #expect(polling.busy(reported: .milliseconds(400)) == nil)
  }

  @Test func stalledPollsAreForgivenALimitedNumberOfTimesPerStep() {
    var polling = BusyPolling(policy: .literal)
    polling.start(PlannedStep(.command(.massErase), phase: .erase, busyBudget: .seconds(60)), expectsReset: false)
    _ = polling.busy(reported: .milliseconds(20))
    for _ in 0..<DFUOperation.maxStalledPolls { #expect(polling.stalled() == .milliseconds(20)) }
    #expect(polling.stalled() == nil)
    polling.start(erase, expectsReset: false)
    #expect(polling.stalled() == .milliseconds(20))  // a new step forgives again; the last pause is kept
    #expect(!polling.commandAccepted)
  }
}
