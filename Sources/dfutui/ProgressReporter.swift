import DfuSe

/// Shows operation progress on stderr: a live bar with bytes, rate and ETA
/// on a terminal; a plain line per 25 % otherwise (logs, CI, pipes).
final class ProgressReporter {
  private let clock: any BlockingClock
  private let live: Bool
  private var phase: OperationPhase?
  private var phaseStart: Duration = .zero
  private var lastQuarter = -1
  private var lastDraw: Duration = .zero
  private var lineOpen = false
  /// Put before every line (`[1-2] `: the board's port on a bench run).
  private let prefix: String

  /// Below this many bytes a phase is too short for plain progress lines.
  static let plainThreshold = 8 * 1024

  init(clock: any BlockingClock, live: Bool = Console.stderrIsTerminal, prefix: String = "") {
    self.clock = clock
    self.live = live
    self.prefix = prefix
  }

  func update(_ p: OperationProgress) {
    guard p.totalBytes > 0 else { return }
    let now = clock.now
    if p.phase != phase {
      finishLine()
      phase = p.phase
      phaseStart = now
      lastQuarter = -1
    }
    if live {
      guard now - lastDraw >= .milliseconds(50) || p.completedBytes == p.totalBytes else { return }
      lastDraw = now
      Console.status("\r" + Self.bar(p, elapsed: now - phaseStart) + "\u{1B}[K")
      lineOpen = true
      if p.completedBytes == p.totalBytes { finishLine() }
    } else {
      guard p.totalBytes >= Self.plainThreshold else { return }
      let quarter = p.completedBytes * 4 / p.totalBytes
      guard quarter > lastQuarter else { return }
      lastQuarter = quarter
      Console.status(prefix + "\(Self.label(p.phase)): \(quarter * 25)% (\(Self.size(p.completedBytes)) of \(Self.size(p.totalBytes)))\n")
    }
  }

  /// Ends a live line so following output starts on its own line.
  func finishLine() {
    if lineOpen { Console.status("\n") }
    lineOpen = false
  }

  static func bar(_ p: OperationProgress, elapsed: Duration) -> String {
    let width = 24
    let filled = Int(p.fraction * Double(width))
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = seconds > 0 ? Double(p.completedBytes) / seconds : 0
    var text = "\(label(p.phase).padding(6)) [" + String(repeating: "#", count: filled)
      + String(repeating: "-", count: width - filled) + "] "
    text += "\(size(p.completedBytes))/\(size(p.totalBytes))"
    if rate > 0 {
      text += "  \(size(Int(rate)))/s"
      if p.completedBytes < p.totalBytes {
        let eta = Int(Double(p.totalBytes - p.completedBytes) / rate)
        text += "  ETA \(eta / 60):" + (eta % 60 < 10 ? "0" : "") + "\(eta % 60)"
      }
    }
    return text
  }

  static func label(_ phase: OperationPhase) -> String {
    switch phase {
    case .optionBytes: return "option bytes"
    case .prepare: return "pre-read"
    default: return phase.rawValue
    }
  }

  /// `12.5 KiB`, `1.0 MiB`, `512 B`.
  static func size(_ n: Int) -> String {
    if n >= 1 << 20 { return fixed(Double(n) / 1_048_576) + " MiB" }
    if n >= 1 << 10 { return fixed(Double(n) / 1024) + " KiB" }
    return "\(n) B"
  }

  static func fixed(_ v: Double) -> String {
    let tenths = Int((v * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }
}

extension String {
  func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

extension Duration {
  /// `1.23 s`
  var secondsText: String {
    let ms = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    return "\(ms / 1000).\(String(repeating: "0", count: 3 - String(ms % 1000).count))\(ms % 1000) s"
  }
}
