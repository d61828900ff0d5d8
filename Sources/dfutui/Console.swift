import Foundation

/// Output helpers: results go to stdout, progress and diagnostics to stderr.
enum Console {
  static func out(_ line: String) {
    print(line)
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
