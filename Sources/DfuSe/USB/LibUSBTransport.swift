import Logging

/// A claimed DFU interface of a real device, over libusb control transfers on
/// endpoint 0 (DFU 1.1 §3: every DFU request is a class request to the
/// interface). Made by ``LibUSBBus/open(_:alternateSetting:)``.
///
/// The transport holds its device handle, which holds the libusb context, so
/// the context outlives the handle. Not `Sendable`: one thread at a time.
public final class LibUSBTransport: DFUTransport {
  public let interfaceNumber: UInt8
  public private(set) var alternateSetting: UInt8
  private let handle: USBDeviceHandle
  private var claimed = true
  private let logger: Logger

  init(handle: USBDeviceHandle, interfaceNumber: UInt8, alternateSetting: UInt8, logger: Logger) {
    self.handle = handle
    self.interfaceNumber = interfaceNumber
    self.alternateSetting = alternateSetting
    self.logger = logger
  }

  deinit { close() }

  /// A host → device control transfer (USB 2.0 §9.3; `libusb_control_transfer`).
  /// - Throws: ``TransportError/shortTransfer(expected:got:)`` when the device
  ///   accepted fewer bytes than sent; ``TransportError/noDevice`` once closed.
  public func controlOut(_ setup: SetupPacket, data: [UInt8], timeout: Duration) throws(TransportError) {
    let sent = try handle.controlOut(setup, data: data, timeoutMilliseconds: Self.milliseconds(timeout))
    guard sent == data.count else { throw .shortTransfer(expected: data.count, got: sent) }
  }

  /// A device → host control transfer (USB 2.0 §9.3; `libusb_control_transfer`)
  /// of up to `setup.length` bytes; returns what the device sent.
  public func controlIn(_ setup: SetupPacket, timeout: Duration) throws(TransportError) -> [UInt8] {
    try handle.controlIn(setup, timeoutMilliseconds: Self.milliseconds(timeout))
  }

  /// SET_INTERFACE (USB 2.0 §9.4.10) on the claimed interface.
  public func selectAlternateSetting(_ alternate: UInt8) throws(TransportError) {
    logger.debug("SET_INTERFACE interface \(interfaceNumber) alternate setting \(alternate)")
    try handle.setAlternateSetting(alternate, interface: interfaceNumber)
    alternateSetting = alternate
  }

  /// A USB port reset (`libusb_reset_device`), after releasing the interface:
  /// on some platforms libusb's reset fails while an interface is claimed
  /// (dfu-libusb's lesson). A device that re-enumerated as a different device
  /// (NOT_FOUND / NO_DEVICE) is the expected outcome, not an error — e.g. an
  /// STM32 leaving DFU mode (DFU 1.1 §5.1 manifestation, AN3156 leave). The
  /// transport is closed afterwards, whatever the outcome.
  public func reset() throws(TransportError) {
    defer { close() }
    release()
    do {
      try handle.resetDevice()
      logger.debug("USB port reset")
    } catch .notFound, .noDevice {
      logger.debug("USB port reset: the device re-enumerated")
      return
    }
  }

  /// Releases the interface and closes the device (`libusb_release_interface`,
  /// `libusb_close`). Safe to call twice; later transfers throw
  /// ``TransportError/noDevice``.
  public func close() {
    release()
    handle.close()
  }

  private func release() {
    guard claimed else { return }
    claimed = false
    try? handle.releaseInterface(interfaceNumber)
  }

  /// libusb timeouts are whole milliseconds, and 0 means "wait forever", so a
  /// timeout is rounded up and clamped to 1 ms … `UInt32.max` ms.
  static func milliseconds(_ timeout: Duration) -> UInt32 {
    let (seconds, attoseconds) = timeout.components
    guard seconds >= 0, attoseconds >= 0 else { return 1 }
    let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
    let fraction = (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
    let (wholeMs, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    guard !overflow else { return .max }
    let (total, overflow2) = wholeMs.addingReportingOverflow(fraction)
    guard !overflow2 else { return .max }
    return UInt32(clamping: max(1, total))
  }
}
