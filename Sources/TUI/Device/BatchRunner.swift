public import DfuSe
public import Logging
internal import Foundation
internal import Synchronization

/// Runs one batch of the Batch screen (issue 14) on background threads with the
/// library's bench: ``DfuSe/BenchFlash`` for the boards present (`s`), ``DfuSe/BenchLoop``
/// (once per plug, never twice at once on a port) for loop mode (`l`). Each board's
/// start, throttled progress and end come back as ``Event``s; each end appends the
/// board's ``DfuSe/BenchRecord`` line (the CLI's format) to `--record`'s file first.
public final class BatchRunner: Sendable {
  let request: BatchRequest
  let makeBus: BenchFlash.BusFactory
  let clock: any BlockingClock
  let logger: Logger
  let identify: @Sendable (DFUDeviceInfo) -> ChipIdentity
  let listDevices: @Sendable () -> [DFUDeviceInfo]
  let post: @Sendable (Event) -> Void
  let afterBatch: @Sendable () -> Void
  private let stopRequested = Atomic<Bool>(false)
  private let cancelRequested = Atomic<Bool>(false)
  private let done = Atomic<Bool>(false)
  /// Each board's chip name, by port (named when the board's job starts).
  private let chips = Mutex<[String: String]>([:])
  /// Each running board's newest progress, posted or not (its row shows where a failed board stopped).
  private let lastProgress = Mutex<[String: OperationProgress]>([:])

  /// - Parameters:
  ///   - listDevices: the bus as last polled (the Devices screen's list); loop mode watches it.
  ///   - afterBatch: called on the batch thread when the last job ended (the simulator saves its state).
  public init(_ request: BatchRequest, makeBus: @escaping BenchFlash.BusFactory, clock: any BlockingClock, logger: Logger,
              identify: @escaping @Sendable (DFUDeviceInfo) -> ChipIdentity,
              listDevices: @escaping @Sendable () -> [DFUDeviceInfo], post: @escaping @Sendable (Event) -> Void,
              afterBatch: @escaping @Sendable () -> Void = {}) {
    self.request = request
    self.makeBus = makeBus
    self.clock = clock
    self.logger = logger
    self.identify = identify
    self.listDevices = listDevices
    self.post = post
    self.afterBatch = afterBatch
  }

  /// Starts the batch thread and returns.
  public func start() {
    let thread = Thread { [self] in
      receiveTerminalSignals(false)
      run()
      done.store(true, ordering: .sequentiallyConsistent)
    }
    thread.name = "dfutui-batch"
    thread.start()
  }

  /// No new board starts; with `cancelRunning` the running jobs stop between two USB transfers.
  public func stop(cancelRunning: Bool) {
    stopRequested.store(true, ordering: .sequentiallyConsistent)
    if cancelRunning { cancelRequested.store(true, ordering: .sequentiallyConsistent) }
  }

  /// True once every job ended and ``Event/batchEnded(problem:at:)`` was posted.
  public var finished: Bool { done.load(ordering: .sequentiallyConsistent) }

  static var now: Double { Date().timeIntervalSince1970 }

  /// The whole batch on this thread: the record file first (a file that cannot be
  /// opened refuses the batch before any board is touched), then the boards.
  func run() {
    let log: BenchRecordLog?
    do throws(JobError) { log = try request.recordPath.map { path throws(JobError) in try BenchRecordLog(path: path) } } catch {
      post(.batchEnded(problem: error.description + ". Nothing was written to any board; start dfutui with a "
                       + "--record FILE that can be written", at: Self.now))
      return
    }
    let name = (request.filePath as NSString).lastPathComponent
    let job = FlashJobRequest(firmware: request.firmware, fileName: name, alternate: request.alternate, alternateChosen: true,
                              options: request.options, leaveAfter: request.leave)
    let isCancelled: @Sendable () -> Bool = { [self] in cancelRequested.load(ordering: .sequentiallyConsistent) }
    switch request.mode {
    case .present:
      let boards = listDevices().filter(\.isDFUMode).sorted { $0.path < $1.path }
      guard !boards.isEmpty else {
        post(.batchEnded(problem: "no board in DFU mode is on the bus now; nothing was written", at: Self.now))
        return
      }
      logger.info("batch: flashing \(boards.count) board(s) in parallel: \(boards.map(\.path).joined(separator: ", "))")
      let targets = boards.map { BenchTarget(device: $0, identity: .success(named($0))) }
      _ = BenchFlash.run(job, targets: targets, makeBus: makeBus, clock: clock, logger: logger, observer: observer,
                         finished: { [self] in finished($0, log: log) }, isCancelled: isCancelled)
    case .loop:
      logger.info("batch: loop started; each board plugged in is flashed once per plug")
      let loop = BenchLoop(job, makeBus: makeBus, clock: clock, logger: logger, identify: { [self] in .success(named($0)) },
                           observer: observer, finished: { [self] in finished($0, log: log) }, isCancelled: isCancelled,
                           cameBack: { [post] back in
                             post(.batchBoardCameBack(port: back.device.path, after: back.after.seconds, at: Self.now))
                           })
      let list = listDevices
      _ = loop.run(listDevices: { list().filter(\.isDFUMode) }, interval: .milliseconds(100), pollClock: SystemClock(),
                   shouldStop: { [self] in stopRequested.load(ordering: .sequentiallyConsistent) })
    }
    afterBatch()
    post(.batchEnded(problem: nil, at: Self.now))
  }

  /// Identifies the board and remembers its chip's name for its row.
  private func named(_ device: DFUDeviceInfo) -> ChipIdentity {
    let identity = identify(device)
    chips.withLock { $0[device.path] = identity.profile.name }
    return identity
  }

  /// A board's job started (on its thread): its row appears; its events become throttled progress and log lines.
  private func observer(_ board: BoardIdentity) -> (JobEvent) -> Void {
    let chip = chips.withLock { $0[board.portPath] } ?? "?"
    post(.batchBoardStarted(port: board.portPath, serial: board.serialNumber, chip: chip, at: Self.now))
    var throttle = ProgressThrottle()
    return { [self] event in
      switch event {
      case .progress(let p):
        let now = Date()
        if throttle.admit(p, now: now) {
          lastProgress.withLock { $0[board.portPath] = nil }
          post(.batchProgress(port: board.portPath, p, at: now.timeIntervalSince1970))
        } else {
          lastProgress.withLock { $0[board.portPath] = p }
        }
      case .notice(let text): logger.info("\(board): \(text)")
      case .warning(let text): logger.warning("\(board): \(text)")
      case .backupSaved(let path, _): logger.info("\(board): backed up to \(path)")
      }
    }
  }

  /// A board's job ended (on its thread): its audit line first, then its row.
  private func finished(_ outcome: BenchOutcome, log: BenchRecordLog?) {
    var problem: String?
    if let log {
      let options = BenchRecord.Options(request.options, leave: request.leave)
      do throws(JobError) {
        try log.append(BenchRecord(outcome, file: request.filePath, fileCRC32: request.fileCRC32, options: options))
      } catch {
        problem = error.description
      }
    }
    let port = outcome.board.portPath
    if let last = lastProgress.withLock({ $0.removeValue(forKey: port) }) { post(.batchProgress(port: port, last, at: Self.now)) }
    post(.batchBoardFinished(port: port, Self.result(outcome), recordProblem: problem, at: Self.now))
  }

  /// The board's result for its row: verified, a disconnect, a cancel, or a failure with the next step.
  static func result(_ outcome: BenchOutcome) -> BatchResult {
    if outcome.verified { return .verified }
    switch outcome.result {
    case .failure(.deviceLost(let loss)): return .disconnected(detail: loss.description)
    case .failure(let error): return batchResult(EngineDeviceService.outcome(error))
    case .success(let report):
      let reason = report.flash.verified ? "leave failed" : "not verified"
      return .failed(reason: reason, detail: outcome.errorText ?? reason)
    }
  }
}
