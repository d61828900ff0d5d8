import ArgumentParser
import DfuSe
import DfuSeSimulator

/// How a command finds its device: dfu-util's filters, plus the simulator.
struct DeviceOptions: ParsableArguments {
  @Option(name: .customLong("simulate"),
          help: ArgumentHelp("Use a simulated board instead of USB: stm32f405 or stm32l476. Repeat for several boards.",
                             valueName: "profile"))
  var simulate: [String] = []

  @Option(name: .customLong("sim-state"),
          help: ArgumentHelp("Keep the simulated boards' memory in this directory between runs.", valueName: "dir"))
  var simulatorState: String?

  @Option(name: .customLong("sim-time"),
          help: ArgumentHelp("Simulated time: real (flash takes as long as on a chip) or instant.", valueName: "mode"))
  var simulatorTime: SimulatedTime = .real

  @Option(name: .customLong("sim-fault-board"),
          help: ArgumentHelp("Test hook: the simulated board (1-based, --simulate order) the fault options apply to.",
                             visibility: .hidden))
  var simulatorFaultBoard: Int?

  @Option(name: .customLong("sim-disconnect-after"),
          help: ArgumentHelp("Test hook: simulated boards (only --sim-fault-board's, if given) drop off the bus once this many bytes were downloaded.",
                             visibility: .hidden))
  var simulatorDisconnectAfter: Int?

  @Flag(name: .customLong("sim-app-resets"),
        help: ArgumentHelp("Test hook: on simulated boards (only --sim-fault-board's, if given) the application resets into the ROM at once after a leave.",
                           visibility: .hidden))
  var simulatorApplicationResets = false

  @Option(name: .customLong("sim-plug-schedule"),
          help: ArgumentHelp("Test hook: BOARD:MS,… plugs (or re-plugs) simulated board BOARD (1-based) MS ms after start; listed boards start unplugged.",
                             visibility: .hidden))
  var simulatorPlugSchedule: String?

  @Option(name: [.customShort("d"), .customLong("device")],
          help: ArgumentHelp("Only devices with this USB ID, hex VID:PID; either may be empty, and VID alone means any product.", valueName: "vid:pid"))
  var device: VidPid?

  @Option(name: [.customShort("S"), .customLong("serial")], help: "Only the device with this serial number.")
  var serial: String?

  @Option(name: [.customShort("p"), .customLong("path")],
          help: ArgumentHelp("Only the device at this USB path, BUS-PORT[.PORT…], as `list` shows.", valueName: "path"))
  var path: String?

  @Option(name: [.customShort("a"), .customLong("alt")],
          help: ArgumentHelp("Alternate setting by number or name (\"Internal Flash\", \"Option Bytes\").", valueName: "alt"))
  var alt: String?

  @Flag(name: .shortAndLong,
        help: "Trace every USB control transfer on stderr (request, wValue, length, result, time); -vv adds the data bytes.")
  var verbose: Int

  @Option(help: ArgumentHelp("The chip when its descriptors cannot tell (l476, l496, l4, f405, g474, h743, l4dual, f42x, …).",
                             valueName: "family"))
  var family: String?

  func validate() throws {
    if let family {
      do throws(ChipIdentityError) { _ = try ChipIdentity.variants(named: family) } catch {
        throw ValidationError(error.description)
      }
    }
    for name in simulate where SimulatedProfile.named(name) == nil {
      let known = SimulatedProfile.all.map(\.name).joined(separator: ", ")
      throw ValidationError("unknown simulated board '\(name)'; choose one of: \(known)")
    }
    if let board = simulatorFaultBoard, !(1...max(1, simulate.count)).contains(board) || simulate.isEmpty {
      throw ValidationError("--sim-fault-board must name one of the --simulate boards (1…\(simulate.count))")
    }
    if simulatorFaultBoard != nil && simulatorDisconnectAfter == nil && !simulatorApplicationResets {
      throw ValidationError("--sim-fault-board needs a fault: --sim-disconnect-after BYTES or --sim-app-resets")
    }
    if simulatorPlugSchedule != nil && plugSchedule == nil {
      throw ValidationError("--sim-plug-schedule: give BOARD:MS,… with boards 1…\(simulate.count)")
    }
    if simulatorState != nil && simulate.isEmpty {
      throw ValidationError("--sim-state needs --simulate")
    }
    if let problem = simulatorState.flatMap(FirmwareFiles.stateDirectoryProblem) { throw ValidationError(problem) }
    if let path, let problem = USBPath.problem(path) { throw ValidationError("-p/--path: " + problem) }
    if let serial, let problem = serialNumberProblem(serial) { throw ValidationError("-S/--serial: " + problem) }
  }

  /// The faults injected into simulated board `index` (0-based): the
  /// `--sim-fault-board`'s, or every board's when none is named.
  func simulatedFaults(forBoard index: Int) -> SimulatedFaults {
    if let board = simulatorFaultBoard, board != index + 1 { return SimulatedFaults() }
    return SimulatedFaults(disconnectAfterBytes: simulatorDisconnectAfter,
                           applicationResetsToBootloader: simulatorApplicationResets)
  }

  /// `--sim-plug-schedule` as (0-based board, milliseconds) pairs, nil when malformed.
  var plugSchedule: [(board: Int, milliseconds: Int)]? {
    guard let text = simulatorPlugSchedule else { return [] }
    var events: [(board: Int, milliseconds: Int)] = []
    for item in text.split(separator: ",") {
      let parts = item.split(separator: ":")
      guard parts.count == 2, let board = Int(parts[0]), let ms = Int(parts[1]), (1...simulate.count).contains(board),
            ms >= 0 else { return nil }
      events.append((board - 1, ms))
    }
    return events.isEmpty ? nil : events.sorted { $0.milliseconds < $1.milliseconds }
  }

  /// The chip behind `device`, narrowed by `--family`.
  func identify(_ device: DFUDeviceInfo) throws(ExitCode) -> ChipIdentity {
    do throws(ChipIdentityError) { return try ChipIdentity.identify(device, family: family) } catch {
      throw Exit.fail(error.description, code: Exit.usage)
    }
  }

  /// True when the device matches the filters (not the alt setting).
  func matches(_ d: DFUDeviceInfo) -> Bool {
    if let device {
      if let v = device.vendor, v != d.vendorID { return false }
      if let p = device.product, p != d.productID { return false }
    }
    if let serial, d.serialNumber != serial { return false }
    if let path, d.path != path { return false }
    return true
  }

  /// The alternate setting `--alt` names on `device`, default `fallback`.
  func alternate(on device: DFUDeviceInfo, default fallback: UInt8 = 0) throws(ExitCode) -> UInt8 {
    guard let alt else { return fallback }
    if let n = UInt8(alt), device.alternate(n) != nil { return n }
    let wanted = alt.lowercased()
    let named = device.alternateSettings.first { setting in
      let name = (try? setting.memoryMap().name) ?? setting.name ?? ""
      return name.lowercased() == wanted
    }
    if let named { return named.number }
    let choices = device.alternateSettings.map { "\($0.number) (\((try? $0.memoryMap().name) ?? $0.name ?? "?"))" }
    throw Exit.fail("the device has no alternate setting '\(alt)'; it has: \(choices.joined(separator: ", "))",
                    code: Exit.usage)
  }
}

/// Whether simulated boards run at chip speed or at once.
enum SimulatedTime: String, ExpressibleByArgument, CaseIterable {
  case real, instant
}
