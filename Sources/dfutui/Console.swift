import Foundation

/// Output helpers: results go to stdout, progress and diagnostics to stderr.
enum Console {
  static func out(_ line: String) {
    if stdoutReserved { status(line + "\n") } else { print(line) }
  }

  /// True while stdout carries data (`read -o -`) or the one `--json` object: human
  /// lines then go to stderr, so stdout stays parseable.
  nonisolated(unsafe) static var stdoutReserved = false

  /// Writes `text` to stdout even when it is reserved (the data or JSON itself).
  static func data(_ text: String) {
    print(text)
  }

  /// A diagnostic line on stderr, prefixed with "dfutui: ".
  static func error(_ line: String) {
    status("dfutui: " + line + "\n")
  }

  /// Writes `text` to stderr as is (progress lines, carriage returns).
  static func status(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }

  static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
