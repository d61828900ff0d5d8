import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ctrl-C during a device job: the first one asks the job to stop between two
/// USB transfers (never inside one), so the device is left in DFU mode and a
/// rerun with `--diff` resumes; a second one exits at once.
enum Interrupt {
  private static let requested = Atomic<Bool>(false)

  static var wasRequested: Bool { requested.load(ordering: .relaxed) }

  /// Installs the handler (call once, before the job starts).
  static func install() {
    // A parent may hand down SIGINT blocked (the mask survives exec): unblock it.
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigprocmask(SIG_UNBLOCK, &set, nil)
    signal(SIGINT) { _ in
      Interrupt.requested.store(true, ordering: .relaxed)
      signal(SIGINT, SIG_DFL)  // a second Ctrl-C ends the process
    }
  }
}
