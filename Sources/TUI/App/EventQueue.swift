internal import Synchronization
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The signals the UI thread handles (resize, Ctrl-C from outside, quit, hang-up, stop, continue).
let terminalSignals: [Int32] = [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT]

/// Sets whether this thread receives the terminal signals: the UI thread
/// unblocks them (a parent may have blocked them: some test runners do),
/// worker threads block them so they always interrupt the UI thread's poll.
func receiveTerminalSignals(_ receive: Bool) {
  var set = sigset_t()
  sigemptyset(&set)
  for s in terminalSignals { sigaddset(&set, s) }
  pthread_sigmask(receive ? SIG_UNBLOCK : SIG_BLOCK, &set, nil)
}

/// Events posted from worker threads to the UI thread. Posting writes a
/// byte to a pipe the run loop polls together with the terminal, so the UI
/// sleeps until input, an event, or the next tick (the self-pipe trick).
public final class EventQueue: Sendable {
  private let events = Mutex<[Event]>([])
  public let readFD: Int32
  private let writeFD: Int32

  public init() {
    var fds: [Int32] = [-1, -1]
    _ = pipe(&fds)
    readFD = fds[0]
    writeFD = fds[1]
    _ = fcntl(readFD, F_SETFL, O_NONBLOCK)
    _ = fcntl(writeFD, F_SETFL, O_NONBLOCK)
  }

  deinit {
    close(readFD)
    close(writeFD)
  }

  /// Adds `event` and wakes the run loop (any thread).
  public func post(_ event: Event) {
    let wasEmpty = events.withLock { list in
      list.append(event)
      return list.count == 1
    }
    if wasEmpty {
      var byte: UInt8 = 1
      _ = write(writeFD, &byte, 1)
    }
  }

  /// Takes every pending event (UI thread).
  public func drain() -> [Event] {
    var buffer = [UInt8](repeating: 0, count: 64)
    while read(readFD, &buffer, 64) > 0 {}
    return events.withLock { list in
      defer { list = [] }
      return list
    }
  }
}
