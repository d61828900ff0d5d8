import ArgumentParser
import DfuSe

/// The `dfutui` command line: the headless face of the same engine the TUI uses.
@main
struct Dfutui: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dfutui",
    abstract: "Flash, read and erase STM32 microcontrollers in ROM DFU mode (ST DfuSe), safely.",
    discussion: """
      Every command works on a real board over USB or, with --simulate, on a built-in \
      simulated STM32 ROM bootloader. Writes are verified by read-back.

      Exit codes:
      0 success
      1 the device reported an error or the USB link failed
      2 verify failed (the device holds different data than the image)
      3 no matching device, or several
      4 permission denied opening the device
      5 refused to leave: the vector table does not look bootable (see --force)
      64 bad arguments
      65 input rejected before anything was sent (file unreadable or empty, \
      range outside the device's memory, missing confirmation)
      74 the output file could not be written
      130 interrupted by Ctrl-C between two USB transfers (rerun with --diff)
      """,
    version: "dfutui \(DfutuiVersion.current)",
    subcommands: [TUICommand.self, ListCommand.self, ReadCommand.self, WriteCommand.self, RestoreCommand.self,
                  EraseCommand.self, LeaveCommand.self, SimulateCommand.self, ConvertCommand.self, InfoCommand.self,
                  OptionsCommand.self, UnprotectCommand.self],
    defaultSubcommand: TUICommand.self
  )
}
