import ArgumentParser
import DfuSe

/// How the library's job events and reports look on the terminal.
enum JobOutput {
  /// Progress to the progress line; notices and warnings to stderr.
  static func render(_ event: JobEvent, progress: ProgressReporter) {
    switch event {
    case .progress(let p): progress.update(p)
    case .notice(let text):
      progress.finishLine()
      Console.error("note: " + text)
    case .warning(let text):
      progress.finishLine()
      Console.error("warning: " + text)
    case .backupSaved(let path, let bytes):
      progress.finishLine()
      Console.error("Backed up \(bytes) bytes of the sectors about to be erased to \(path).")
    }
  }

  /// The result of a leave, on stdout.
  static func print(_ r: LeaveReport, chip: ChipProfile) {
    let target = hex32(r.target)
    if !r.check.isBootable {
      Console.out("Left DFU mode towards \(target); the device disconnected. With no valid vector table the ROM "
                  + "usually resets, so the board may come back in the bootloader (`dfutui list`).")
      return
    }
    Console.out("Left DFU mode: jumped to the application at \(target) (stack \(hex32(r.check.stackPointer)), "
                + "reset \(hex32(r.check.resetVector))); the device disconnected.")
    if chip.errata.contains(.emptyCheck) {
      Console.out("note: on this family a first flash may re-enter the bootloader until a power cycle.")
    }
  }
}

extension Exit {
  /// Maps a job failure to its message and exit code.
  static func fail(_ error: JobError) -> ExitCode {
    switch error {
    case .rejected(let why): return fail(why, code: inputRejected)
    case .usage(let why): return fail(why, code: usage)
    case .output(let why): return fail(why, code: outputFailed)
    case .device(let why): return fail(why, code: deviceError)
    case .readProtected: return fail(error.description, code: deviceError)
    case .writeProtected: return fail(error.description, code: inputRejected)
    case .notBootable: return fail(error.description, code: notBootable)
    case .leaveNotAccepted: return fail(error.description, code: deviceError)
    case .flash(let e): return fail(e)
    case .optionBytes(let e): return fail(e)
    case .deviceLost: return fail(error.description, code: deviceError)
    }
  }
}
