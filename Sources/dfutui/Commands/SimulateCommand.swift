import ArgumentParser
import DfuSe
import DfuSeSimulator
import Foundation

/// `dfutui simulate -- COMMAND…`: runs any libusb program with a simulated
/// STM32 ROM bootloader plugged in as a real USB device (issue #7).
///
/// Route: umockdev (a preload library faking sysfs, udev and `/dev/bus/usb`
/// for its child processes). This process owns the board and serves it on a
/// Unix socket (``BoardServer``); `umockdev-usb-bridge.py` runs under the
/// preload, creates the umockdev testbed from the board's descriptors,
/// answers libusb's usbfs ioctls (URBs, claim, SET_INTERFACE, reset) by
/// forwarding to the board, unplugs/replugs the device when the board leaves
/// the bus or re-enumerates, and runs the command. The command's exit status
/// is passed through.
struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Run a libusb program (dfu-util, dfutui, your scripts) with a simulated STM32 plugged in.",
    discussion: """
      Example: dfutui simulate --profile stm32l476 -- dfu-util -l

      The board appears on USB bus 1, port 1, to the command and its children only (through \
      umockdev; no root, no kernel module). Leave, option-byte writes and read-unprotect unplug \
      and replug it like real hardware. Needs the Debian packages umockdev, gir1.2-umockdev-1.0 \
      and python3-gi (`make test` installs them). The exit status is the command's.
      """)

  @Option(help: ArgumentHelp("Simulated board: stm32f405 or stm32l476.", valueName: "profile"))
  var profile: String = "stm32f405"

  @Option(help: ArgumentHelp("Load the board's memory from this directory and save it back afterwards.",
                             valueName: "dir"))
  var state: String?

  @Option(name: .customLong("sim-time"),
          help: ArgumentHelp("Simulated time: real (flash takes as long as on a chip) or instant.", valueName: "mode"))
  var simulatorTime: SimulatedTime = .real

  @Option(name: .customLong("disconnect-after"),
          help: ArgumentHelp("Fault injection: the board drops off the bus once this many bytes of write data have been downloaded.",
                             valueName: "bytes"))
  var disconnectAfter: Int?

  @Option(name: .customLong("disconnect-upload-after"),
          help: ArgumentHelp("Fault injection: the board drops off the bus once this many bytes have been read (UPLOAD).",
                             valueName: "bytes"))
  var disconnectUploadAfter: Int?

  @Option(name: .customLong("disconnect-after-erases"),
          help: ArgumentHelp("Fault injection: the board drops off the bus at the next erase command once this many "
                             + "erases have completed (0: at the first).", valueName: "count"))
  var disconnectAfterErases: Int?

  @Option(name: .customLong("disconnect-at-request"),
          help: ArgumentHelp("Fault injection: the board drops off the bus at the K-th control request (1-based).",
                             valueName: "K"))
  var disconnectAtRequest: Int?

  @Flag(help: ArgumentHelp("With a --disconnect-… fault: the cut-off transfer fails with EPROTO (LIBUSB_ERROR_IO), as a "
                           + "pulled cable does on Linux, before the device is gone."))
  var disconnectIO = false

  @Option(help: ArgumentHelp("The bridge script (default: $DFUTUI_SIMULATOR_BRIDGE, else found next to dfutui).",
                             visibility: .hidden))
  var bridge: String?

  @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run, after `--`.", valueName: "command"))
  var command: [String] = []

  func validate() throws {
    guard SimulatedProfile.named(profile) != nil else {
      let known = SimulatedProfile.all.map(\.name).joined(separator: ", ")
      throw ValidationError("unknown simulated board '\(profile)'; choose one of: \(known)")
    }
    guard !command.isEmpty else { throw ValidationError("give the command to run after `--`") }
  }

  func run() throws {
    let profile = SimulatedProfile.named(profile)!
    let instant = simulatorTime == .instant
    let clock: any BlockingClock = instant ? VirtualClock() : SystemClock()
    let faults = SimulatedFaults(disconnectAfterBytes: disconnectAfter, disconnectAfterUploadBytes: disconnectUploadAfter,
                                 disconnectAfterErases: disconnectAfterErases, disconnectAtRequest: disconnectAtRequest,
                                 disconnectAsIOError: disconnectIO)
    let serial = SimulatedSTM32.defaultSerial(profile: profile, index: 0)
    let board: SimulatedSTM32
    if let state, SimulatedSTM32.hasSavedState(in: state) {
      do {
        board = try SimulatedSTM32(restoringFrom: state, profile: profile, clock: clock, serialNumber: serial,
                                   faults: faults)
      } catch {
        throw Exit.fail("cannot load simulator state from \(state): \(error)", code: Exit.inputRejected)
      }
    } else {
      board = SimulatedSTM32(profile: profile, clock: clock, serialNumber: serial, faults: faults)
    }
    _ = SimulatedBus(boards: [board])  // bus 1, port 1
    let script = try BridgeLauncher.script(explicit: bridge)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dfutui-sim-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let server = try BoardServer(path: directory + "/board.sock", device: SimulatedUSBDevice(board: board),
                                 clock: clock, instantTime: instant)
    let serving = Thread { server.serve(acceptTimeoutMs: 60_000) }
    serving.start()
    let status = try BridgeLauncher.run(script: script, socket: server.path, command: command)
    if let state {
      do { try board.save(to: state) } catch {
        throw Exit.fail("cannot save simulator state to \(state): \(error)", code: Exit.outputFailed)
      }
    }
    if status != 0 { throw ExitCode(status) }
  }
}

/// Finds and starts `umockdev-usb-bridge.py` under umockdev's preload library.
enum BridgeLauncher {
  static let scriptName = "umockdev-usb-bridge.py"
  /// Overrides where the bridge script is.
  static let environmentVariable = "DFUTUI_SIMULATOR_BRIDGE"

  /// `explicit` (the hidden `--bridge`), else `$DFUTUI_SIMULATOR_BRIDGE`, else
  /// the first of ``candidates(executable:sourceFile:)`` that exists.
  static func script(explicit: String?) throws(ExitCode) -> String {
    let manager = FileManager.default
    let override = explicit ?? ProcessInfo.processInfo.environment[environmentVariable]
    if let override {
      guard manager.fileExists(atPath: override) else {
        let from = explicit != nil ? "--bridge" : "$\(environmentVariable)"
        throw Exit.fail("\(from) names \(override), which does not exist; point it at \(scriptName) "
                        + "(in the source tree's scripts/ directory)", code: Exit.usage)
      }
      return override
    }
    let candidates = candidates(executable: executablePath)
    if let found = candidates.first(where: manager.fileExists(atPath:)) { return found }
    throw Exit.fail("cannot find the simulator's bridge script \(scriptName); looked in:\n  "
                    + candidates.joined(separator: "\n  ")
                    + "\nInstall dfutui with `make install` (it puts the script in PREFIX/share/dfutui), copy "
                    + "scripts/\(scriptName) from the source tree next to the dfutui binary, or set "
                    + "\(environmentVariable) to its path", code: Exit.usage)
  }

  /// Where the script may be, in order: `<bindir>/../share/dfutui/` (where
  /// `make install` puts it), next to the binary (a release archive), then the
  /// source tree this binary was built from (a `swift build` binary).
  static func candidates(executable: String?, sourceFile: String = #filePath) -> [String] {
    var paths: [String] = []
    if let executable {
      let bin = URL(fileURLWithPath: executable).deletingLastPathComponent()
      paths.append(bin.deletingLastPathComponent().appendingPathComponent("share/dfutui/\(scriptName)").path)
      paths.append(bin.appendingPathComponent(scriptName).path)
    }
    // Sources/dfutui/Commands/SimulateCommand.swift → the package root.
    var root = URL(fileURLWithPath: sourceFile)
    for _ in 0..<4 { root.deleteLastPathComponent() }
    paths.append(root.appendingPathComponent("scripts/\(scriptName)").path)
    return paths
  }

  /// The running binary, symlinks resolved: `/proc/self/exe` on Linux (argv[0]
  /// is a bare name when the binary was found through `$PATH`).
  static var executablePath: String? {
    #if os(Linux)
      if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    #endif
    return Bundle.main.executableURL?.resolvingSymlinksInPath().path
  }

  /// Runs the bridge with the caller's stdin/stdout/stderr; returns the
  /// command's exit status (128 + signal when it was killed).
  static func run(script: String, socket: String, command: [String]) throws(ExitCode) -> Int32 {
    var environment = ProcessInfo.processInfo.environment
    let preload = "libumockdev-preload.so.0"
    environment["LD_PRELOAD"] = [preload, environment["LD_PRELOAD"]].compactMap { $0 }.joined(separator: ":")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: environment["DFUTUI_PYTHON"] ?? "/usr/bin/python3")
    process.arguments = [script, "--socket", socket, "--"] + command
    process.environment = environment
    do { try process.run() } catch {
      throw Exit.fail("cannot start \(process.executableURL!.path) \(script): \(error). "
                      + "Install python3-gi, umockdev and gir1.2-umockdev-1.0", code: Exit.deviceError)
    }
    process.waitUntilExit()
    return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
  }
}
