import ArgumentParser
import DfuSe
import DfuSeSimulator
import Foundation

/// `dfutui simulate -- COMMAND…`: runs any libusb program with simulated
/// STM32 ROM bootloaders plugged in as real USB devices (issue #7; several
/// boards for a production bench without hardware, issue 14).
///
/// Route: umockdev (a preload library faking sysfs, udev and `/dev/bus/usb`
/// for its child processes). This process owns the boards and serves each on
/// its own Unix socket (``BoardServer``); `umockdev-usb-bridge.py` runs under
/// the preload, creates the umockdev testbed from the boards' descriptors,
/// answers libusb's usbfs ioctls (URBs, claim, SET_INTERFACE, reset) by
/// forwarding to the right board, every board concurrently, unplugs/replugs a
/// device when its board leaves the bus or re-enumerates, and runs the
/// command. The command's exit status is passed through.
struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Run a libusb program (dfu-util, dfutui, your scripts) with simulated STM32s plugged in.",
    discussion: """
      Examples:
        dfutui simulate --profile stm32l476 -- dfu-util -l
        dfutui simulate --boards 2 --profile stm32f405,stm32l476 -- dfu-util -l
        dfutui simulate --boards 3 -- dfutui write app.bin --all
        dfutui simulate --boards 3 --plug-schedule 0,2000,4000 -- dfutui write …

      Board i (1-based) appears on USB bus 1, port 1-i, with its own flash and serial number, to the \
      command and its children only (through umockdev; no root, no kernel module). Leave, option-byte \
      writes and read-unprotect unplug and replug a board like real hardware; the others carry on. \
      Needs the Debian packages umockdev, gir1.2-umockdev-1.0 and python3-gi (`make test` installs \
      them). The exit status is the command's.
      """)

  @Option(help: ArgumentHelp("How many boards to plug in, 1 to \(SimulatedBenchPlan.maxBoards) (default: one per "
                             + "--profile given, else 1).", valueName: "n"))
  var boards: Int?

  @Option(help: ArgumentHelp("Simulated board: stm32f405 (default) or stm32l476. Once for every board, or one per "
                             + "board in port order (repeat it, or a comma list: stm32f405,stm32l476).",
                             valueName: "profile"))
  var profile: [String] = []

  @Option(name: .customLong("plug-schedule"),
          help: ArgumentHelp("When each board is plugged in, in ms after the start, board 1 first (e.g. 0,1500,3000); "
                             + "boards not listed are plugged in at once. Unplugged boards are invisible to libusb.",
                             valueName: "ms,…"))
  var plugSchedule: String?

  @Option(help: ArgumentHelp("Unplug board I at MS ms after the start (if plugged in) and plug it back in 300 ms "
                             + "later, in the bootloader, on the same port: a new plug of the same board. Repeatable.",
                             valueName: "i@ms"))
  var replug: [String] = []

  @Option(name: .customLong("fault-board"),
          help: ArgumentHelp("Apply the fault options (--disconnect-…) only to board I (1-based); repeatable. "
                             + "Without it they apply to every board.", valueName: "i"))
  var faultBoards: [Int] = []

  @Option(help: ArgumentHelp("Load the boards' memory from this directory and save it back afterwards (with several "
                             + "boards, board i in DIR/board<i-1>, as --sim-state does).", valueName: "dir"))
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

  /// The fault options given, as the simulator takes them.
  var faults: SimulatedFaults {
    SimulatedFaults(disconnectAfterBytes: disconnectAfter, disconnectAfterUploadBytes: disconnectUploadAfter,
                    disconnectAfterErases: disconnectAfterErases, disconnectAtRequest: disconnectAtRequest,
                    disconnectAsIOError: disconnectIO)
  }

  var hasFaults: Bool {
    [disconnectAfter, disconnectUploadAfter, disconnectAfterErases, disconnectAtRequest].contains { $0 != nil }
  }

  func plan() throws(ValidationError) -> SimulatedBenchPlan {
    try SimulatedBenchPlan(boards: boards, profiles: profile, plugSchedule: plugSchedule, replugs: replug,
                           faultBoards: faultBoards)
  }

  func validate() throws {
    _ = try plan()
    if !faultBoards.isEmpty && !hasFaults {
      throw ValidationError("--fault-board needs a fault: --disconnect-after, --disconnect-upload-after, "
                            + "--disconnect-after-erases or --disconnect-at-request")
    }
    if let problem = state.flatMap(FirmwareFiles.stateDirectoryProblem) {
      throw ValidationError(problem.replacingOccurrences(of: "--sim-state", with: "--state"))
    }
    guard !command.isEmpty else { throw ValidationError("give the command to run after `--`") }
  }

  func run() throws {
    let plan = try plan()
    let instant = simulatorTime == .instant
    // Each board its own virtual clock: one board's flash time never moves another's.
    let clocks: [any BlockingClock] = (0..<plan.count).map { _ -> any BlockingClock in instant ? VirtualClock() : SystemClock() }
    var boards: [SimulatedSTM32] = []
    for (index, profile) in plan.profiles.enumerated() {
      let serial = SimulatedSTM32.defaultSerial(profile: profile, index: index)
      let faults = plan.hasFaults(board: index) ? self.faults : SimulatedFaults()
      let dir = state.map { DeviceContext.stateDirectory($0, index: index, count: plan.count) }
      if let dir, SimulatedSTM32.hasSavedState(in: dir) {
        do {
          boards.append(try SimulatedSTM32(restoringFrom: dir, profile: profile, clock: clocks[index],
                                           serialNumber: serial, faults: faults))
        } catch {
          throw Exit.fail("cannot load simulator state from \(dir): \(error)", code: Exit.inputRejected)
        }
      } else {
        boards.append(SimulatedSTM32(profile: profile, clock: clocks[index], serialNumber: serial, faults: faults))
      }
    }
    _ = SimulatedBus(boards: boards)  // bus 1, ports 1…N
    let script = try BridgeLauncher.script(explicit: bridge)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dfutui-sim-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var servers: [BoardServer] = []
    for (index, board) in boards.enumerated() {
      let server = try BoardServer(path: directory + "/board\(index + 1).sock", device: SimulatedUSBDevice(board: board),
                                   clock: clocks[index], instantTime: instant)
      server.start()
      servers.append(server)
    }
    plan.startSchedule(boards)
    let status = try BridgeLauncher.run(script: script, sockets: servers.map(\.path), command: command)
    if let state {
      for (index, board) in boards.enumerated() {
        let dir = DeviceContext.stateDirectory(state, index: index, count: plan.count)
        do { try board.save(to: dir) } catch {
          throw Exit.fail("cannot save simulator state to \(dir): \(error)", code: Exit.outputFailed)
        }
      }
    }
    if status != 0 { throw ExitCode(status) }
  }
}

