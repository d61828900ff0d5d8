internal import CNcurses

/// Facts about the curses library dfutui is linked against. The full-screen
/// front end lives in this module; this is the one file that imports CNcurses.
public enum TerminalInfo {
  /// The ncurses version string, e.g. `ncurses 6.4.20221231`.
  public static var cursesVersion: String { String(cString: curses_version()) }
}
