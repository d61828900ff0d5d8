/// Who a board on a production bench is: its USB port path first, its serial
/// number second. The port is stable across power cycles and re-enumeration;
/// the serial is not always (some ROMs, e.g. the STM32L496's, report a new
/// serial after every power cycle — issue 14), so two sightings on the same
/// port are the same board even when the serials differ.
public struct BoardIdentity: Hashable, Sendable, CustomStringConvertible {
  /// `BUS-PORT[.PORT…]` (``DFUDeviceInfo/path``).
  public var portPath: String
  /// The USB serial number, when the device reported one.
  public var serialNumber: String?

  public init(portPath: String, serialNumber: String?) {
    self.portPath = portPath
    self.serialNumber = serialNumber
  }

  public init(_ device: DFUDeviceInfo) {
    self.init(portPath: device.path, serialNumber: device.serialNumber)
  }

  /// True when `other` is the same physical board: same port (whatever the
  /// serial says); on a port that is not known (`BUS-0`), the same serial.
  public func isSameBoard(as other: BoardIdentity) -> Bool {
    if Self.portIsKnown(portPath) && Self.portIsKnown(other.portPath) { return portPath == other.portPath }
    guard let serialNumber, let theirs = other.serialNumber else { return false }
    return serialNumber == theirs
  }

  /// The port path, as output lines are prefixed with it: `[1-2]`.
  public var description: String { portPath }

  static func portIsKnown(_ path: String) -> Bool { !path.hasSuffix("-0") }
}
