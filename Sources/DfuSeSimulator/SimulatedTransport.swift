public import DfuSe

/// An open DFU interface of a ``SimulatedSTM32``: what ``SimulatedBus`` opens.
///
/// Requests travel as raw setup packets, and the board validates them as a
/// device would: `bmRequestType` 0x21/0xA1 (class, interface), `wIndex` 0,
/// otherwise STALL. The transport belongs to one enumeration of the board:
/// after a reset, a re-enumeration or a disconnect every call throws
/// ``TransportError/noDevice``, like a stale libusb handle.
public final class SimulatedTransport: DFUTransport {
  /// The board behind this transport.
  public let board: SimulatedSTM32
  /// The connection generation this transport was opened under.
  let generation: UInt64
  private var closed = false
  public private(set) var alternateSetting: UInt8 = 0

  init(board: SimulatedSTM32, generation: UInt64) {
    self.board = board
    self.generation = generation
  }

  /// The ROM's DFU interface is interface 0.
  public var interfaceNumber: UInt8 { 0 }

  /// The link's transfer time (``SimulatedUSBLink``) is spent on the board's clock;
  /// ``SimulatedUSBLink/instant`` (the default) costs nothing.
  public var link = SimulatedUSBLink.instant

  public func controlOut(_ setup: SetupPacket, data: [UInt8], timeout: Duration) throws(TransportError) {
    guard !closed else { throw .noDevice }
    board.clock.sleep(for: link.cost(bytes: data.count))
    _ = try board.transfer(setup, outData: data, generation: generation, timeout: timeout)
  }

  public func controlIn(_ setup: SetupPacket, timeout: Duration) throws(TransportError) -> [UInt8] {
    guard !closed else { throw .noDevice }
    let reply = try board.transfer(setup, outData: nil, generation: generation, timeout: timeout)
    board.clock.sleep(for: link.cost(bytes: reply.count))
    return reply
  }

  /// SET_INTERFACE: selects the memory map the ROM checks addresses against.
  /// - Throws: ``TransportError/notFound`` for an alternate the board lacks.
  public func selectAlternateSetting(_ alternate: UInt8) throws(TransportError) {
    guard !closed else { throw .noDevice }
    try board.selectAlternate(alternate, generation: generation)
    alternateSetting = alternate
  }

  /// USB port reset: the board re-enumerates (new device address, DFU state
  /// machine reset) and this transport becomes unusable.
  public func reset() throws(TransportError) {
    guard !closed else { throw .noDevice }
    try board.usbReset(generation: generation)
  }

  public func close() { closed = true }
}
