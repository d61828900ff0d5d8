/// Times the phases of a job from its progress events: a phase starts at its
/// first event and ends when the next phase starts or the job ends.
public struct PhaseTimer: Sendable {
  /// One finished phase.
  public struct Entry: Hashable, Sendable {
    public var phase: OperationPhase
    public var duration: Duration
  }

  public private(set) var entries: [Entry] = []
  private var current: (phase: OperationPhase, start: Duration)?

  public init() {}

  /// Notes `progress` seen at time `now`.
  public mutating func record(_ progress: OperationProgress, at now: Duration) {
    if current?.phase == progress.phase { return }
    finish(at: now)
    current = (progress.phase, now)
  }

  /// Closes the running phase at `now`.
  public mutating func finish(at now: Duration) {
    guard let current else { return }
    entries.append(Entry(phase: current.phase, duration: now - current.start))
    self.current = nil
  }
}
