/// Loop mode's bookkeeping (`write --each-new`, issue 14): decides, poll by
/// poll, which boards were just plugged in. A port that appears is one plug
/// and is flashed once; a board that stays on the bus is not flashed again; a
/// board re-plugged on a port whose job still runs waits for that job (never
/// two jobs on one board at once) and is flashed after it.
public struct PlugTracker: Sendable {
  private var present: Set<String> = []
  private var running: Set<String> = []
  private var waiting: [String: DFUDeviceInfo] = [:]

  public init() {}

  /// The boards in `devices` (one poll of the bus) to start now, by port.
  public mutating func poll(_ devices: [DFUDeviceInfo]) -> [DFUDeviceInfo] {
    let now = Dictionary(devices.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    var start: [DFUDeviceInfo] = []
    for port in now.keys.sorted() {
      let device = now[port]!
      if waiting[port] != nil { waiting[port] = device }  // the newest enumeration
      guard !present.contains(port) else { continue }
      if running.contains(port) {
        waiting[port] = device
      } else {
        running.insert(port)
        start.append(device)
      }
    }
    for port in waiting.keys where now[port] == nil { waiting[port] = nil }  // left again before its turn
    present = Set(now.keys)
    return start
  }

  /// The job on `port` ended. Returns the re-plug that waited for it (now started), if any.
  public mutating func finished(port: String) -> DFUDeviceInfo? {
    running.remove(port)
    guard let device = waiting.removeValue(forKey: port) else { return nil }
    running.insert(port)
    return device
  }

  /// Ports with a job running now.
  public var busyPorts: Set<String> { running }
}
