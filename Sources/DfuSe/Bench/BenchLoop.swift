import Foundation
public import Logging
import Synchronization

/// `write --each-new` (issue 14): polls the bus, flashes each board as it is
/// plugged in (one thread and ``FlashJob`` per board, as ``BenchFlash``), and
/// goes on until asked to stop; then waits for the running jobs.
public final class BenchLoop: Sendable {
  let request: FlashJobRequest
  let makeBus: BenchFlash.BusFactory
  let clock: any BlockingClock
  let logger: Logger
  let identify: @Sendable (DFUDeviceInfo) -> Result<ChipIdentity, JobError>
  let observer: @Sendable (BoardIdentity) -> (JobEvent) -> Void
  let finished: @Sendable (BenchOutcome) -> Void
  let isCancelled: @Sendable () -> Bool
  let cameBack: @Sendable (PlugTracker.Return) -> Void
  private let tracker = Mutex(PlugTracker())
  private let outcomes = Mutex<[BenchOutcome]>([])
  private let group = DispatchGroup()
  /// The clock ``run(listDevices:interval:pollClock:shouldStop:)`` polls on (leave and plug times).
  private let pollClock = Mutex<(any BlockingClock)?>(nil)

  /// - Parameters: as ``BenchFlash/run(_:targets:makeBus:clock:logger:observer:finished:isCancelled:)``;
  ///   `identify` names each new board's chip (a failure fails that board only); `cameBack` hears of
  ///   a board back in the bootloader soon after its leave (``PlugTracker/Return``: not flashed again).
  public init(_ request: FlashJobRequest, makeBus: @escaping BenchFlash.BusFactory, clock: any BlockingClock,
              logger: Logger, identify: @escaping @Sendable (DFUDeviceInfo) -> Result<ChipIdentity, JobError>,
              observer: @escaping @Sendable (BoardIdentity) -> (JobEvent) -> Void,
              finished: @escaping @Sendable (BenchOutcome) -> Void = { _ in },
              isCancelled: @escaping @Sendable () -> Bool = { false },
              cameBack: @escaping @Sendable (PlugTracker.Return) -> Void = { _ in }) {
    self.request = request
    self.makeBus = makeBus
    self.clock = clock
    self.logger = logger
    self.identify = identify
    self.observer = observer
    self.finished = finished
    self.isCancelled = isCancelled
    self.cameBack = cameBack
  }

  /// Polls `listDevices` (on this thread) every `interval` of `pollClock` until
  /// `shouldStop`, starting a job per new plug; then waits for the jobs.
  /// - Returns: every board's outcome, in the order they finished.
  public func run(listDevices: () -> [DFUDeviceInfo], interval: Duration, pollClock: any BlockingClock,
                  shouldStop: () -> Bool) -> [BenchOutcome] {
    self.pollClock.withLock { $0 = pollClock }
    var undescribedSince: [String: Duration] = [:]
    while !shouldStop() {
      let now = pollClock.now
      let devices = Self.describedOrWaitedFor(listDevices(), now: now, since: &undescribedSince)
      for device in tracker.withLock({ $0.poll(devices, at: now) }) { start(device) }
      reportReturns()
      pollClock.sleep(for: interval)
    }
    group.wait()
    return outcomes.withLock { $0 }
  }

  private func start(_ device: DFUDeviceInfo) {
    group.enter()
    let thread = Thread { [self] in
      var boardLogger = logger
      boardLogger[metadataKey: "port"] = "\(device.path)"
      let target = BenchTarget(device: device, identity: identify(device))
      let outcome = BenchFlash.flashOne(request, target: target, makeBus: makeBus, clock: clock, logger: boardLogger,
                                        observer: observer(BoardIdentity(device)), isCancelled: isCancelled)
      finished(outcome)
      outcomes.withLock { $0.append(outcome) }
      let left = Self.leftDFU(outcome) ? pollClock.withLock { $0?.now }.map {
        PlugTracker.Leave(serialNumber: device.serialNumber, at: $0)
      } : nil
      if let next = tracker.withLock({ $0.finished(port: device.path, left: left) }) { start(next) }
      reportReturns()
      group.leave()
    }
    thread.name = "flash \(device.path)"
    thread.start()
  }

  private func reportReturns() {
    for back in tracker.withLock({ $0.takeReturns() }) {
      logger.info("board back in the bootloader after leaving DFU; not flashed again",
                     metadata: ["port": "\(back.device.path)", "after": "\(back.after)"])
      cameBack(back)
    }
  }

  /// How long a board just plugged in may stay without its strings (udev grants
  /// access a moment after the plug) before its job starts anyway and says why it fails.
  public static let describeGrace: Duration = .seconds(2)

  /// `devices` without those whose strings could not be read yet, for
  /// ``describeGrace`` after they were first seen so (`since` remembers when).
  static func describedOrWaitedFor(_ devices: [DFUDeviceInfo], now: Duration,
                                   since: inout [String: Duration]) -> [DFUDeviceInfo] {
    since = since.filter { entry in devices.contains { $0.path == entry.key && !$0.isFullyDescribed } }
    return devices.filter { device in
      guard !device.isFullyDescribed else { return true }
      let first = since[device.path] ?? now
      since[device.path] = first
      return now - first >= describeGrace
    }
  }

  /// The job ended with a leave the ROM accepted.
  static func leftDFU(_ outcome: BenchOutcome) -> Bool {
    guard case .success(let report) = outcome.result, case .success = report.leave else { return false }
    return true
  }
}
