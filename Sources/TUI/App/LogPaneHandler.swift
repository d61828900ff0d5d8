public import Logging
internal import Synchronization
internal import Foundation

/// A swift-log handler that sends every record to the log pane (as an
/// ``Event/log(_:)``), never to stdout or stderr, which belong to curses.
/// Its level is shared (``LogLevelSwitch``) so `v` turns the trace on and off
/// for every logger made from it.
public struct LogPaneHandler: LogHandler {
  public var metadata: Logger.Metadata = [:]
  private let post: @Sendable (Event) -> Void
  private let level: LogLevelSwitch

  public init(level: LogLevelSwitch, post: @escaping @Sendable (Event) -> Void) {
    self.level = level
    self.post = post
  }

  public var logLevel: Logger.Level {
    get { level.level }
    set { level.level = newValue }
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    let kind: LogEntry.Level
    switch event.level {
    case .trace, .debug: kind = .trace
    case .info, .notice: kind = .info
    case .warning: kind = .warning
    case .error, .critical: kind = .error
    }
    var text = "\(event.message)"
    let all = metadata.merging(event.metadata ?? [:]) { $1 }
    if !all.isEmpty { text += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
    post(.log(LogEntry(time: Date().timeIntervalSince1970, level: kind, text)))
  }
}

/// The log level shared by every ``LogPaneHandler`` of the app.
public final class LogLevelSwitch: Sendable {
  private let value: Mutex<Logger.Level>
  public init(_ level: Logger.Level) { value = Mutex(level) }
  public var level: Logger.Level {
    get { value.withLock { $0 } }
    set { value.withLock { $0 = newValue } }
  }
}
