public import Foundation

/// How one board of a bench run ended.
public struct BenchOutcome: Sendable {
  public var board: BoardIdentity
  /// The chip's name and ROM bootloader version, when it was identified.
  public var chip: String?
  public var bootloaderVersion: String?
  /// Wall-clock time the board's job started (for the audit record).
  public var startedAt: Date
  /// From the job's start to its end, on the job's clock.
  public var duration: Duration
  /// Each phase the job went through, in order.
  public var phases: [PhaseTimer.Entry]
  /// The job's report, or why it failed (a pulled cable is ``JobError/deviceLost(_:)``).
  public var result: Result<FlashJobReport, JobError>

  public init(board: BoardIdentity, chip: String?, bootloaderVersion: String?, startedAt: Date, duration: Duration,
              phases: [PhaseTimer.Entry], result: Result<FlashJobReport, JobError>) {
    self.board = board
    self.chip = chip
    self.bootloaderVersion = bootloaderVersion
    self.startedAt = startedAt
    self.duration = duration
    self.phases = phases
    self.result = result
  }

  /// True only when every byte was read back and matched and a requested leave did not fail.
  public var verified: Bool {
    guard case .success(let report) = result, report.flash.verified else { return false }
    if case .failure = report.leave { return false }
    return true
  }

  /// Why the board did not end verified, or nil.
  public var errorText: String? {
    switch result {
    case .failure(let error): return error.description
    case .success(let report):
      if case .failure(let error) = report.leave { return "written and verified, but the leave failed: \(error)" }
      return report.flash.verified ? nil : "written but not verified"
    }
  }
}
