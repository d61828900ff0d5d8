public import DfuSe

/// How a batch takes its boards (issue 14): the boards present now, or each board plugged in until stopped.
public enum BatchMode: String, Hashable, Sendable {
  /// `s`: every DFU board present when it starts, in parallel.
  case present
  /// `l`: the boards present, then each board plugged in afterwards, once per plug.
  case loop
}

/// What the batch runner is asked to do: one file, one set of options, for every board.
public struct BatchRequest: Hashable, Sendable {
  public var mode: BatchMode
  /// The parsed file, whole (format, targets, suffix, notices), as loaded on the Flash screen.
  public var firmware: LoadedFirmware
  /// The file's path (the audit record names it) and CRC-32 of its bytes.
  public var filePath: String
  public var fileCRC32: UInt32
  public var alternate: UInt8
  /// Verification is always on in a batch (a production bench never reports an unverified board as done).
  public var options: FlashOptions
  public var leave: Bool
  /// Append one ``DfuSe/BenchRecord`` line per board here (`--record FILE`).
  public var recordPath: String?

  public init(mode: BatchMode, firmware: LoadedFirmware, filePath: String, fileCRC32: UInt32, alternate: UInt8,
              options: FlashOptions, leave: Bool, recordPath: String?) {
    self.mode = mode
    self.firmware = firmware
    self.filePath = filePath
    self.fileCRC32 = fileCRC32
    self.alternate = alternate
    self.options = options
    self.leave = leave
    self.recordPath = recordPath
  }
}

/// How one board of a batch ended.
public enum BatchResult: Hashable, Sendable {
  case running
  case verified
  /// Not verified: a short reason for the row, the full text with the next step for the details.
  case failed(reason: String, detail: String)
  /// The board left the bus during its job (``DfuSe/JobError/deviceLost(_:)``).
  case disconnected(detail: String)
  /// Stopped between two USB transfers (quit or cancel).
  case cancelled(detail: String)

  /// The word the row shows (colour is only a second cue: NO_COLOR terminals read the word).
  public var word: String {
    switch self {
    case .running: return ""
    case .verified: return "VERIFIED"
    case .failed(let reason, _): return "FAILED: " + reason
    case .disconnected: return "DISCONNECTED"
    case .cancelled: return "CANCELLED"
    }
  }

  public var detail: String? {
    switch self {
    case .running, .verified: return nil
    case .failed(_, let d), .disconnected(let d), .cancelled(let d): return d
    }
  }
}

/// One board (one plug) of a batch: a row of the Batch screen.
public struct BatchRow: Hashable, Sendable {
  public var port: String
  public var serial: String?
  public var chip: String
  /// The phase running now (the last one reported).
  public var phase: OperationPhase?
  public var completed = 0
  public var total = 0
  public var result = BatchResult.running
  public var started: Double
  public var ended: Double?
  /// Why the board's audit line could not be written, if it could not.
  public var recordProblem: String?
  /// Seconds after its leave that the board was back in the bootloader (its application did not start).
  public var cameBack: Double?

  public init(port: String, serial: String?, chip: String, started: Double) {
    self.port = port
    self.serial = serial
    self.chip = chip
    self.started = started
  }

  public var fraction: Double { total == 0 ? 0 : Double(completed) / Double(total) }
}

/// The Batch screen (6): the batch running or last run, one row per board.
public struct BatchState: Equatable, Sendable {
  /// Set while a batch runs (until ``Event/batchEnded(problem:at:)``).
  public var mode: BatchMode?
  /// Loop mode was asked to stop: no new board starts; the running ones finish.
  public var stopping = false
  /// The running boards were asked to stop between two transfers.
  public var cancelling = false
  public var rows: [BatchRow] = []
  public var list = ListState()
  public var started: Double?
  public var ended: Double?
  /// Show the selected row's full text (Enter/`d`).
  public var showDetail = false
  /// Why the last batch could not start (nothing was written), shown until the next one.
  public var refusal: String?
  /// `--record FILE`, given at launch.
  public var recordPath: String?

  public init() {}

  public var running: Bool { mode != nil }
  public var passed: Int { rows.count { $0.result == .verified } }
  public var failed: Int { rows.count { $0.result != .verified && $0.result != .running } }
  public var active: Int { rows.count { $0.result == .running } }

  /// Seconds since the batch started, up to its end.
  public func elapsed(now: Double) -> Double {
    guard let started else { return 0 }
    return max(0, (ended ?? now) - started)
  }

  /// Passed boards per hour of elapsed time; nil until a board finished.
  public func boardsPerHour(now: Double) -> Double? {
    guard passed + failed > 0 else { return nil }
    let hours = elapsed(now: now) / 3600
    return hours > 0 ? Double(passed) / hours : nil
  }

  /// The row of the job running on `port` (never two at once on a port).
  func runningRow(_ port: String) -> Int? {
    rows.lastIndex { $0.port == port && $0.result == .running }
  }
}
