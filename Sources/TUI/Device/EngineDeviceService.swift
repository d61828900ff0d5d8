public import DfuSe
public import Logging
internal import Foundation
internal import Synchronization

/// ``DeviceService`` over the DfuSe engine: the library's jobs (``DfuSe/FlashJob``,
/// ``DfuSe/OptionByteChangeJob``) for writes, ``DfuSeDevice/read(at:count:phase:progress:)``
/// and ``OptionByteController`` for reads, ``ChipIdentity`` for the chip.
/// Each device gets its own worker thread (the engine blocks and owns its
/// transport); a poller thread lists the bus every `pollInterval` (libusb
/// hotplug does not work everywhere, e.g. under umockdev). While a job runs,
/// the poller pauses: listing reads string descriptors, which would
/// interleave with the job's DFU requests on the same device.
public final class EngineDeviceService: DeviceService, @unchecked Sendable {
  // @unchecked: `bus` and `clock` are used by the poller and one worker at a time per device;
  // the engine's buses serialise access to each device (SimulatedSTM32's lock, libusb's own).
  private let bus: any DFUBus
  private let clock: any BlockingClock
  private let logger: Logger
  private let pollInterval: Duration
  /// The user's `--family`, when the descriptors cannot tell the chip.
  private let family: String?
  private let state = Mutex(Shared())
  private let wake = NSCondition()
  private var post: @Sendable (Event) -> Void = { _ in }
  /// Called on a worker after each job (the CLI saves simulator state here).
  private let afterJob: @Sendable () -> Void
  /// Where the backup toggle saves (``BackupNaming``); set before ``start(post:)``.
  public var backupDirectory = FileManager.default.currentDirectoryPath
  /// Opens a bus for one board thread of a batch (``DfuSe/BenchFlash/BusFactory``).
  private let batchBus: BenchFlash.BusFactory?

  struct Shared {
    var devices: [String: DFUDeviceInfo] = [:]
    var workers: [String: DeviceWorker] = [:]
    var cancelled: Set<String> = []
    var busy: Set<String> = []
    var refreshRequested = false
    var stopping = false
    var batch: BatchRunner?
  }

  public init(bus: any DFUBus, clock: any BlockingClock, logger: Logger, family: String? = nil,
              pollInterval: Duration = .seconds(1), afterJob: @escaping @Sendable () -> Void = {},
              batchBus: BenchFlash.BusFactory? = nil) {
    self.batchBus = batchBus
    self.family = family
    self.bus = bus
    self.clock = clock
    self.logger = logger
    self.pollInterval = pollInterval
    self.afterJob = afterJob
  }

  public func start(post: @escaping @Sendable (Event) -> Void) {
    self.post = post
    let thread = Thread { [self] in
      receiveTerminalSignals(false)
      pollLoop()
    }
    thread.name = "dfutui-hotplug"
    thread.start()
  }

  public func refresh() {
    wake.lock()
    state.withLock { $0.refreshRequested = true }
    wake.signal()
    wake.unlock()
  }

  private func pollLoop() {
    var last: [DFUDeviceInfo]? = nil
    while !state.withLock({ $0.stopping }) {
      if state.withLock({ $0.busy.isEmpty }) {
        let found: [DFUDeviceInfo]
        do throws(TransportError) { found = try bus.devices() } catch {
          logger.warning("listing USB devices failed: \(error)")
          found = last ?? []
        }
        if found != last {
          last = found
          state.withLock { s in s.devices = Dictionary(found.map { (DeviceSummary(info: $0, family: family).id, $0) }, uniquingKeysWith: { a, _ in a }) }
          post(.devices(found.map { DeviceSummary(info: $0, family: family) }))
        }
      }
      wake.lock()
      if !state.withLock({ $0.refreshRequested || $0.stopping }) {
        _ = wake.wait(until: Date().addingTimeInterval(currentPollInterval.seconds))
      }
      state.withLock { $0.refreshRequested = false }
      wake.unlock()
    }
  }

  /// How long the poller waits: ``loopPollInterval`` while a loop batch waits for plugs (a board
  /// on the bench starts as soon as it is seen, as with `write --each-new`), else `pollInterval`.
  private var currentPollInterval: Duration {
    let looping = state.withLock { s in s.batch.map { !$0.finished && $0.request.mode == .loop } ?? false }
    return looping ? min(pollInterval, Self.loopPollInterval) : pollInterval
  }

  /// The bus poll while a loop batch runs (strings are read once per enumeration, so it is cheap).
  static let loopPollInterval: Duration = .milliseconds(100)

  public func cancel(deviceID: String) {
    state.withLock { _ = $0.cancelled.insert(deviceID) }
  }

  public func shutdown(timeout: Duration) {
    let (workers, batch) = state.withLock { s -> ([DeviceWorker], BatchRunner?) in
      s.stopping = true
      s.cancelled.formUnion(s.busy)
      return (Array(s.workers.values), s.batch)
    }
    batch?.stop(cancelRunning: true)
    refresh()
    let deadline = Date().addingTimeInterval(timeout.seconds)
    while (state.withLock({ !$0.busy.isEmpty }) || batch.map({ !$0.finished }) ?? false) && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.02)
    }
    workers.forEach { $0.stop() }
  }

  // MARK: Batch

  /// Starts a ``BatchRunner`` on the bus as the poller last listed it (the poller keeps
  /// running: loop mode sees each board plugged in). Refused while a job or a batch runs.
  public func startBatch(_ request: BatchRequest) {
    let refusal = state.withLock { s -> String? in
      if let b = s.batch, !b.finished { return "a batch is already running" }
      if !s.busy.isEmpty { return "a job is running on \(s.busy.sorted().joined(separator: ", ")); wait for it" }
      return nil
    }
    if let refusal {
      post(.batchEnded(problem: refusal, at: Date().timeIntervalSince1970))
      return
    }
    let runner = BatchRunner(request, makeBus: batchBus ?? { [self] in bus }, clock: clock, logger: logger,
                             identify: { [self] in identify($0) },
                             listDevices: { [self] in state.withLock { Array($0.devices.values) } },
                             post: post, afterBatch: afterJob)
    state.withLock { $0.batch = runner }
    runner.start()
    if request.mode == .loop { refresh() }  // the poller takes up the loop's pace now, not after its current wait
  }

  public func stopBatch(cancelRunning: Bool) {
    state.withLock { $0.batch }?.stop(cancelRunning: cancelRunning)
  }

  private var batchRunning: Bool { state.withLock { s in s.batch.map { !$0.finished } ?? false } }

  // MARK: Jobs

  /// Runs `body` on the device's worker; posts its outcome as `jobFinished`.
  private func run(_ id: String, _ kind: JobKind, _ body: @escaping @Sendable (DFUDeviceInfo) -> JobOutcome) {
    if batchRunning {  // the screens refuse it too; a board must never get two jobs at once
      post(.jobFinished(deviceID: id, kind, .failed(message: "a batch is running (6 Batch)",
                                                    hint: "Wait for it to end, or stop it (x).", mismatches: []),
                        at: Date().timeIntervalSince1970))
      return
    }
    let (worker, info) = state.withLock { s -> (DeviceWorker, DFUDeviceInfo?) in
      let w = s.workers[id] ?? DeviceWorker(name: "dfutui-\(id)")
      s.workers[id] = w
      s.cancelled.remove(id)
      if s.devices[id] != nil { s.busy.insert(id) }
      return (w, s.devices[id])
    }
    guard let info else {
      post(.jobFinished(deviceID: id, kind, .failed(message: "the board is not on the bus any more",
                                                    hint: "Plug it in again in DFU mode (BOOT0 high, reset).", mismatches: []),
                        at: Date().timeIntervalSince1970))
      return
    }
    worker.submit { [self] in
      logger.info("\(kind.rawValue) on \(info.path) started")
      let outcome = body(info)
      state.withLock { _ = $0.busy.remove(id) }
      afterJob()
      logger.info("\(kind.rawValue) on \(info.path) ended")
      post(.jobFinished(deviceID: id, kind, outcome, at: Date().timeIntervalSince1970))
      refresh()
    }
  }

  private func isCancelled(_ id: String) -> Bool { state.withLock { $0.cancelled.contains(id) } }

  /// Progress posted at most 25 times a second per phase, plus every phase end (``ProgressThrottle``).
  private func progress(_ id: String) -> (OperationProgress) -> Void {
    var throttle = ProgressThrottle()
    var phase: OperationPhase?
    return { [self] p in
      let now = Date()
      guard throttle.admit(p, now: now) else { return }
      if p.phase != phase { logger.trace("phase \(p.phase.rawValue): \(p.totalBytes) B") }
      phase = p.phase
      post(.jobProgress(deviceID: id, p, at: now.timeIntervalSince1970))
    }
  }

  private func open(_ info: DFUDeviceInfo, _ alternate: UInt8) throws(FlashError) -> DfuSeDevice {
    let transport: any DFUTransport
    do throws(TransportError) { transport = try bus.open(info, alternateSetting: alternate) } catch {
      throw .device(.transport(error, during: "opening the device"))
    }
    do throws(MemoryMapError) {
      let dfu = try DfuSeDevice(info: info, transport: transport, clock: clock, logger: logger)
      let id = DeviceSummary(info: info).id
      dfu.isCancelled = { [self] in isCancelled(id) }
      return dfu
    } catch {
      transport.close()
      throw .aborted("alternate setting \(alternate) has no usable memory map: \(error)")
    }
  }

  public func readSector(deviceID: String, alternate: UInt8, address: UInt32, count: Int) {
    run(deviceID, .readSector) { [self] info in
      do throws(FlashError) {
        let dfu = try open(info, alternate)
        defer { dfu.transport.close() }
        let bytes = try dfu.read(at: address, count: count, progress: progress(deviceID))
        return .sectorRead(address: address, bytes: bytes)
      } catch {
        return Self.outcome(.flash(error))
      }
    }
  }

  public func flash(_ request: FlashRequest) {
    run(request.deviceID, .flash) { [self] info in flashJob(request, info) }
  }

  /// The library's ``DfuSe/FlashJob``, as the CLI's `write` drives it: prepare (plan,
  /// protection check, backup file checked), then run with its events as UI events.
  func flashJob(_ r: FlashRequest, _ info: DFUDeviceInfo) -> JobOutcome {
    let request = Self.jobRequest(r, backupPath: r.options.backup ? BackupNaming.path(for: info, in: backupDirectory) : nil)
    let id = r.deviceID
    do throws(JobError) {
      let job = try FlashJob.prepare(request, device: info, identity: identify(info), bus: bus, clock: clock,
                                     logger: logger)
      for notice in job.notices { logger.info("\(notice)") }
      for warning in job.warnings { logger.warning("\(warning)") }
      logger.info("erase plan: \(ErasePlanner.proposal(job.plan, options: job.options))")
      let forward = progress(id)
      let report = try job.run(events: { [self] event in
        switch event {
        case .progress(let p): forward(p)
        case .notice(let text): logger.info("\(text)")
        case .warning(let text): logger.warning("\(text)")
        case .backupSaved(let path, let bytes): logger.info("backed up \(bytes) B of the sectors about to be erased to \(path)")
        }
      }, isCancelled: { [self] in isCancelled(id) })
      let flash = report.flash
      var left: String?
      switch report.leave {
      case .success(let leave):
        left = leave.disconnected
          ? "Left DFU: jumped to the application at \(hex32(leave.target)); the board disconnected."
          : "Left DFU towards \(hex32(leave.target)) (dfuMANIFEST); the board is still listed."
      case .failure(let error): left = "Did not leave DFU: \(error)"
      case nil: break
      }
      var summary = "\(flash.programmedBytes) B in \(String(format: "%.1f", flash.elapsed.seconds)) s \u{B7} \(flash.actionSummary)"
      if let path = report.backupPath { summary += " \u{B7} backup \(path)" }
      return .flashed(verified: flash.verified, summary: summary, actions: flash.actions, left: left,
                      erase: flash.erase?.reason)
    } catch {
      return Self.outcome(error)
    }
  }

  /// The library's request for `r`: the file as loaded (its real format, targets, suffix and
  /// notices), the alternate the Flash screen chose.
  static func jobRequest(_ r: FlashRequest, backupPath: String?) -> FlashJobRequest {
    FlashJobRequest(firmware: r.firmware, fileName: r.fileName, alternate: r.alternate, alternateChosen: true,
                    options: r.options, backupPath: backupPath, leaveAfter: r.leave)
  }

  /// The chip identification, with the user's `--family` when given.
  func identify(_ info: DFUDeviceInfo) -> ChipIdentity {
    (try? ChipIdentity.identify(info, family: family)) ?? ChipIdentity.identify(info)
  }

  public func readOptionBytes(deviceID: String) {
    run(deviceID, .readOptions) { [self] info in
      do throws(OptionByteError) {
        return .optionBytesRead(try OptionByteController(bus: bus, device: info, clock: clock, logger: logger,
                                                         family: identify(info).optionBytes).read())
      } catch {
        return .failed(message: error.description, hint: "", mismatches: [])
      }
    }
  }

  public func writeOptionBytes(deviceID: String, before: OptionBytes, after: OptionBytes, phrase: String?) {
    run(deviceID, .writeOptions) { [self] info in writeOptionsJob(info, before, after, phrase) }
  }

  /// The library's ``DfuSe/OptionByteChangeJob``: the dialog was the confirmation; it writes,
  /// waits for the resets, finds the board again and reads back.
  func writeOptionsJob(_ info: DFUDeviceInfo, _ before: OptionBytes, _ after: OptionBytes, _ phrase: String?) -> JobOutcome {
    do throws(JobError) {
      let controller: OptionByteController
      do throws(OptionByteError) {
        controller = try OptionByteController(bus: bus, device: info, clock: clock, logger: logger,
                                              family: identify(info).optionBytes)
      } catch {
        throw .optionBytes(error)
      }
      let job = try OptionByteChangeJob.prepare(controller: controller, boot0Pin: false, edit: { current throws(OptionByteError) in
        guard current == before else {
          throw .badEdit("the option bytes changed since they were read; read them again (R) and redo the edit")
        }
        return after
      })
      let forward = progress(DeviceSummary(info: info).id)
      let report = try job.run(confirmed: true, irreversiblePhrase: phrase, events: { event in
        if case .progress(let p) = event { forward(p) }
      })
      return .optionBytesWritten(verified: report.verified, note: report.note, readBack: report.readBack)
    } catch {
      return Self.outcome(error, hint: "Read the option bytes again (R) to see what the chip holds.")
    }
  }

  /// A failed job in words, with what to do next (the library's messages already say it).
  static func outcome(_ error: JobError, hint: String = "The board is still in DFU mode; see the log (5).") -> JobOutcome {
    switch error {
    case .flash(.device(.cancelled)):
      return .cancelled("stopped between two USB transfers; the board is still in DFU. Flash again with d (diff) to finish.")
    case .flash(.device(.verifyFailed(let mismatches))):
      return .failed(message: "verify FAILED: the board holds different data than the file",
                     hint: "Flash again; if it persists the sectors may be write-protected or worn.", mismatches: mismatches)
    case .deviceLost:
      return .failed(message: error.description, hint: "Plug it in again in DFU mode and flash with d (diff) to finish.",
                     mismatches: [])
    case .rejected, .usage, .output, .readProtected, .writeProtected:
      return .failed(message: error.description, hint: "Nothing was written to the board.", mismatches: [])
    default:
      return .failed(message: error.description, hint: hint, mismatches: [])
    }
  }
}

/// One device's worker: a thread running submitted jobs in order.
final class DeviceWorker: @unchecked Sendable {
  // @unchecked: `queue` and `running` are only touched under `condition`.
  private let condition = NSCondition()
  private var queue: [@Sendable () -> Void] = []
  private var running = true

  init(name: String) {
    let thread = Thread { [self] in
      receiveTerminalSignals(false)
      loop()
    }
    thread.name = name
    thread.start()
  }

  func submit(_ job: @escaping @Sendable () -> Void) {
    condition.lock()
    queue.append(job)
    condition.signal()
    condition.unlock()
  }

  func stop() {
    condition.lock()
    running = false
    condition.signal()
    condition.unlock()
  }

  private func loop() {
    while true {
      condition.lock()
      while queue.isEmpty && running { condition.wait() }
      if queue.isEmpty && !running { condition.unlock(); return }
      let job = queue.removeFirst()
      condition.unlock()
      job()
    }
  }
}

extension Duration {
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
