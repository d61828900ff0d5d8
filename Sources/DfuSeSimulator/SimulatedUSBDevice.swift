public import DfuSe

/// A ``SimulatedSTM32`` seen as a whole USB device, as a kernel's usbfs would
/// see it: what `dfutui simulate` serves to real libusb programs through
/// umockdev (see `scripts/umockdev-usb-bridge.py`).
///
/// - Chapter 9 standard requests (USB 2.0 §9.4: GET_DESCRIPTOR, GET_STATUS,
///   GET/SET_CONFIGURATION, GET/SET_INTERFACE) are answered here from the
///   board's descriptors; anything else standard or vendor-specific STALLs.
/// - Class requests go to a ``SimulatedTransport`` of the current enumeration,
///   which validates them like the ROM does.
/// - Every call names the device address the host is talking to. Once the
///   board has left the bus or re-enumerated under another address, calls for
///   the old address throw ``TransportError/noDevice``, like a stale usbfs fd.
public final class SimulatedUSBDevice {
  public let board: SimulatedSTM32
  private var transport: SimulatedTransport?
  private var transportAddress: UInt8?

  public init(board: SimulatedSTM32) { self.board = board }

  /// One enumeration as sysfs shows it.
  public struct Enumeration: Equatable, Sendable {
    public var busNumber: UInt8
    public var portNumber: UInt8
    public var deviceAddress: UInt8
    /// The sysfs `descriptors` attribute: device descriptor, then the full
    /// configuration descriptor (Linux `drivers/usb/core/sysfs.c`, read by
    /// libusb's `linux_usbfs.c`).
    public var descriptors: [UInt8]
  }

  /// The current enumeration; nil while the board is off the bus.
  public var enumeration: Enumeration? {
    guard let info = board.deviceInfo else { return nil }
    return Enumeration(busNumber: info.busNumber, portNumber: info.portNumbers.first ?? 1,
                       deviceAddress: info.deviceAddress,
                       descriptors: board.deviceDescriptor + board.configurationDescriptor)
  }

  /// One control transfer on endpoint 0 to the device at `address`.
  /// Returns the IN data (empty for OUT transfers).
  /// - Throws: ``TransportError/stall`` for a request the device refuses,
  ///   ``TransportError/noDevice`` when `address` is not on the bus.
  public func control(_ setup: SetupPacket, data: [UInt8], address: UInt8,
                      timeout: Duration) throws(TransportError) -> [UInt8] {
    switch setup.requestType & 0x60 {
    case 0x00:
      return try standard(setup, address: address)
    case 0x20:
      let transport = try current(address)
      if setup.isDeviceToHost { return try transport.controlIn(setup, timeout: timeout) }
      try transport.controlOut(setup, data: data, timeout: timeout)
      return []
    default:
      _ = try current(address)
      throw .stall
    }
  }

  /// SET_INTERFACE (USB 2.0 §9.4.10): interface 0 only.
  public func setInterface(_ interface: UInt8, alternate: UInt8, address: UInt8) throws(TransportError) {
    let transport = try current(address)
    guard interface == 0 else { throw .stall }
    do { try transport.selectAlternateSetting(alternate) } catch .notFound { throw .stall }
  }

  /// A USB port reset of the device at `address`: the board re-enumerates
  /// under a new address (the old one answers ``TransportError/noDevice``).
  public func reset(address: UInt8) throws(TransportError) {
    try current(address).reset()
    transport = nil
    transportAddress = nil
  }

  /// The transport of the enumeration at `address`, opened on first use.
  private func current(_ address: UInt8) throws(TransportError) -> SimulatedTransport {
    guard let info = board.deviceInfo, info.deviceAddress == address else { throw .noDevice }
    if let transport, transportAddress == address { return transport }
    transport?.close()
    let opened = try board.open(alternateSetting: board.alternateSetting)
    transport = opened
    transportAddress = address
    return opened
  }

  /// Chapter 9 standard requests (USB 2.0 §9.4, Table 9-3).
  private func standard(_ setup: SetupPacket, address: UInt8) throws(TransportError) -> [UInt8] {
    let transport = try current(address)
    let reply: [UInt8]
    switch (setup.requestType, setup.request) {
    case (0x80, 0x06):  // GET_DESCRIPTOR (§9.4.3)
      let index = UInt8(setup.value & 0xFF)
      switch setup.value >> 8 {
      case 1: reply = board.deviceDescriptor
      case 2 where index == 0: reply = board.configurationDescriptor
      case 3:
        guard let string = board.stringDescriptor(index: index) else { throw .stall }
        reply = string
      default: throw .stall
      }
    case (0x80, 0x00), (0x81, 0x00), (0x82, 0x00):  // GET_STATUS (§9.4.5)
      reply = [0, 0]
    case (0x80, 0x08):  // GET_CONFIGURATION (§9.4.2)
      reply = [1]
    case (0x00, 0x09):  // SET_CONFIGURATION (§9.4.7): configuration 1 only
      guard setup.value == 1 else { throw .stall }
      reply = []
    case (0x81, 0x0A):  // GET_INTERFACE (§9.4.4)
      guard setup.index == 0 else { throw .stall }
      reply = [transport.alternateSetting]
    case (0x01, 0x0B):  // SET_INTERFACE (§9.4.10)
      try setInterface(UInt8(truncatingIfNeeded: setup.index), alternate: UInt8(truncatingIfNeeded: setup.value),
                       address: address)
      reply = []
    default:
      throw .stall
    }
    return Array(reply.prefix(Int(setup.length)))
  }
}
