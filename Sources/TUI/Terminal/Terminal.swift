#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// How many colours the terminal shows (`NO_COLOR`, `TERM=vt100` → none).
public enum ColorDepth: Hashable, Sendable {
  case none, ansi8, xterm256
}

/// A screen the app draws on and reads input from: the curses backend on a
/// real terminal, ``HeadlessTerminal`` in tests (ratatui's `Backend`).
public protocol Terminal: AnyObject {
  var width: Int { get }
  var height: Int { get }
  var colorDepth: ColorDepth { get }
  var glyphs: Glyphs { get }
  /// Shows `buffer`, writing only the cells that changed since the last frame.
  func draw(_ buffer: ScreenBuffer)
  /// Blocks until input arrives, `wakeFD` becomes readable, or `timeout`
  /// passes (no busy loop); returns the decoded input (possibly none).
  func waitForInput(timeout: Duration, wakeFD: Int32) -> [TerminalInput]
  /// Gives the terminal back to the shell, stops the process (Ctrl-Z), and
  /// takes it again on resume with a full redraw.
  func suspend()
  /// Restores the terminal (idempotent): normal mode, cursor, main screen.
  func restore()
  /// Rings the terminal's bell `count` times (a batch board ended).
  func bell(count: Int)
}

/// An in-memory terminal for tests and benchmarks: input is scripted,
/// frames are kept, and the cells each draw changed are counted.
public final class HeadlessTerminal: Terminal {
  public private(set) var width: Int
  public private(set) var height: Int
  public let colorDepth: ColorDepth
  public let glyphs: Glyphs
  public private(set) var screen: ScreenBuffer
  public private(set) var frames = 0
  public private(set) var lastChangedCells = 0
  public var pendingInput: [TerminalInput] = []
  public private(set) var restored = false
  public private(set) var suspensions = 0
  /// Every ``bell(count:)`` call's count, in order.
  public private(set) var bells: [Int] = []

  public init(width: Int, height: Int, colorDepth: ColorDepth = .xterm256, glyphs: Glyphs = .unicode) {
    self.width = width
    self.height = height
    self.colorDepth = colorDepth
    self.glyphs = glyphs
    screen = ScreenBuffer(width: width, height: height, glyphs: glyphs)
  }

  public func draw(_ buffer: ScreenBuffer) {
    let previous: ScreenBuffer? = frames == 0 ? nil : screen
    lastChangedCells = buffer.changes(since: previous).count
    screen = buffer
    frames += 1
  }

  /// Returns the scripted input at once; with none, sleeps on `wakeFD` like a real terminal would.
  public func waitForInput(timeout: Duration, wakeFD: Int32) -> [TerminalInput] {
    if pendingInput.isEmpty && wakeFD >= 0 {
      var fd = pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)
      let ms = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
      _ = poll(&fd, 1, max(0, ms))
    }
    defer { pendingInput = [] }
    return pendingInput
  }

  /// Simulates a resize (as SIGWINCH would).
  public func resize(width: Int, height: Int) {
    self.width = width
    self.height = height
    pendingInput.append(.resize(width: width, height: height))
  }

  public func suspend() { suspensions += 1 }
  public func bell(count: Int) { bells.append(count) }
  public func restore() { restored = true }
}
