/// An open, claimed DFU interface: the only door to a device.
///
/// Implementations: ``LibUSBTransport`` (a real device) and, outside this
/// module, the transport of a simulated board (`DfuSeSimulator`). A transport
/// belongs to one thread at a time; it is deliberately not `Sendable`. The
/// sans-IO engine never calls it; only ``DFUSession`` does.
public protocol DFUTransport: AnyObject {
  /// `bInterfaceNumber` of the claimed DFU interface (the `wIndex` of DFU requests).
  var interfaceNumber: UInt8 { get }

  /// The alternate setting currently selected.
  var alternateSetting: UInt8 { get }

  /// A host → device control transfer; sends `data` (`setup.length` bytes).
  func controlOut(_ setup: SetupPacket, data: [UInt8], timeout: Duration) throws(TransportError)

  /// A device → host control transfer of up to `setup.length` bytes.
  /// Returns what the device sent, which may be shorter.
  func controlIn(_ setup: SetupPacket, timeout: Duration) throws(TransportError) -> [UInt8]

  /// SET_INTERFACE to another alternate setting of the claimed interface.
  func selectAlternateSetting(_ alternate: UInt8) throws(TransportError)

  /// USB port reset. The device re-enumerates; the transport is then unusable.
  func reset() throws(TransportError)

  /// Releases the interface and closes the device. Safe to call twice.
  func close()
}

/// A set of DFU devices that can be listed and opened: the USB bus through
/// libusb (``LibUSBBus``) or a bench of simulated boards (`DfuSeSimulator`).
public protocol DFUBus: AnyObject {
  /// Every DFU-class interface present now (a snapshot).
  func devices() throws(TransportError) -> [DFUDeviceInfo]

  /// Opens `device`, claims its DFU interface and selects `alternateSetting`.
  func open(_ device: DFUDeviceInfo, alternateSetting: UInt8) throws(TransportError) -> any DFUTransport
}
