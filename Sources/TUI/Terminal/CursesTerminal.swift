internal import CNcurses
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Facts about the curses library dfutui is linked against.
public enum TerminalInfo {
  /// The ncurses version string, e.g. `ncurses 6.4.20221231`.
  public static var cursesVersion: String { String(cString: curses_version()) }
}

/// Why the TUI cannot start on this terminal.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
  public let description: String
}

/// Signal numbers the handler saw, delivered through a pipe (the only
/// async-signal-safe way out of a handler).
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1

private func forwardSignal(_ signal: Int32) {
  var byte = UInt8(truncatingIfNeeded: signal)
  _ = write(signalPipeWrite, &byte, 1)
}

/// The ncurses backend: the one file of the module that imports CNcurses.
/// Raw mode (Ctrl-C and Ctrl-Z arrive as keys), keypad and mouse decoding,
/// colour pairs made on demand, ASCII glyphs when the locale is not UTF-8,
/// SIGINT/SIGTERM/SIGHUP through a self-pipe, and only changed cells written.
public final class CursesTerminal: Terminal {
  public private(set) var width = 0
  public private(set) var height = 0
  public let colorDepth: ColorDepth
  public let glyphs: Glyphs
  private var previous: ScreenBuffer?
  private var pairs: [Int: Int16] = [:]
  private var maxPairs = 0
  private var active = true
  /// Rings still owed by ``bell(count:)`` and when the next is due (never a sleep on the UI thread).
  private var owedBells = 0
  private var nextBellAt: ContinuousClock.Instant?
  private let signalRead: Int32
  /// The terminal's foreground process group before we took it (nil when it was already ours).
  private var previousForeground: pid_t?

  /// Takes over the terminal. Honors `NO_COLOR` and the terminal's colour count.
  /// - Throws: ``TerminalError`` when curses cannot drive `TERM` (e.g. `dumb`).
  public init(environment: [String: String]) throws(TerminalError) {
    setlocale(LC_ALL, "")
    let codeset = String(cString: cnc_codeset())
    glyphs = codeset.uppercased().filter { $0 != "-" } == "UTF8" ? .unicode : .ascii
    set_escdelay(25)
    previousForeground = Self.takeForeground()
    guard cnc_newterm() != nil else {
      throw TerminalError(description: "this terminal (TERM=\(environment["TERM"] ?? "unset")) cannot be driven by curses")
    }
    if tigetstr("cup").map({ Int(bitPattern: $0) <= 0 }) ?? true {
      endwin()
      throw TerminalError(description: "this terminal (TERM=\(environment["TERM"] ?? "unset")) cannot move the cursor")
    }
    raw()
    noecho()
    nonl()
    keypad(cnc_stdscr(), true)
    nodelay(cnc_stdscr(), true)
    curs_set(0)
    mousemask(cnc_mouse_mask(), nil)
    mouseinterval(0)
    let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
    if !noColor && has_colors() {
      start_color()
      use_default_colors()
      colorDepth = cnc_colors() >= 256 ? .xterm256 : .ansi8
      maxPairs = Int(cnc_color_pairs())
    } else {
      colorDepth = .none
    }
    var fds: [Int32] = [0, 0]
    _ = pipe(&fds)
    signalRead = fds[0]
    signalPipeWrite = fds[1]
    _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
    _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
    for s in [SIGINT, SIGTERM, SIGHUP] { signal(s) { forwardSignal($0) } }
    updateSize()
  }

  deinit { restore() }

  /// A wrapper may start us in a background process group (Foundation's Process
  /// does, e.g. under `dfutui simulate`); setting the terminal modes from there
  /// stops the whole group with SIGTTOU. Take the foreground, as a shell would,
  /// and give it back in ``restore()``.
  private static func takeForeground() -> pid_t? {
    let foreground = tcgetpgrp(0)
    let ours = getpgrp()
    guard foreground > 0, foreground != ours else { return nil }
    let old = signal(SIGTTOU, SIG_IGN)
    defer { signal(SIGTTOU, old) }
    return tcsetpgrp(0, ours) == 0 ? foreground : nil
  }

  private func updateSize() {
    var y: Int32 = 0, x: Int32 = 0
    cnc_getmaxyx(cnc_stdscr(), &y, &x)
    height = Int(y)
    width = Int(x)
  }

  public func draw(_ buffer: ScreenBuffer) {
    guard active else { return }
    let changes = buffer.changes(since: previous)
    previous = buffer
    var i = 0
    while i < changes.count {
      // One run: consecutive cells of one row with one style.
      let first = changes[i]
      let ascii = glyphs == .ascii
      var text = ascii ? Glyphs.asciiFallback(first.cell.symbol) : first.cell.symbol
      var j = i + 1
      var nextX = first.x + max(1, first.cell.symbol.terminalWidth)
      while j < changes.count, changes[j].y == first.y, changes[j].x == nextX || changes[j].cell.symbol.isEmpty,
            changes[j].cell.style == first.cell.style {
        text += ascii ? Glyphs.asciiFallback(changes[j].cell.symbol) : changes[j].cell.symbol
        nextX = changes[j].x + max(1, changes[j].cell.symbol.terminalWidth)
        j += 1
      }
      apply(first.cell.style)
      wmove(cnc_stdscr(), Int32(first.y), Int32(first.x))
      waddnstr(cnc_stdscr(), text, -1)
      i = j
    }
    wnoutrefresh(cnc_stdscr())
    doupdate()
  }

  private func apply(_ style: Style) {
    var attrs: attr_t = 0
    if style.attributes.contains(.bold) { attrs |= cnc_a_bold() }
    if style.attributes.contains(.dim) { attrs |= cnc_a_dim() }
    if style.attributes.contains(.reverse) { attrs |= cnc_a_reverse() }
    if style.attributes.contains(.underline) { attrs |= cnc_a_underline() }
    _ = cnc_wattr_set(cnc_stdscr(), attrs, pair(style.fg, style.bg))
  }

  /// The colour pair for fg/bg, made on first use (-1 is the terminal default).
  private func pair(_ fg: Color, _ bg: Color) -> Int16 {
    func number(_ c: Color) -> Int {
      switch colorDepth {
      case .none: return -1
      case .ansi8: return c.ansi8 ?? -1
      case .xterm256: return c.index256 ?? -1
      }
    }
    let f = number(fg), b = number(bg)
    if f == -1 && b == -1 { return 0 }
    let key = (f + 1) * 512 + (b + 1)
    if let p = pairs[key] { return p }
    guard pairs.count + 1 < maxPairs else { return 0 }
    let p = Int16(pairs.count + 1)
    init_pair(p, Int16(f), Int16(b))
    pairs[key] = p
    return p
  }

  public func waitForInput(timeout: Duration, wakeFD: Int32) -> [TerminalInput] {
    guard active else { return [] }
    var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
               pollfd(fd: signalRead, events: Int16(POLLIN), revents: 0),
               pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
    var ms = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
    if let due = nextBellAt {
      let left = ContinuousClock.now.duration(to: due)
      ms = min(ms, Int32(clamping: max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)))
    }
    _ = poll(&fds, nfds_t(wakeFD >= 0 ? 3 : 2), max(0, ms))
    ringOwedBell()
    var out: [TerminalInput] = []
    var byte: UInt8 = 0
    while read(signalRead, &byte, 1) == 1 { out.append(.signal(Int32(byte))) }
    // Drain curses (also after EINTR: SIGWINCH turns into KEY_RESIZE here).
    while true {
      var ch: wint_t = 0
      let r = wget_wch(cnc_stdscr(), &ch)
      if r == cnc_err() { break }
      if r == KEY_CODE_YES {
        if let input = decodeKeyCode(Int32(ch)) { out.append(input) }
      } else if let scalar = Unicode.Scalar(UInt32(ch)) {
        if scalar.value < 128, let key = Key.fromByte(UInt8(scalar.value)) {
          out.append(.key(key))
        } else if scalar.value >= 128 {
          out.append(.key(.char(Character(scalar))))
        }
      }
    }
    return out
  }

  private func decodeKeyCode(_ code: Int32) -> TerminalInput? {
    switch code {
    case KEY_UP: return .key(.up)
    case KEY_DOWN: return .key(.down)
    case KEY_LEFT: return .key(.left)
    case KEY_RIGHT: return .key(.right)
    case KEY_PPAGE: return .key(.pageUp)
    case KEY_NPAGE: return .key(.pageDown)
    case KEY_HOME: return .key(.home)
    case KEY_END: return .key(.end)
    case KEY_ENTER: return .key(.enter)
    case KEY_BACKSPACE: return .key(.backspace)
    case KEY_DC: return .key(.delete)
    case KEY_BTAB: return .key(.backTab)
    case KEY_RESIZE:
      updateSize()
      previous = nil
      return .resize(width: width, height: height)
    case KEY_MOUSE:
      var event = MEVENT()
      guard getmouse(&event) == cnc_ok() else { return nil }
      let kind: MouseEvent.Kind
      if cnc_wheel_up(event.bstate) != 0 { kind = .wheelUp } else if cnc_wheel_down(event.bstate) != 0 { kind = .wheelDown }
      else if cnc_button1(event.bstate) != 0 { kind = .click } else { return nil }
      return .mouse(MouseEvent(kind, x: Int(event.x), y: Int(event.y)))
    default:
      for n in 1...12 where code == cnc_key_f(Int32(n)) { return .key(.function(n)) }
      return nil
    }
  }

  public func suspend() {
    guard active else { return }
    endwin()
    signal(SIGTSTP, SIG_DFL)
    kill(getpid(), SIGTSTP)
    // Resumed (SIGCONT): take the terminal again and redraw everything.
    refresh()
    updateSize()
    previous = nil
    clearok(cnc_stdscr(), true)
  }

  /// curses' `beep()` (the audible bell, or the visible one where the terminal has none);
  /// a failure's second ring comes 150 ms later so the two are heard apart. The later rings
  /// are rung from ``waitForInput(timeout:wakeFD:)``, which wakes for them: the UI never sleeps.
  public func bell(count: Int) {
    guard active, count > 0 else { return }
    beep()
    owedBells = min(owedBells + count - 1, 3)  // boards failing together: a few rings, not a long tail
    if owedBells > 0 && nextBellAt == nil { nextBellAt = .now + Self.bellGap }
  }

  static let bellGap: Duration = .milliseconds(150)

  /// Rings one owed bell if it is due.
  private func ringOwedBell() {
    guard let due = nextBellAt, ContinuousClock.now >= due else { return }
    beep()
    owedBells -= 1
    nextBellAt = owedBells > 0 ? .now + Self.bellGap : nil
  }

  public func restore() {
    guard active else { return }
    active = false
    curs_set(1)
    endwin()
    for s in [SIGINT, SIGTERM, SIGHUP] { signal(s, SIG_DFL) }
    if let previousForeground {
      let old = signal(SIGTTOU, SIG_IGN)
      _ = tcsetpgrp(0, previousForeground)
      signal(SIGTTOU, old)
    }
  }
}
