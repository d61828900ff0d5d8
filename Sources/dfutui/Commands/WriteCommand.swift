import ArgumentParser
import DfuSe

/// `dfutui write`: plan, erase, program, verify — any firmware format.
struct WriteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "write",
    abstract: "Write firmware (.elf, .hex, .srec, .dfu or .bin) to flash: plan, erase, program, verify.",
    discussion: """
      Nothing is sent to the device until the file is parsed and every byte is placed inside \
      the device's writable flash. Writes are padded to whole flash words (the STM32L476 ROM \
      corrupts unaligned writes; ECC flash programs each word once per erase), runs are \
      coalesced (one SET_ADDRESS each), the vector-table sector is erased first and written \
      last, and every byte is read back unless --no-verify is given.
      """)

  @OptionGroup var device: DeviceOptions
  @Flag(help: "Print the result as JSON on standard output (README: JSON output).") var json = false
  @Argument(help: "The firmware file (format detected from its content).") var file: String
  @Option(parsing: .unconditional, help: "Where a raw .bin's first byte goes, e.g. 0x08000000 (required for raw data; never guessed).",
          transform: Address.parse) var address: Address?
  @Option(help: FormatChoice.help) var format: FormatChoice = .auto
  @Flag(help: "Skip the read-back verify (the result is then NOT known to be correct).") var noVerify = false
  @Flag(name: .customLong("diff"), help: "Read first; skip sectors that already hold the image (resumes an interrupted flash).")
  var differential = false
  @Flag(help: "Keep bytes outside the image in partly covered sectors (read, merge, rewrite).") var preserve = false
  @Option(help: ArgumentHelp("Save every sector about to be erased to this new file (.hex or .dfu; .bin only when the sectors are contiguous) first. Never overwrites a file.", valueName: "file"))
  var backup: String?
  @Flag(help: "Never mass-erase, even when the rest of the flash reads blank and it would be faster.")
  var noMassErase = false
  @Flag(help: "After a verified write, check the vector table and leave DFU (start the application).") var leave = false
  @Flag(help: "With --leave: leave even if the vector table does not look bootable.") var force = false
  @Flag(help: "Flash every matching DFU device in parallel (production bench; README: Production bench).")
  var all = false
  @Flag(help: "Wait for boards to be plugged in and flash each one as it appears, until Ctrl-C (README: Production bench).")
  var eachNew = false
  @Option(help: ArgumentHelp("With --all or --each-new: append one JSON line per board to this file (audit record).", valueName: "file"))
  var record: String?

  func run() throws {
    JSONOutput.begin("write", enabled: json)
    let options = FlashOptions(verify: !noVerify, differential: differential, preserve: preserve, backup: backup != nil,
                               allowMassErase: !noMassErase)
    if leave && noVerify && !force {
      throw Exit.fail("--leave needs a verified write; drop --no-verify or add --force", code: Exit.usage)
    }
    if all || eachNew || record != nil {
      if let problem = benchProblem { throw Exit.fail(problem, code: Exit.usage) }
      try BenchFlow(file: file, address: address?.value, format: format, options: options, leave: leave, force: force,
                    recordPath: record, eachNew: eachNew).run(device)
      return
    }
    try WriteFlow(file: file, address: address?.value, format: format, options: options, backupPath: backup, leave: leave,
                  force: force)
      .run(device)
  }

  /// Options a bench run (`--all`) cannot honour, as a usage error.
  var benchProblem: String? {
    if !all && !eachNew { return "--record needs --all or --each-new" }
    if all && eachNew { return "choose --all (the boards plugged in now) or --each-new (each board as it is plugged in)" }
    if json { return "--json cannot describe several boards; use --record FILE for one JSON line per board" }
    if backup != nil { return "--backup names one file and --all writes several boards; back them up one at a time" }
    if noVerify { return "--all needs a verified write on every board; drop --no-verify" }
    return nil
  }
}
