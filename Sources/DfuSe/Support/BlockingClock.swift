import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A monotonic clock the I/O loop sleeps on. Injected so tests and the
/// simulator can run hours of device time in milliseconds (swift-nio's
/// `EmbeddedEventLoop` lesson).
public protocol BlockingClock: AnyObject, Sendable {
  /// Time since an arbitrary fixed origin; never goes backwards.
  var now: Duration { get }
  /// Blocks the calling thread for `duration` (returns at once for ≤ 0).
  func sleep(for duration: Duration)
}

/// The real monotonic clock (`CLOCK_MONOTONIC`) with real sleeps.
public final class SystemClock: BlockingClock {
  public init() {}

  public var now: Duration {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return .seconds(Int64(ts.tv_sec)) + .nanoseconds(Int64(ts.tv_nsec))
  }

  public func sleep(for duration: Duration) {
    guard duration > .zero else { return }
    let (seconds, attoseconds) = duration.components
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
  }
}

/// A clock whose time moves only when someone sleeps on it: sleeping advances
/// it at once. Used by tests and by the simulator's "instant" mode.
public final class VirtualClock: BlockingClock {
  private let time: Mutex<Duration>

  public init(start: Duration = .zero) { time = Mutex(start) }

  public var now: Duration { time.withLock { $0 } }

  public func sleep(for duration: Duration) {
    guard duration > .zero else { return }
    time.withLock { $0 += duration }
  }

  /// Moves time forward without anybody sleeping.
  public func advance(by duration: Duration) { sleep(for: duration) }
}
