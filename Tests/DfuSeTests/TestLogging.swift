import Logging
import Synchronization

extension Logger {
  /// A logger that drops everything (swift-log's no-op handler): for tests
  /// that do not look at the trace.
  static let silent = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
}

/// A log handler that keeps every message (with its level and merged
/// metadata) for a test to inspect.
struct CapturingLogHandler: LogHandler {
  /// One logged message.
  struct Entry: Sendable {
    var level: Logger.Level
    var message: String
    var metadata: [String: String]
  }

  /// Shared by every copy of the handler (a `Logger` copies its handler).
  final class Store: Sendable {
    private let entries = Mutex<[Entry]>([])
    var all: [Entry] { entries.withLock { $0 } }
    var messages: [String] { all.map(\.message) }
    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
  }

  let store: Store
  var logLevel: Logger.Level
  var metadata: Logger.Metadata = [:]

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var fields = metadata
    if let extra = event.metadata { fields.merge(extra) { $1 } }
    store.append(Entry(level: event.level, message: "\(event.message)",
                       metadata: fields.mapValues { "\($0)" }))
  }

  /// A logger at `level` and the store its messages go to.
  static func logger(level: Logger.Level) -> (Logger, Store) {
    let store = Store()
    return (Logger(label: "test") { _ in CapturingLogHandler(store: store, logLevel: level) }, store)
  }
}
