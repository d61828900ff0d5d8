public import Logging

/// The one loop that does I/O for a ``DFUOperation``: it performs the
/// control transfers the operation asks for on a ``DFUTransport``, sleeps the
/// waits on a ``BlockingClock``, and reports progress (dfu-core's
/// `synchronous.rs` role). Owned by one thread.
///
/// It logs the USB trace (``TransferTrace``) to the caller's logger: at
/// `.debug` one line per control transfer and per poll wait, at `.trace` the
/// data bytes too. Nothing is formatted when the logger's level is higher.
public final class DFUSession {
  public let transport: any DFUTransport
  public let clock: any BlockingClock
  /// Where the USB trace goes (the caller's; the library never makes one).
  public let logger: Logger
  /// Time spent in control transfers, waiting, and counts, since creation.
  public private(set) var statistics = SessionStatistics()

  public init(transport: any DFUTransport, clock: any BlockingClock, logger: Logger) {
    self.transport = transport
    self.clock = clock
    self.logger = logger
  }

  /// Runs `operation` to its end.
  /// - Parameters:
  ///   - progress: called after every step that changed progress.
  ///   - isCancelled: checked before every transfer; when it returns true the
  ///     run stops with ``DfuSeError/cancelled`` (the device stays in DFU).
  /// - Returns: how the operation ended.
  /// - Throws: ``DfuSeError`` from the device or the link.
  @discardableResult
  public func run(_ operation: inout DFUOperation,
                  progress: (OperationProgress) -> Void = { _ in },
                  isCancelled: () -> Bool = { false }) throws(DfuSeError) -> OperationOutcome {
    var reported = operation.progress
    progress(reported)
    while true {
      switch operation.nextAction() {
      case .send(let control):
        if isCancelled() { throw .cancelled }
        operation.receive(perform(control))
      case .wait(let duration):
        logger.debug("\(TransferTrace.wait(duration))")
        let start = clock.now
        clock.sleep(for: duration)
        statistics.waitTime += clock.now - start
      case .finished(let outcome):
        if operation.progress != reported { progress(operation.progress) }
        return outcome
      case .failed(let error):
        throw error
      }
      if operation.progress != reported {
        reported = operation.progress
        progress(reported)
      }
    }
  }

  private func perform(_ control: DFUControl) -> DFUTransferResult {
    let length = control.request.isDeviceToHost ? control.length : control.data.count
    let setup = SetupPacket(control.request, value: control.value, interface: transport.interfaceNumber, length: length)
    let start = clock.now
    let result = transfer(control, setup)
    let elapsed = clock.now - start
    statistics.usbTime += elapsed
    if control.pollsBusyDevice { statistics.busyPollTime += elapsed }
    statistics.transfers += 1
    if logger.logLevel <= .debug { trace(control, result, elapsed) }
    return result
  }

  private func transfer(_ control: DFUControl, _ setup: SetupPacket) -> DFUTransferResult {
    do throws(TransportError) {
      if control.request.isDeviceToHost {
        let bytes = try transport.controlIn(setup, timeout: control.timeout)
        statistics.bytesUp += control.request == .upload ? bytes.count : 0
        return .received(bytes)
      }
      try transport.controlOut(setup, data: control.data, timeout: control.timeout)
      statistics.bytesDown += control.request == .download && control.value >= 2 ? control.data.count : 0
      return .sent
    } catch {
      return .failed(error)
    }
  }

  /// The `.debug` line of one transfer and, at `.trace`, its data.
  private func trace(_ control: DFUControl, _ result: DFUTransferResult, _ elapsed: Duration) {
    logger.debug("\(TransferTrace.line(control, result: result, elapsed: elapsed))")
    guard logger.logLevel <= .trace, let bytes = TransferTrace.payload(control, result: result) else { return }
    logger.trace("\(TransferTrace.data(bytes))")
  }
}

/// Counters kept by a ``DFUSession``.
public struct SessionStatistics: Equatable, Sendable {
  /// Time inside control transfers (includes time the device held a request off).
  public var usbTime: Duration = .zero
  /// Time sleeping on `bwPollTimeout`s.
  public var waitTime: Duration = .zero
  /// Part of ``usbTime`` spent in status polls of a busy device (held off by the ROM).
  public var busyPollTime: Duration = .zero
  public var transfers = 0
  /// Firmware bytes sent in Write Memory DNLOADs.
  public var bytesDown = 0
  /// Bytes received in UPLOADs.
  public var bytesUp = 0

  public init() {}
}
