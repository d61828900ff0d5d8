import ArgumentParser
import DfuSe

/// `dfutui unprotect --yes`: Read Unprotect (AN3156 §5.4).
struct UnprotectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "unprotect",
    abstract: "Remove read protection (RDP 1 → 0). MASS-ERASES the flash; needs --yes.",
    discussion: """
      Sends READ_UNPROTECT. The ROM bootloader then erases the whole flash and the RAM, \
      resets the option bytes to factory defaults and resets the chip. dfutui waits for \
      the board to re-enumerate, finds it again by serial number and confirms RDP level 0.
      """)

  @OptionGroup var device: DeviceOptions
  @OptionGroup var ob: OptionByteOptions
  @Flag(help: "Confirm: the whole flash is erased.") var yes = false

  func run() throws {
    guard yes else {
      throw Exit.fail("unprotect removes read protection by MASS-ERASING the whole flash and resetting the option "
                      + "bytes to factory defaults. Nothing was sent. Add --yes to confirm", code: Exit.inputRejected)
    }
    let context = try DeviceContext(device)
    let controller = try ob.controller(context)
    Console.out("Read Unprotect: the flash and RAM will be erased, option bytes reset to defaults; the device resets.")
    let progress = ProgressReporter(clock: context.clock)
    let report: UnprotectReport
    do throws(JobError) {
      defer { progress.finishLine() }
      report = try UnprotectJob(controller: controller).run(events: { JobOutput.render($0, progress: progress) })
    } catch {
      try? context.saveSimulatorState()
      throw Exit.fail(error)
    }
    try context.saveSimulatorState()
    Console.out("Read protection removed in \(report.elapsed.secondsText): device re-enumerated, "
                + "RDP \(report.optionBytes.readProtection) confirmed by reading the option bytes back.")
  }
}
