import ArgumentParser
import DfuSe
import DfuSeSimulator
import Foundation
import Logging
import TUI

/// `dfutui [FILE]` (the default command, also `dfutui tui`): the full-screen
/// TUI on the same bus and device filters as the other commands.
struct TUICommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tui",
    abstract: "The full-screen terminal UI (the default: `dfutui` or `dfutui FILE`).",
    discussion: "With FILE, opens the Flash screen with the file loaded and its plan shown.")

  @Argument(help: "Firmware file to open on the Flash screen.") var file: String?
  @Option(help: "Address of a raw binary's first byte, e.g. 0x08000000.") var address: Address?
  @Option(help: ArgumentHelp("Batch screen: append one JSON line per board to this file (audit record, as write --record).",
                             valueName: "file"))
  var record: String?
  @Option(name: .customLong("backup-dir"),
          help: ArgumentHelp("Flash screen: where the backup toggle (b) saves what a flash is about to erase "
                             + "(default: the working directory; a new file each time, never over one).", valueName: "dir"))
  var backupDirectory: String?
  @OptionGroup var device: DeviceOptions

  func validate() throws {
    if let dir = backupDirectory {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw ValidationError("--backup-dir: \(dir) is not a directory; create it first or name another one")
      }
      guard FileManager.default.isWritableFile(atPath: dir) else {
        throw ValidationError("--backup-dir: \(dir) is not writable; name a directory you can write to")
      }
    }
  }

  func run() throws {
    try TUILauncher.run(file: file, address: address?.value, record: record, backupDirectory: backupDirectory,
                        device: device)
  }
}

/// Starts the TUI: checks for a terminal, builds the bus, runs the app.
enum TUILauncher {
  static func run(file: String?, address: UInt32?, record: String? = nil, backupDirectory: String? = nil,
                  device: DeviceOptions) throws(ExitCode) {
    guard isatty(0) == 1, isatty(1) == 1 else {
      Console.error("error: the TUI needs a terminal on stdin and stdout (this is a pipe or a file). "
                    + "For scripts use the commands: dfutui list, write FILE, read, erase, leave, options "
                    + "(dfutui --help lists them)")
      throw ExitCode(Exit.usage)
    }
    let context = try DeviceContext(device)
    let terminal: CursesTerminal
    do throws(TerminalError) {
      terminal = try CursesTerminal(environment: ProcessInfo.processInfo.environment)
    } catch {
      throw Exit.fail("\(error). Use the commands instead (dfutui --help), or set TERM (e.g. xterm-256color)",
                      code: Exit.usage)
    }
    let levels = LogLevelSwitch(.info)
    let queue = PostBox()
    let logger = Logger(label: "dfutui") { _ in LogPaneHandler(level: levels) { queue.post($0) } }
    let filtered = FilteredBus(context.bus, options: device)
    let service = EngineDeviceService(bus: filtered, clock: context.clock, logger: logger, family: device.family,
                                      batchBus: context.workerBus)
    let cwd = FileManager.default.currentDirectoryPath
    let backups = backupDirectory.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 } ?? cwd
    service.backupDirectory = backups
    var state = AppState(width: terminal.width, height: terminal.height, directory: cwd)
    state.flash.backupDirectory = backups
    state.batch.recordPath = record.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 }
    state.flash.rawAddress = address
    if let alt = device.alt, let n = UInt8(alt) { state.flash.alternate = n }
    var effects: [Effect] = [.listDirectory(cwd)]
    if let file {
      let path = file.hasPrefix("/") ? file : cwd + "/" + file
      state.screen = .flash
      effects.append(.loadFile(path: path, rawAddress: address))
    }
    let app = TUIApp(terminal: terminal, service: service, state: state, levels: levels)
    queue.target = app.post
    let code = app.run(initialEffects: effects)
    try? context.saveSimulatorState()
    if code != 0 { throw ExitCode(code) }
  }
}

/// Holds the app's post function once the app exists (the logger is made first).
final class PostBox: @unchecked Sendable {
  // @unchecked: set once on the main thread before any worker starts.
  var target: (@Sendable (Event) -> Void)?
  func post(_ e: Event) { target?(e) }
}

/// The bus seen through the device filters (`-d`, `-S`, `-p`).
final class FilteredBus: DFUBus {
  let bus: any DFUBus
  let options: DeviceOptions
  init(_ bus: any DFUBus, options: DeviceOptions) {
    self.bus = bus
    self.options = options
  }
  func devices() throws(TransportError) -> [DFUDeviceInfo] { try bus.devices().filter(options.matches) }
  func open(_ device: DFUDeviceInfo, alternateSetting: UInt8) throws(TransportError) -> any DFUTransport {
    try bus.open(device, alternateSetting: alternateSetting)
  }
}
