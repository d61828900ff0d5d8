import ArgumentParser
import DfuSe

/// `dfutui restore`: write a backup (from `write --backup`) back, differentially.
struct RestoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Write a backup made by `write --backup` back to the device (only sectors that differ), and verify.")

  @OptionGroup var device: DeviceOptions
  @Flag(help: "Print the result as JSON on standard output (README: JSON output).") var json = false
  @Argument(help: "The backup file (.hex, .dfu or .bin).") var file: String
  @Option(parsing: .unconditional, help: "Where a raw .bin backup goes (default: start of flash).",
          transform: Address.parse) var address: Address?

  func run() throws {
    JSONOutput.begin("restore", enabled: json)
    try FlashJob(file: file, address: address?.value, options: FlashOptions(verify: true, differential: true),
                 backupPath: nil, leave: false, force: false).run(device)
  }
}
