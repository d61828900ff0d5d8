import ArgumentParser
import DfuSe

/// dfutui's documented exit codes (see `dfutui --help`).
enum Exit {
  static let deviceError: Int32 = 1
  static let verifyFailed: Int32 = 2
  static let noDevice: Int32 = 3
  static let permission: Int32 = 4
  static let notBootable: Int32 = 5
  static let usage: Int32 = 64
  static let inputRejected: Int32 = 65
  static let outputFailed: Int32 = 74
  static let interrupted: Int32 = 130

  /// Prints `message` to stderr prefixed with "dfutui: error:" (and, with `--json`, the error
  /// object on stdout) and returns the exit to throw.
  static func fail(_ message: String, code: Int32) -> ExitCode {
    Console.error("error: " + message)
    JSONOutput.fail(code: code, message: message)
    return ExitCode(code)
  }

  /// Maps a flash-job failure to its message and exit code.
  static func fail(_ error: FlashError) -> ExitCode {
    switch error {
    case .plan(let e): return fail(e.description, code: inputRejected)
    case .device(.verifyFailed): return fail(error.description, code: verifyFailed)
    case .device(.transport(.accessDenied, _)): return fail(error.description, code: permission)
    case .device(.cancelled):
      return fail("interrupted (Ctrl-C) between two USB transfers; the device is still in DFU mode. "
                  + "Rerun the same command with --diff to finish (with --backup, name a new file: the first backup "
                  + "holds what was on the board before)", code: interrupted)
    case .device(let e): return fail(e.description, code: deviceError)
    case .aborted: return fail(error.description, code: outputFailed)
    }
  }

  static func fail(_ error: TransportError) -> ExitCode {
    fail(error.description, code: error == .accessDenied ? permission : deviceError)
  }
}
