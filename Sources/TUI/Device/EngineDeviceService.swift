public import DfuSe
public import Logging
internal import Foundation
internal import Synchronization

/// ``DeviceService`` over the DfuSe engine's public API: FlashPlan +
/// DfuSeDevice.flash/read, OptionByteController, ChipProfile.identify.
/// Each device gets its own worker thread (the engine blocks and owns its
/// transport); a poller thread lists the bus every `pollInterval` (libusb
/// hotplug does not work everywhere, e.g. under umockdev). While a job runs,
/// the poller pauses: listing reads string descriptors, which would
/// interleave with the job's DFU requests on the same device.
///
/// When the library grows flash/option-byte "jobs" with events, the bodies of
/// ``flashJob(_:)``, ``writeOptionsJob(_:_:_:_:)`` move onto them; nothing else changes.
public final class EngineDeviceService: DeviceService, @unchecked Sendable {
  // @unchecked: `bus` and `clock` are used by the poller and one worker at a time per device;
  // the engine's buses serialise access to each device (SimulatedSTM32's lock, libusb's own).
  private let bus: any DFUBus
  private let clock: any BlockingClock
  private let logger: Logger
  private let pollInterval: Duration
  private let state = Mutex(Shared())
  private let wake = NSCondition()
  private var post: @Sendable (Event) -> Void = { _ in }
  /// Called on a worker after each job (the CLI saves simulator state here).
  private let afterJob: @Sendable () -> Void

  struct Shared {
    var devices: [String: DFUDeviceInfo] = [:]
    var workers: [String: DeviceWorker] = [:]
    var cancelled: Set<String> = []
    var busy: Set<String> = []
    var refreshRequested = false
    var stopping = false
  }

  public init(bus: any DFUBus, clock: any BlockingClock, logger: Logger, pollInterval: Duration = .seconds(1),
              afterJob: @escaping @Sendable () -> Void = {}) {
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
          state.withLock { s in s.devices = Dictionary(found.map { (DeviceSummary(info: $0).id, $0) }, uniquingKeysWith: { a, _ in a }) }
          post(.devices(found.map { DeviceSummary(info: $0) }))
        }
      }
      wake.lock()
      if !state.withLock({ $0.refreshRequested || $0.stopping }) {
        _ = wake.wait(until: Date().addingTimeInterval(pollInterval.seconds))
      }
      state.withLock { $0.refreshRequested = false }
      wake.unlock()
    }
  }

  public func cancel(deviceID: String) {
    state.withLock { _ = $0.cancelled.insert(deviceID) }
  }

  public func shutdown(timeout: Duration) {
    let workers = state.withLock { s -> [DeviceWorker] in
      s.stopping = true
      s.cancelled.formUnion(s.busy)
      return Array(s.workers.values)
    }
    refresh()
    let deadline = Date().addingTimeInterval(timeout.seconds)
    while state.withLock({ !$0.busy.isEmpty }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    workers.forEach { $0.stop() }
  }

  // MARK: Jobs

  /// Runs `body` on the device's worker; posts its outcome as `jobFinished`.
  private func run(_ id: String, _ kind: JobKind, _ body: @escaping @Sendable (DFUDeviceInfo) -> JobOutcome) {
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

  /// Progress posted at most 25 times a second per phase, plus every phase end.
  private func progress(_ id: String) -> (OperationProgress) -> Void {
    var last = Date.distantPast
    var phase: OperationPhase?
    return { [self] p in
      let now = Date()
      let edge = p.phase != phase || p.completedBytes >= p.totalBytes
      guard edge || now.timeIntervalSince(last) >= 0.04 else { return }
      if p.phase != phase { logger.trace("phase \(p.phase.rawValue): \(p.totalBytes) B") }
      phase = p.phase
      last = now
      post(.jobProgress(deviceID: id, p, at: now.timeIntervalSince1970))
    }
  }

  private func open(_ info: DFUDeviceInfo, _ alternate: UInt8) throws(FlashError) -> DfuSeDevice {
    let transport: any DFUTransport
    do throws(TransportError) { transport = try bus.open(info, alternateSetting: alternate) } catch {
      throw .device(.transport(error, during: "opening the device"))
    }
    do throws(MemoryMapError) {
      let dfu = try DfuSeDevice(info: info, transport: transport, clock: clock)
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
        return Self.outcome(error)
      }
    }
  }

  public func flash(_ request: FlashRequest) {
    run(request.deviceID, .flash) { [self] info in flashJob(request, info) }
  }

  /// Plan, refuse protected targets, flash, verify, optionally leave: the CLI's `write` flow.
  func flashJob(_ r: FlashRequest, _ info: DFUDeviceInfo) -> JobOutcome {
    guard let map = try? info.alternate(r.alternate)?.memoryMap() else {
      return .failed(message: "alternate setting \(r.alternate) has no memory map", hint: "", mismatches: [])
    }
    let chip = ChipProfile.identify(info)
    let plan: FlashPlan
    do throws(FlashPlanError) { plan = try FlashPlan(image: r.image, map: map, chip: chip) } catch {
      return .failed(message: error.description, hint: "Nothing was sent to the board.", mismatches: [])
    }
    if r.alternate == 0, let refusal = protectionRefusal(plan, info) {
      return .failed(message: refusal, hint: "Nothing was written.", mismatches: [])
    }
    do throws(FlashError) {
      let dfu = try open(info, r.alternate)
      defer { dfu.transport.close() }
      let report = try dfu.flash(plan, options: r.options, saveBackup: saveBackup, progress: progress(r.deviceID))
      var left: String?
      if r.leave {
        let target = plan.bootSector?.address ?? plan.image.lowestAddress!
        let check = try dfu.checkBootable(at: target, chip: chip, image: plan.image)
        if check.isBootable {
          let outcome = try dfu.leave(at: target)
          left = outcome == .completed ? "Leave request sent; the board is still connected."
            : "Left DFU: jumped to the application at \(hex32(target)); the board disconnected."
        } else {
          left = "Stayed in DFU: the application does not look bootable (" + check.problems.joined(separator: "; ") + ")."
        }
      }
      let seconds = report.elapsed.seconds
      let summary = "\(report.programmedBytes) B in \(String(format: "%.1f", seconds)) s · \(report.actionSummary)"
      return .flashed(verified: report.verified, summary: summary, actions: report.actions, left: left)
    } catch {
      return Self.outcome(error)
    }
  }

  /// Under RDP 1 the ROM refuses writes; write-protected sectors are skipped
  /// silently (AN3156 §5): say so before anything is erased.
  private func protectionRefusal(_ plan: FlashPlan, _ info: DFUDeviceInfo) -> String? {
    guard let controller = try? OptionByteController(bus: bus, device: info, clock: clock) else { return nil }
    do throws(OptionByteError) {
      let ob = try controller.read()
      let planned = Set(plan.sectors.map(\.sector.address))
      let locked = ob.writeProtectedSectors(in: plan.map).filter { planned.contains($0.address) }
      guard locked.isEmpty else {
        return "the image touches write-protected sectors (\(locked.map(\.description).joined(separator: ", "))); "
          + "the ROM would silently skip them. Remove the protection on the Options screen first"
      }
    } catch .readProtected {
      return "read protection (RDP level 1) is active: the ROM refuses every write and erase. "
        + "Removing it (dfutui unprotect) mass-erases the whole flash"
    } catch {
      logger.warning("could not read the option bytes to check write protection: \(error)")
    }
    return nil
  }

  private func saveBackup(_ image: FirmwareImage) -> String? {
    guard !image.isEmpty else { return nil }
    let stamp = Int(Date().timeIntervalSince1970)
    let path = FileManager.default.currentDirectoryPath + "/dfutui-backup-\(stamp).hex"
    guard !FileManager.default.fileExists(atPath: path),
          FileManager.default.createFile(atPath: path, contents: Data(ImageExport.intelHex(image))) else {
      return "the backup could not be written to \(path)"
    }
    logger.info("backed up \(image.byteCount) B of the sectors about to be erased to \(path)")
    return nil
  }

  public func readOptionBytes(deviceID: String) {
    run(deviceID, .readOptions) { [self] info in
      do throws(OptionByteError) {
        return .optionBytesRead(try OptionByteController(bus: bus, device: info, clock: clock).read())
      } catch {
        return .failed(message: error.description, hint: "", mismatches: [])
      }
    }
  }

  public func writeOptionBytes(deviceID: String, before: OptionBytes, after: OptionBytes, phrase: String?) {
    run(deviceID, .writeOptions) { [self] info in writeOptionsJob(info, before, after, phrase) }
  }

  /// Writes a confirmed change (the dialog was the confirmation), waits for the resets, reads back.
  func writeOptionsJob(_ info: DFUDeviceInfo, _ before: OptionBytes, _ after: OptionBytes, _ phrase: String?) -> JobOutcome {
    do throws(OptionByteError) {
      let plan = try OptionByteChangePlan(before: before, after: after)
      let controller = try OptionByteController(bus: bus, device: info, clock: clock)
      let report = try controller.write(plan, confirmed: true, irreversiblePhrase: phrase,
                                        progress: progress(DeviceSummary(info: info).id))
      return .optionBytesWritten(verified: report.verified, note: report.note, readBack: report.readBack)
    } catch {
      return .failed(message: error.description, hint: "Read the option bytes again (R) to see what the chip holds.",
                     mismatches: [])
    }
  }

  /// A failed job in words, with what to do next.
  static func outcome(_ error: FlashError) -> JobOutcome {
    switch error {
    case .device(.cancelled):
      return .cancelled("stopped between two USB transfers; the board is still in DFU. Flash again with d (diff) to finish.")
    case .device(.verifyFailed(let mismatches)):
      return .failed(message: "verify FAILED: the board holds different data than the file",
                     hint: "Flash again; if it persists the sectors may be write-protected or worn.", mismatches: mismatches)
    case .device(.transport(.noDevice, _)), .device(.disconnected):
      return .failed(message: "the board was unplugged (or reset) during the job: \(error)",
                     hint: "Plug it in again in DFU mode and flash with d (diff) to finish.", mismatches: [])
    default:
      return .failed(message: error.description, hint: "The board is still in DFU mode; see the log (5).", mismatches: [])
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
