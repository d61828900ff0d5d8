/// One step's dfuDNBUSY bookkeeping for ``DFUOperation``: how long to wait
/// before the next GETSTATUS, how many STALLed polls to forgive, and when a
/// step has been busy for too long.
///
/// - DFU 1.1 §6.1.2: the host waits `bwPollTimeout` before the next poll.
/// - AN3156 §5.1: a DNLOAD runs on the GETSTATUS that follows it, which answers
///   dfuDNBUSY; once it has, the command was accepted.
/// - dfu-util ticket 40: L4 ROMs STALL a poll during an erase; it is retried
///   after the last wait, up to ``DFUOperation/maxStalledPolls`` times.
struct BusyPolling: Sendable {
  /// How to wait between polls (``PollPolicy``).
  var policy: PollPolicy
  /// The step's budget (``PlannedStep/busyBudget``).
  private(set) var budget: Duration = .seconds(5)
  /// The step's datasheet duration (``PlannedStep/expectedBusy``).
  private(set) var expected: Duration?
  /// The step makes the device reset (it may vanish instead of answering).
  private(set) var expectsReset = false
  /// The device answered dfuDNBUSY at least once in this step: the command was accepted.
  private(set) var commandAccepted = false
  /// dfuDNBUSY answers in this step.
  private(set) var polls = 0
  private var stalls = 0
  private var waited: Duration = .zero
  /// The last pause used; a STALLed poll waits as long before the retry. Kept across steps.
  private var lastPoll: Duration = .milliseconds(10)
  /// The largest `bwPollTimeout` the device reported in this step.
  private var largestReported: Duration = .zero

  init(policy: PollPolicy) { self.policy = policy }

  /// Starts a step's count afresh (the last pause is kept).
  mutating func start(_ step: PlannedStep, expectsReset: Bool) {
    budget = step.busyBudget
    expected = step.expectedBusy
    self.expectsReset = expectsReset
    commandAccepted = false
    polls = 0
    stalls = 0
    waited = .zero
    largestReported = .zero
  }

  /// The transfer timeout of a status poll: the step's budget and a margin,
  /// so a ROM that holds the poll until the flash is done is not cut off.
  var pollTimeout: Duration { budget + DFUOperation.shortTimeout }

  /// A dfuDNBUSY answer reporting `reported`: the pause before the next poll
  /// (zero: poll at once), or nil when the step has been busy longer than allowed.
  mutating func busy(reported: Duration) -> Duration? {
    commandAccepted = true
    polls += 1
    let wait = pauseAfterBusy(reported: reported, first: polls == 1)
    if wait > .zero { lastPoll = wait }
    waited += max(wait, DFUOperation.minimumPollInterval)
    largestReported = max(largestReported, reported)
    return waited <= allowed ? wait : nil
  }

  /// A STALLed poll: the pause before polling again, or nil after too many.
  mutating func stalled() -> Duration? {
    guard stalls < DFUOperation.maxStalledPolls else { return nil }
    stalls += 1
    waited += lastPoll
    return max(lastPoll, DFUOperation.minimumPollInterval)
  }

  /// How long the step may stay busy: its budget, or — when the device itself
  /// asks for longer (a slow F405 ROM reporting a read-unprotect poll time
  /// just over the mass-erase budget) — what it reported plus half again and a second.
  private var allowed: Duration {
    max(budget, largestReported + largestReported / 2 + .seconds(1))
  }

  /// By default exactly `bwPollTimeout`, at least 1 ms so a device reporting 0
  /// is not flooded; at once on ROMs that hold the request (first poll only);
  /// never before the datasheet duration on L4-class ROMs.
  private func pauseAfterBusy(reported: Duration, first: Bool) -> Duration {
    if policy.pollEarly && first && !expectsReset { return .zero }
    var wait = max(reported, DFUOperation.minimumPollInterval)
    if policy.waitForExpectedDuration, first, let expected { wait = max(wait, expected) }
    return wait
  }
}
