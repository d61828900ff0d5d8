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
  @Option(parsing: .unconditional, help: "Where a raw .bin backup's first byte goes, e.g. 0x08000000 (required for raw data).",
          transform: Address.parse) var address: Address?
  @Option(help: FormatChoice.help) var format: FormatChoice = .auto

  func run() throws {
    JSONOutput.begin("restore", enabled: json)
    try WriteFlow(file: file, address: address?.value, format: format, options: FlashOptions(verify: true, differential: true),
                 backupPath: nil, leave: false, force: false).run(device)
  }
}
