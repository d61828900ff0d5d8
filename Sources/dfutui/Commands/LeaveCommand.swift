import ArgumentParser
import DfuSe

/// `dfutui leave`: check the vector table, then jump from the ROM bootloader to the application.
struct LeaveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "leave",
    abstract: "Check the application's vector table, then leave DFU mode and start it.",
    discussion: """
      Leave is a jump, not a reset: the ROM loads the stack pointer and reset vector from the \
      vector table at --address (default: the start of flash) and jumps there. dfutui first \
      reads that vector table and refuses (exit 5) unless the stack pointer lies in SRAM and \
      the reset vector points into flash with the Thumb bit set; --force leaves anyway. The \
      address is always set right before leaving, so the ROM never jumps into the middle of \
      the image. Peripherals stay as the bootloader left them; a power cycle gives a clean start.
      """)

  @OptionGroup var device: DeviceOptions
  @Option(parsing: .unconditional, help: "Address of the application's vector table (default: start of flash).",
          transform: Address.parse) var address: Address?
  @Flag(help: "Leave even if the vector table does not look bootable.") var force = false
  @Flag(help: "Print the result as JSON on standard output (README: JSON output).") var json = false

  func run() throws {
    JSONOutput.begin("leave", enabled: json)
    let context = try DeviceContext(device)
    let info = try context.selectDevice()
    JSONOutput.device = info
    let alt = try device.alternate(on: info)
    _ = try context.memoryMap(of: info, alternate: alt)  // its errors carry the CLI's exit codes
    let identity = try device.identify(info)
    let report: LeaveReport, chip: ChipProfile
    do throws(JobError) {
      let job = try LeaveJob.prepare(device: info, chip: identity.profile, bus: context.bus, clock: context.clock,
                                     logger: context.logger, alternate: alt, target: address?.value)
      chip = job.chip
      report = try job.run(confirmed: force, events: { JobOutput.render($0, progress: ProgressReporter(clock: context.clock)) })
    } catch {
      try? context.saveSimulatorState()
      throw Exit.fail(error)
    }
    try context.saveSimulatorState()
    JobOutput.print(report, chip: chip)
    if json { JSONOutput.succeed(LeaveResult(report)) }
  }

  /// What `leave` did; the `result` of `leave --json` (and of `write --leave --json`'s `leave`).
  struct LeaveResult: Encodable {
    var address: UInt32
    var addressHex: String
    /// `left` (the device dropped off the bus after accepting the leave) or `manifested` (it
    /// reported dfuMANIFEST and is still listed).
    var outcome: String
    var bootable: Bool
    var forced: Bool
    var stackPointer: UInt32
    var resetVector: UInt32
    var problems: [String]

    init(_ report: LeaveReport) {
      address = report.target
      addressHex = hex32(report.target)
      outcome = report.disconnected ? "left" : "manifested"
      bootable = report.check.isBootable
      forced = report.forced
      stackPointer = report.check.stackPointer
      resetVector = report.check.resetVector
      problems = report.check.problems
    }
  }
}
