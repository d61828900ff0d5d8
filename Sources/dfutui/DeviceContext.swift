import ArgumentParser
import DfuSe
import DfuSeSimulator
import Foundation
import Logging

/// The bus a command talks to (USB or simulated boards) and the clock it
/// runs on, with device selection and the `-v` trace logger. Saves
/// simulator state when done.
final class DeviceContext {
  let options: DeviceOptions
  let bus: any DFUBus
  let clock: any BlockingClock
  /// The USB trace on stderr (`-v`, `-vv`); warnings only by default.
  let logger: Logger
  private let boards: [SimulatedSTM32]

  init(_ options: DeviceOptions) throws(ExitCode) {
    self.options = options
    logger = Logger.cli(verbosity: options.verbose)
    if options.simulate.isEmpty {
      clock = SystemClock()
      boards = []
      do throws(TransportError) { bus = try LibUSBBus(logger: logger) } catch { throw Exit.fail(error) }
      return
    }
    let clock: any BlockingClock = options.simulatorTime == .instant ? VirtualClock() : SystemClock()
    self.clock = clock
    var boards: [SimulatedSTM32] = []
    for (index, name) in options.simulate.enumerated() {
      let profile = SimulatedProfile.named(name)!
      let serial = SimulatedSTM32.defaultSerial(profile: profile, index: index)
      let faults = options.simulatedFaults(forBoard: index)
      if let dir = options.simulatorState.map({ Self.stateDirectory($0, index: index, count: options.simulate.count) }),
         SimulatedSTM32.hasSavedState(in: dir) {
        do {
          boards.append(try SimulatedSTM32(restoringFrom: dir, profile: profile, clock: clock, serialNumber: serial,
                                           faults: faults))
        } catch {
          throw Exit.fail("cannot load simulator state from \(dir): \(FileErrorText.describe(error))", code: Exit.inputRejected)
        }
      } else {
        boards.append(SimulatedSTM32(profile: profile, clock: clock, serialNumber: serial, faults: faults))
      }
    }
    self.boards = boards
    let simulated = SimulatedBus(boards: boards)
    simulated.link = .fullSpeed
    bus = simulated
    Self.startPlugSchedule(options.plugSchedule ?? [], boards: boards)
  }

  /// `--sim-plug-schedule`: the listed boards start unplugged; a thread plugs
  /// each at its time, in real time whatever `--sim-time` says. A board
  /// already on the bus is re-plugged: off the bus for 300 ms, then back.
  static func startPlugSchedule(_ events: [(board: Int, milliseconds: Int)], boards: [SimulatedSTM32]) {
    guard !events.isEmpty else { return }
    for index in Set(events.map(\.board)) { boards[index].unplug() }
    let plan = events.map { (boards[$0.board], Duration.milliseconds($0.milliseconds)) }
    Thread {
      let clock = SystemClock()
      let start = clock.now
      for (board, at) in plan {
        clock.sleep(for: at - (clock.now - start))
        if board.isConnected {
          board.unplug()
          clock.sleep(for: .milliseconds(300))
        }
        board.reconnect()
      }
    }.start()
  }

  /// Opens a bus for one worker thread of a bench run: the simulated bus is
  /// shared (thread-safe), USB gets a libusb context per thread.
  var workerBus: BenchFlash.BusFactory {
    if let simulated = bus as? SimulatedBus { return { simulated } }
    let logger = self.logger
    return { () throws(TransportError) -> any DFUBus in try LibUSBBus(logger: logger) }
  }

  static func stateDirectory(_ base: String, index: Int, count: Int) -> String {
    count == 1 ? base : "\(base)/board\(index)"
  }

  /// Writes simulator state back (no-op for USB).
  func saveSimulatorState() throws(ExitCode) {
    guard let base = options.simulatorState else { return }
    for (index, board) in boards.enumerated() {
      let dir = Self.stateDirectory(base, index: index, count: boards.count)
      do { try board.save(to: dir) } catch {
        throw Exit.fail("cannot save simulator state to \(dir): \(FileErrorText.describe(error))", code: Exit.outputFailed)
      }
    }
  }

  /// All DFU devices on the bus that match the filters.
  func matchingDevices() throws(ExitCode) -> [DFUDeviceInfo] {
    do throws(TransportError) {
      return try bus.devices().filter(options.matches)
    } catch {
      throw Exit.fail(error)
    }
  }

  /// Exactly one DFU-mode device, or a clear error listing the candidates.
  func selectDevice() throws(ExitCode) -> DFUDeviceInfo {
    let all = try matchingDevices()
    let candidates = all.filter(\.isDFUMode)
    if candidates.count == 1 { return candidates[0] }
    if candidates.isEmpty {
      var message = "no STM32 in DFU mode found"
      if !all.isEmpty {
        message += "; \(all.count) device(s) run an application with a DFU runtime interface (not supported yet)"
      }
      message += ". Put the board in the ROM bootloader (BOOT0 high, then reset) and check the cable; "
        + "`dfutui list` shows what is connected"
      throw Exit.fail(message, code: Exit.noDevice)
    }
    let lines = candidates.map { "  " + DeviceDescription.oneLine($0) }.joined(separator: "\n")
    throw Exit.fail("\(candidates.count) DFU devices match; choose one with --serial or --path:\n\(lines)",
                    code: Exit.noDevice)
  }

  /// Opens the selected device on the right alternate setting.
  func open(_ info: DFUDeviceInfo, alternate: UInt8) throws(ExitCode) -> DfuSeDevice {
    let transport: any DFUTransport
    do throws(TransportError) {
      transport = try bus.open(info, alternateSetting: alternate)
    } catch {
      throw Exit.fail(error)
    }
    do throws(MemoryMapError) {
      return try DfuSeDevice(info: info, transport: transport, clock: clock, logger: logger)
    } catch {
      transport.close()
      throw Exit.fail("alternate setting \(alternate) has no usable memory map: \(error)", code: Exit.deviceError)
    }
  }

  /// The memory map of `alternate` as enumeration saw it (before opening).
  func memoryMap(of info: DFUDeviceInfo, alternate: UInt8) throws(ExitCode) -> MemoryMap {
    guard let setting = info.alternate(alternate) else {
      throw Exit.fail("the device has no alternate setting \(alternate)", code: Exit.usage)
    }
    do throws(MemoryMapError) { return try setting.memoryMap() } catch {
      var hint = ""
      if let reason = info.stringsUnavailableReason { hint = " (\(reason))" }
      throw Exit.fail("cannot read the memory map of alternate setting \(alternate): \(error)\(hint)",
                      code: info.stringsUnavailableReason == nil ? Exit.deviceError : Exit.permission)
    }
  }
}
