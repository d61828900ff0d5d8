import Foundation
import Logging

/// The CLI's log handler: each message on its own stderr line, with the time
/// of day to the millisecond, the level and the metadata, e.g.
/// `14:35:18.123 debug device=1-1 alt=0 GETSTATUS wValue=0 wLength=6: dfuIDLE, OK, bwPollTimeout 0 ms in 0.100 ms`.
/// On a terminal it first clears the live progress line, which redraws itself
/// on its next update.
struct StderrLogHandler: LogHandler {
  var logLevel: Logger.Level
  var metadata: Logger.Metadata = [:]

  init(logLevel: Logger.Level) {
    self.logLevel = logLevel
  }

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var fields = metadata
    if let extra = event.metadata { fields.merge(extra) { $1 } }
    var line = Console.stderrIsTerminal ? "\r\u{1B}[K" : ""
    line += Self.timestamp() + " " + event.level.rawValue
    for (key, value) in fields.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
    line += " \(event.message)\n"
    Console.status(line)
  }

  /// `HH:MM:SS.mmm`, local time.
  static func timestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = now.tv_sec
    var local = tm()
    localtime_r(&seconds, &local)
    return String(format: "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min, local.tm_sec, now.tv_nsec / 1_000_000)
  }
}

extension Logger {
  /// The CLI's logger for `-v` repeated `verbosity` times: warnings only by
  /// default, `.debug` (one line per USB control transfer) for `-v`, `.trace`
  /// (with the data bytes) for `-vv`.
  static func cli(verbosity: Int) -> Logger {
    let level: Logger.Level = switch verbosity {
    case ...0: .warning
    case 1: .debug
    default: .trace
    }
    return Logger(label: "dfutui") { _ in StderrLogHandler(logLevel: level) }
  }
}
