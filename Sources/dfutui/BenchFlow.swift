import ArgumentParser
import DfuSe
import Synchronization

/// `write FILE --all` / `--each-new`: the production bench (issue 14). The file is read,
/// parsed and validated once, before any board is touched; then every
/// matching DFU device is flashed in parallel, one thread and one
/// ``DfuSe/FlashJob`` per board, with progress lines prefixed by the board's
/// port, an audit line per board (`--record`) and a final table.
struct BenchFlow {
  var file: String
  var address: UInt32?
  var format: FormatChoice = .auto
  var options: FlashOptions
  var leave: Bool
  var force: Bool
  var recordPath: String?
  /// Loop mode: flash each board as it is plugged in, until Ctrl-C.
  var eachNew = false

  func run(_ device: DeviceOptions) throws(ExitCode) {
    let bytes = try FirmwareFiles.readBytes(file)
    let loaded = try FirmwareFiles.parse(bytes, path: file, format: format, rawAddress: address, printNotices: false)
    let crc = CRC32.checksum(bytes)
    let log = try recordPath.map { path throws(ExitCode) in
      do throws(JobError) { return try BenchRecordLog(path: path) } catch { throw Exit.fail(error) }
    }
    let context = try DeviceContext(device)
    let recordOptions = BenchRecord.Options(options, leave: leave)
    let problems = SharedList()  // record-file failures
    let clock = context.clock
    let file = self.file
    let family = device.family
    let observer: @Sendable (BoardIdentity) -> (JobEvent) -> Void = { board in
      let progress = ProgressReporter(clock: clock, live: false, prefix: "[\(board)] ")
      return { event in Self.render(event, board: board, progress: progress) }
    }
    let finished: @Sendable (BenchOutcome) -> Void = { outcome in
      Self.announce(outcome)
      guard let log else { return }
      do throws(JobError) {
        try log.append(BenchRecord(outcome, file: file, fileCRC32: crc, options: recordOptions))
      } catch {
        Console.error("[\(outcome.board)] \(error)")
        problems.append(error.description)
      }
    }
    let identify: @Sendable (DFUDeviceInfo) -> Result<ChipIdentity, JobError> = { board in
      Result { () throws(JobError) in
        do throws(ChipIdentityError) { return try ChipIdentity.identify(board, family: family) } catch {
          throw .usage(error.description)
        }
      }
    }
    Interrupt.install()
    let outcomes: [BenchOutcome]
    if eachNew {
      guard let alt = device.alt.map({ UInt8($0) }) ?? 0 else {
        throw Exit.fail("with --each-new give --alt as a number (no board is there yet to look its names up)",
                        code: Exit.usage)
      }
      let request = FlashJobRequest(firmware: loaded, fileName: file, alternate: alt, alternateChosen: device.alt != nil,
                                    options: options, leaveAfter: leave, leaveEvenIfNotBootable: force)
      Console.error("waiting for boards in DFU mode; each is flashed with \(file) (CRC32 \(BenchRecord.hex(crc))) "
                    + "as it is plugged in. Ctrl-C ends with the summary")
      let returned = SharedList()  // ports of boards back in the ROM after their leave
      let loop = BenchLoop(request, makeBus: context.workerBus, clock: clock, logger: context.logger, identify: identify,
                           observer: observer, finished: finished, isCancelled: { Interrupt.wasRequested },
                           cameBack: { back in
                             returned.append(back.device.path)
                             Console.error(Self.cameBackText(back))
                           })
      outcomes = loop.run(listDevices: { (try? context.matchingDevices().filter(\.isDFUMode)) ?? [] },
                          interval: .milliseconds(100), pollClock: SystemClock(), shouldStop: { Interrupt.wasRequested })
      if outcomes.isEmpty {
        throw Exit.fail("the loop ended before any board was plugged in; nothing was written", code: Exit.noDevice)
      }
      if !returned.all.isEmpty {
        Console.error("warning: written and verified, but back in the bootloader after leaving DFU (the application "
                      + "did not start): " + returned.all.joined(separator: ", "))
      }
    } else {
      let boards = try context.matchingDevices().filter(\.isDFUMode)
      if boards.isEmpty {
        throw Exit.fail("no STM32 in DFU mode found for --all. Put the boards in the ROM bootloader (BOOT0 high, then "
                        + "reset) and check the cables; `dfutui list` shows what is connected", code: Exit.noDevice)
      }
      let alt = try device.alternate(on: boards[0])
      let request = FlashJobRequest(firmware: loaded, fileName: file, alternate: alt, alternateChosen: device.alt != nil,
                                    options: options, leaveAfter: leave, leaveEvenIfNotBootable: force)
      Console.error("flashing \(boards.count) board\(boards.count == 1 ? "" : "s") in parallel with \(file) "
                    + "(CRC32 \(BenchRecord.hex(crc))): " + boards.map(\.path).joined(separator: ", "))
      outcomes = BenchFlash.run(request, targets: boards.map { BenchTarget(device: $0, identity: identify($0)) },
                                makeBus: context.workerBus, clock: clock, logger: context.logger, observer: observer,
                                finished: finished, isCancelled: { Interrupt.wasRequested })
    }
    try? context.saveSimulatorState()
    BenchTable.print(outcomes, fileCRC32: crc)
    let failed = outcomes.filter { !$0.verified }
    if let problem = problems.first {
      throw Exit.fail(problem + "; the table above is the only full account of this run", code: Exit.outputFailed)
    }
    if !failed.isEmpty {
      throw Exit.fail("\(failed.count) of \(outcomes.count) boards did not end verified: "
                      + failed.map(\.board.portPath).joined(separator: ", "), code: Exit.deviceError)
    }
  }

  /// One board's job event on stderr, prefixed with its port.
  static func render(_ event: JobEvent, board: BoardIdentity, progress: ProgressReporter) {
    switch event {
    case .progress(let p): progress.update(p)
    case .notice(let text): Console.error("[\(board)] note: " + text)
    case .warning(let text): Console.error("[\(board)] warning: " + text)
    case .backupSaved(let path, _): Console.error("[\(board)] backed up to \(path)")
    }
  }

  /// A board back in the ROM soon after its leave: not flashed again (``PlugTracker/Return``).
  static func cameBackText(_ back: PlugTracker.Return) -> String {
    "[\(back.device.path)] warning: back in the bootloader \(back.after.secondsText) after leaving DFU: the "
      + "application did not start, or it reset into the ROM (BOOT0 held high and a crash or watchdog reset; a "
      + "file built for another board?). Not flashing it again; unplug it, and plug it in again to flash it once more"
  }

  /// The line printed as soon as a board is done.
  static func announce(_ outcome: BenchOutcome) {
    if outcome.verified {
      Console.error("[\(outcome.board)] verified in \(outcome.duration.secondsText)")
    } else {
      Console.error("[\(outcome.board)] FAILED: \(outcome.errorText ?? "unknown error")")
    }
  }
}

/// Lines collected on the board threads and read after the run.
final class SharedList: Sendable {
  private let list = Mutex<[String]>([])
  func append(_ line: String) { list.withLock { $0.append(line) } }
  var first: String? { list.withLock { $0.first } }
  var all: [String] { list.withLock { $0 } }
}
