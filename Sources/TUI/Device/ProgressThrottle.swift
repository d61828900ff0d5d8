internal import DfuSe
internal import Foundation

/// Keeps the UI fast however many jobs run: a job's progress goes on at most
/// 25 times a second, plus every phase change and phase end (what a bar needs
/// to start, move smoothly and reach 100 %).
struct ProgressThrottle {
  private var last = Date.distantPast
  private var phase: OperationPhase?

  /// True when `p` should be posted now.
  mutating func admit(_ p: OperationProgress, now: Date = Date()) -> Bool {
    let edge = p.phase != phase || p.completedBytes >= p.totalBytes
    guard edge || now.timeIntervalSince(last) >= 0.04 else { return false }
    phase = p.phase
    last = now
    return true
  }
}
