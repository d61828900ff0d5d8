import Foundation
public import Logging
import Synchronization

/// One board to flash in a bench run: the device as enumerated and its chip
/// (or why the chip could not be identified, which fails that board only).
public struct BenchTarget: Sendable {
  public var device: DFUDeviceInfo
  public var identity: Result<ChipIdentity, JobError>

  public init(device: DFUDeviceInfo, identity: Result<ChipIdentity, JobError>) {
    self.device = device
    self.identity = identity
  }
}

/// Flashes several boards at once (issue 14): one thread, one bus handle and
/// one ``FlashJob`` per board, from one request whose file was parsed and
/// validated before. A failure on one board (a rejected plan, a pulled cable)
/// ends that board's job only; the others carry on.
public enum BenchFlash {
  /// Opens a bus for one worker thread (a bus belongs to one thread at a time;
  /// a Sendable simulated bus may be shared).
  public typealias BusFactory = @Sendable () throws(TransportError) -> any DFUBus

  /// Runs every target's job on its own thread and waits for all of them.
  /// - Parameters:
  ///   - observer: called on each board's thread when it starts; the closure it
  ///     returns gets that board's notices, warnings and progress, on that thread.
  ///   - finished: called on the board's thread as soon as its job ends (write the
  ///     audit record there, so a crash later loses nothing).
  ///   - isCancelled: checked before every USB transfer of every board.
  /// - Returns: one outcome per target, in the targets' order.
  public static func run(_ request: FlashJobRequest, targets: [BenchTarget], makeBus: @escaping BusFactory,
                         clock: any BlockingClock, logger: Logger,
                         observer: @escaping @Sendable (BoardIdentity) -> (JobEvent) -> Void,
                         finished: @escaping @Sendable (BenchOutcome) -> Void = { _ in },
                         isCancelled: @escaping @Sendable () -> Bool = { false }) -> [BenchOutcome] {
    let results = Mutex<[Int: BenchOutcome]>([:])
    let group = DispatchGroup()
    for (index, target) in targets.enumerated() {
      group.enter()
      let thread = Thread {
        var boardLogger = logger
        boardLogger[metadataKey: "port"] = "\(target.device.path)"
        let outcome = flashOne(request, target: target, makeBus: makeBus, clock: clock, logger: boardLogger,
                               observer: observer(BoardIdentity(target.device)), isCancelled: isCancelled)
        finished(outcome)
        results.withLock { $0[index] = outcome }
        group.leave()
      }
      thread.name = "flash \(target.device.path)"
      thread.start()
    }
    group.wait()
    return results.withLock { all in targets.indices.map { all[$0]! } }
  }

  /// Prepares and runs one board's job on the calling thread.
  public static func flashOne(_ request: FlashJobRequest, target: BenchTarget, makeBus: BusFactory,
                              clock: any BlockingClock, logger: Logger, observer events: (JobEvent) -> Void,
                              isCancelled: @escaping @Sendable () -> Bool) -> BenchOutcome {
    let startedAt = Date()
    let start = clock.now
    var timer = PhaseTimer()
    let chip = try? target.identity.get().profile
    func outcome(_ result: Result<FlashJobReport, JobError>) -> BenchOutcome {
      let end = clock.now
      timer.finish(at: end)
      return BenchOutcome(board: BoardIdentity(target.device), chip: chip?.name, bootloaderVersion: chip?.bootloaderVersion,
                          startedAt: startedAt, duration: end - start, phases: timer.entries, result: result)
    }
    do throws(JobError) {
      let identity = try target.identity.get()
      let bus: any DFUBus
      do throws(TransportError) { bus = try makeBus() } catch {
        throw .flash(.device(.transport(error, during: "opening the USB bus")))
      }
      let job = try FlashJob.prepare(request, device: target.device, identity: identity, bus: bus, clock: clock,
                                     logger: logger)
      for notice in job.notices { events(.notice(notice)) }
      for warning in job.warnings { events(.warning(warning)) }
      let report = try job.run(events: { event in
        if case .progress(let p) = event { timer.record(p, at: clock.now) }
        events(event)
      }, isCancelled: isCancelled)
      return outcome(.success(report))
    } catch {
      return outcome(.failure(error))
    }
  }
}
