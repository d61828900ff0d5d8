/// Time a control transfer takes on a USB full-speed link, so simulated runs
/// account for transfer time as well as flash time [E, field-notes §4]:
/// a fixed cost for the setup and status stages and host scheduling, plus the
/// data stage at 19 × 64-byte packets per 1 ms frame (≈ 1.2 MB/s).
public struct SimulatedUSBLink: Hashable, Sendable {
  /// Setup + status stages and scheduling, per control transfer.
  public var perTransfer: Duration
  /// Data-stage throughput in bytes per second.
  public var bytesPerSecond: Int

  public init(perTransfer: Duration, bytesPerSecond: Int) {
    self.perTransfer = perTransfer
    self.bytesPerSecond = bytesPerSecond
  }

  /// USB 2.0 full speed, as a good host drives EP0.
  public static let fullSpeed = SimulatedUSBLink(perTransfer: .microseconds(250), bytesPerSecond: 19 * 64 * 1000)

  /// No link time at all (unit tests that count device time exactly).
  public static let instant = SimulatedUSBLink(perTransfer: .zero, bytesPerSecond: Int.max)

  /// How long a control transfer moving `bytes` of data takes.
  public func cost(bytes: Int) -> Duration {
    guard bytesPerSecond < Int.max else { return perTransfer }
    return perTransfer + .nanoseconds(Int64(bytes) * 1_000_000_000 / Int64(max(1, bytesPerSecond)))
  }
}
