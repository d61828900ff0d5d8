/// Loop mode's bookkeeping (`write --each-new`, issue 14): decides, poll by
/// poll, which boards were just plugged in. A port that appears is one plug
/// and is flashed once; a board that stays on the bus is not flashed again; a
/// board re-plugged on a port whose job still runs waits for that job (never
/// two jobs on one board at once) and is flashed after it. A new device address
/// on a port is a new enumeration, even when no poll saw the port empty.
///
/// A board that reappears on its port with the same serial soon after its job
/// made it leave DFU is not a new plug: its application did not start, or reset
/// into the ROM (BOOT0 held high by the jig and a crash or a watchdog; a file
/// built for another board). Flashing it again would repeat for ever and wear
/// its flash, so it is reported as a ``Return`` and left alone until unplugged.
public struct PlugTracker: Sendable {
  /// How soon after a leave a reappearance counts as the board coming back.
  public static let comeBackWindow: Duration = .seconds(10)

  /// A job's accepted leave: the board's serial and when (on the poll clock).
  public struct Leave: Sendable, Hashable {
    public var serialNumber: String?
    public var at: Duration
    public init(serialNumber: String?, at: Duration) {
      self.serialNumber = serialNumber
      self.at = at
    }
  }

  /// A board back in the bootloader `after` its leave (not flashed again).
  public struct Return: Sendable, Hashable {
    public var device: DFUDeviceInfo
    public var after: Duration
  }

  /// Port → device address of the last poll.
  private var present: [String: UInt8] = [:]
  private var running: Set<String> = []
  private var waiting: [String: (device: DFUDeviceInfo, seen: Duration?)] = [:]
  private var leaves: [String: Leave] = [:]
  private var returns: [Return] = []

  public init() {}

  /// The boards in `devices` (one poll of the bus) to start now, by port.
  /// - Parameter now: the poll clock's time; without it no reappearance is taken for a ``Return``.
  public mutating func poll(_ devices: [DFUDeviceInfo], at now: Duration? = nil) -> [DFUDeviceInfo] {
    let current = Dictionary(devices.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    var start: [DFUDeviceInfo] = []
    for port in current.keys.sorted() {
      let device = current[port]!
      if waiting[port] != nil { waiting[port]!.device = device }  // the newest enumeration
      guard present[port] != device.deviceAddress else { continue }
      if running.contains(port) {
        waiting[port] = (device, now)
      } else if let back = cameBack(device, seen: now) {
        returns.append(back)
      } else {
        running.insert(port)
        start.append(device)
      }
    }
    for port in waiting.keys where current[port] == nil { waiting[port] = nil }  // left again before its turn
    present = current.mapValues(\.deviceAddress)
    return start
  }

  /// The job on `port` ended (`left`: it made the board leave DFU). Returns the
  /// re-plug that waited for it (now started), if any and if it is not the board coming back.
  public mutating func finished(port: String, left: Leave? = nil) -> DFUDeviceInfo? {
    running.remove(port)
    if let left { leaves[port] = left }
    guard let replug = waiting.removeValue(forKey: port) else { return nil }
    if let back = cameBack(replug.device, seen: replug.seen ?? left?.at) {
      returns.append(back)
      return nil
    }
    running.insert(port)
    return replug.device
  }

  /// The boards that came back since the last call (each reported once).
  public mutating func takeReturns() -> [Return] {
    defer { returns.removeAll() }
    return returns
  }

  /// Ports with a job running now.
  public var busyPorts: Set<String> { running }

  /// A reappearance of the board that left from this port, or nil (a new plug).
  /// The leave is forgotten either way: the next plug on the port is flashed.
  private mutating func cameBack(_ device: DFUDeviceInfo, seen: Duration?) -> Return? {
    guard let leave = leaves.removeValue(forKey: device.path), let seen else { return nil }
    let after = seen - leave.at
    guard after <= Self.comeBackWindow, leave.serialNumber == device.serialNumber else { return nil }
    return Return(device: device, after: max(after, .zero))
  }
}
