public import DfuSe
import Synchronization

/// A bench of simulated boards on USB bus 1: board *i* sits on port *i* + 1.
///
/// Thread-safe (a production bench runs one job per board on its own thread,
/// issue 14): the board list is fixed, each board guards its own state, and
/// the link setting sits behind a lock.
public final class SimulatedBus: DFUBus, Sendable {
  public let boards: [SimulatedSTM32]
  private let linkSetting = Mutex(SimulatedUSBLink.instant)
  /// USB transfer time given to every transport this bus opens (none by default).
  public var link: SimulatedUSBLink {
    get { linkSetting.withLock { $0 } }
    set { linkSetting.withLock { $0 = newValue } }
  }

  public init(boards: [SimulatedSTM32]) {
    self.boards = boards
    for (index, board) in boards.enumerated() { board.setPort(UInt8(truncatingIfNeeded: index + 1)) }
  }

  /// The boards enumerated now (boards off the bus are left out).
  public func devices() -> [DFUDeviceInfo] {
    boards.compactMap(\.deviceInfo)
  }

  /// The board `device` describes: same path (bus-port), else same serial number.
  public func board(for device: DFUDeviceInfo) -> SimulatedSTM32? {
    let infos = boards.map { ($0, $0.deviceInfo) }
    if let match = infos.first(where: { $0.1?.path == device.path
      && (device.serialNumber == nil || $0.1?.serialNumber == device.serialNumber) }) {
      return match.0
    }
    if let serial = device.serialNumber, let match = boards.first(where: { $0.serialNumber == serial }) {
      return match
    }
    return boards.indices.contains(Int(device.portNumbers.first ?? 0) - 1) && device.busNumber == 1
      ? boards[Int(device.portNumbers[0]) - 1] : nil
  }

  /// Opens the board `device` describes and selects `alternateSetting`.
  /// - Throws: ``TransportError/notFound`` when no board matches,
  ///   ``TransportError/noDevice`` when it is off the bus.
  public func open(_ device: DFUDeviceInfo, alternateSetting: UInt8) throws(TransportError) -> any DFUTransport {
    try openSimulated(device, alternateSetting: alternateSetting)
  }

  /// ``open(_:alternateSetting:)`` with the concrete transport type.
  public func openSimulated(_ device: DFUDeviceInfo, alternateSetting: UInt8 = 0) throws(TransportError)
    -> SimulatedTransport {
    guard let board = board(for: device) else { throw .notFound }
    let transport = try board.open(alternateSetting: alternateSetting)
    transport.link = link
    return transport
  }
}
