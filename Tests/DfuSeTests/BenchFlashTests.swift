import Foundation
import Synchronization
import Testing
@testable import DfuSe
import DfuSeSimulator

/// The production bench in the library (issue 14): one job per board on its
/// own thread, a failure on one board confined to it, boards known by port.
@Suite struct BenchFlashTests {
  static let image: [UInt8] = [0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x00, 0x08] + pattern(24_000, seed: 41)

  static func request() throws -> FlashJobRequest {
    try FlashJobRequest(fileBytes: image, fileName: "app.bin", rawAddress: 0x0800_0000)
  }

  static func targets(_ bus: SimulatedBus) -> [BenchTarget] {
    bus.devices().map { BenchTarget(device: $0, identity: .success(ChipIdentity.identify($0))) }
  }

  /// Both jobs must be under way at the same time: each board's first
  /// progress event waits (up to 10 s) for the other board's; run one after
  /// the other, the first would wait in vain and the check below fails.
  @Test func twoBoardsAreFlashedConcurrentlyAndBothVerify() throws {
    let clock = VirtualClock()
    let boards = [SimulatedSTM32(profile: .stm32l476, clock: clock), SimulatedSTM32(profile: .stm32f405, clock: clock)]
    let bus = SimulatedBus(boards: boards)
    let started = Atomic<Int>(0)
    let overlapped = Atomic<Int>(0)
    let outcomes = BenchFlash.run(try Self.request(), targets: Self.targets(bus), makeBus: { bus }, clock: clock,
                                  logger: .silent, observer: { _ in
      var first = true
      return { event in
        guard case .progress = event, first else { return }
        first = false
        started.add(1, ordering: .sequentiallyConsistent)
        let deadline = Date().addingTimeInterval(10)
        while started.load(ordering: .sequentiallyConsistent) < 2 && Date() < deadline { usleep(1000) }
        if started.load(ordering: .sequentiallyConsistent) == 2 { overlapped.add(1, ordering: .sequentiallyConsistent) }
      }
    })
    #expect(overlapped.load(ordering: .sequentiallyConsistent) == 2, "the two jobs did not run at the same time")
    #expect(outcomes.map(\.board.portPath) == ["1-1", "1-2"])
    #expect(outcomes.map(\.board.serialNumber) == boards.map(\.serialNumber))
    for (outcome, board) in zip(outcomes, boards) {
      #expect(outcome.verified, "\(outcome.board): \(outcome.errorText ?? "")")
      #expect(board.memory(at: 0x0800_0000, count: Self.image.count) == Self.image)
      #expect(outcome.phases.map(\.phase).contains(.write) && outcome.phases.map(\.phase).contains(.verify))
    }
  }

  @Test func aBoardThatDisconnectsFailsAloneAndIsNamedAsADisconnect() throws {
    let clock = VirtualClock()
    let good = SimulatedSTM32(profile: .stm32f405, clock: clock)
    let faulty = SimulatedSTM32(profile: .stm32l476, clock: clock, faults: SimulatedFaults(disconnectAfterBytes: 8192))
    let other = SimulatedSTM32(profile: .stm32l476, clock: clock)
    let bus = SimulatedBus(boards: [good, faulty, other])
    let finished = Mutex<[String]>([])
    let outcomes = BenchFlash.run(try Self.request(), targets: Self.targets(bus), makeBus: { bus }, clock: clock,
                                  logger: .silent, observer: { _ in { _ in } },
                                  finished: { o in finished.withLock { $0.append(o.board.portPath) } })
    #expect(Set(finished.withLock { $0 }) == ["1-1", "1-2", "1-3"], "every board reports as it finishes")
    #expect(outcomes[0].verified && outcomes[2].verified)
    #expect(good.memory(at: 0x0800_0000, count: Self.image.count) == Self.image)
    #expect(other.memory(at: 0x0800_0000, count: Self.image.count) == Self.image)
    #expect(!outcomes[1].verified)
    guard case .failure(.deviceLost(let loss)) = outcomes[1].result else {
      Issue.record("expected a device loss, got \(outcomes[1].result)")
      return
    }
    #expect(loss.phase == .write)
    #expect(outcomes[1].errorText?.contains("the device disconnected during") == true)
  }

  @Test func aBoardWhoseChipIsUnknownFailsWithoutStoppingTheOthers() throws {
    let clock = VirtualClock()
    let bus = SimulatedBus(boards: [SimulatedSTM32(profile: .stm32f405, clock: clock),
                                    SimulatedSTM32(profile: .stm32l476, clock: clock)])
    var targets = Self.targets(bus)
    targets[0].identity = .failure(.usage("--family l4 does not match this device"))
    let outcomes = BenchFlash.run(try Self.request(), targets: targets, makeBus: { bus }, clock: clock, logger: .silent,
                                  observer: { _ in { _ in } })
    #expect(outcomes[0].errorText == "--family l4 does not match this device")
    #expect(bus.boards[0].counters.bytesDownloaded == 0)
    #expect(outcomes[1].verified)
  }

  /// Some ROMs (STM32L496) report a new serial after each power cycle: the port decides.
  @Test func aBoardIsKnownByItsPortFirstAndItsSerialSecond() {
    let a = BoardIdentity(portPath: "1-2", serialNumber: "2079288A5533")
    #expect(a.isSameBoard(as: BoardIdentity(portPath: "1-2", serialNumber: "207A398B5533")))
    #expect(!a.isSameBoard(as: BoardIdentity(portPath: "1-3", serialNumber: "2079288A5533")))
    #expect(BoardIdentity(portPath: "1-0", serialNumber: "X").isSameBoard(as: BoardIdentity(portPath: "2-0", serialNumber: "X")))
    #expect(!BoardIdentity(portPath: "1-0", serialNumber: nil).isSameBoard(as: BoardIdentity(portPath: "1-0", serialNumber: nil)))
  }

  @Test func theRecordAppendsOneCompleteJSONLinePerBoardAndKeepsWhatWasThere() throws {
    let path = NSTemporaryDirectory() + "bench-\(UUID().uuidString).jsonl"
    try Data("{\"earlier\":true}\n".utf8).write(to: URL(fileURLWithPath: path))
    let log = try BenchRecordLog(path: path)
    let outcome = BenchOutcome(board: BoardIdentity(portPath: "1-4", serialNumber: nil), chip: "STM32F405",
                               bootloaderVersion: "V2.2", startedAt: Date(timeIntervalSince1970: 0),
                               duration: .milliseconds(1500),
                               phases: [.init(phase: .erase, duration: .milliseconds(500))],
                               result: .failure(.device("gone")))
    try log.append(BenchRecord(outcome, file: "app.bin", fileCRC32: 0xAB, options: .init(FlashOptions(), leave: false)))
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 2 && lines[0] == "{\"earlier\":true}")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
    #expect(json["time"] as? String == "1970-01-01T00:00:00.000Z")
    #expect(json["port"] as? String == "1-4" && json["serial"] is NSNull)
    #expect(json["fileCRC32"] as? String == "000000AB" && json["result"] as? String == "failed")
    #expect(json["error"] as? String == "gone" && json["verified"] as? Bool == false)
    #expect((json["phases"] as? [String: Double])?["erase"] == 0.5 && json["durationSeconds"] as? Double == 1.5)
  }

  @Test func aRecordFileThatCannotBeOpenedIsRefusedByName() {
    #expect(throws: JobError.output("cannot open the record file /nonexistent-dir/r.jsonl for appending: No such file or directory")) {
      _ = try BenchRecordLog(path: "/nonexistent-dir/r.jsonl")
    }
  }
}

/// Loop mode's plug bookkeeping: one flash per plug, never two at once on a board.
@Suite struct PlugTrackerTests {
  static func device(_ port: UInt8, address: UInt8 = 5, serial: String? = nil) -> DFUDeviceInfo {
    DFUDeviceInfo(vendorID: 0x0483, productID: 0xDF11, deviceRelease: 0x2200, manufacturer: nil, product: nil,
                  serialNumber: serial, busNumber: 1, portNumbers: [port], deviceAddress: address, interfaceNumber: 0,
                  interfaceProtocol: 2, alternateSettings: [], functionalDescriptor: nil)
  }

  @Test func aBoardIsStartedOncePerPlugAndAReplugDuringItsJobWaitsForIt() {
    var tracker = PlugTracker()
    #expect(tracker.poll([Self.device(1)]).map(\.path) == ["1-1"])
    #expect(tracker.poll([Self.device(1), Self.device(2)]).map(\.path) == ["1-2"], "a board that stays is not restarted")
    #expect(tracker.poll([Self.device(2)]).isEmpty)  // 1-1 unplugged mid-job
    #expect(tracker.poll([Self.device(1, address: 9), Self.device(2)]).isEmpty, "1-1's first job still runs")
    #expect(tracker.finished(port: "1-1")?.deviceAddress == 9, "the re-plug starts when the first job ends")
    #expect(tracker.busyPorts == ["1-1", "1-2"])
    #expect(tracker.finished(port: "1-2") == nil)
    #expect(tracker.poll([Self.device(1, address: 9), Self.device(2)]).isEmpty, "1-2 stayed: no second flash")
    #expect(tracker.finished(port: "1-1") == nil)
    #expect(tracker.poll([Self.device(2)]).isEmpty)
    #expect(tracker.poll([Self.device(1, address: 11), Self.device(2)]).map(\.path) == ["1-1"], "a new plug, a new flash")
  }

  @Test func aBoardBackInTheBootloaderSoonAfterItsLeaveIsNotFlashedAgain() {
    var tracker = PlugTracker()
    let board = Self.device(2, address: 5, serial: "S2")
    #expect(tracker.poll([board], at: .seconds(0)).count == 1)
    #expect(tracker.finished(port: "1-2", left: PlugTracker.Leave(serialNumber: "S2", at: .seconds(3))) == nil)
    #expect(tracker.poll([], at: .seconds(3.1)).isEmpty)  // it left: the application runs …
    #expect(tracker.poll([Self.device(2, address: 6, serial: "S2")], at: .seconds(4)).isEmpty, "… and reset into the ROM")
    #expect(tracker.takeReturns().map(\.after) == [.seconds(1)])
    #expect(tracker.takeReturns().isEmpty, "reported once")
    #expect(tracker.poll([Self.device(2, address: 6, serial: "S2")], at: .seconds(5)).isEmpty, "left alone while it stays")
    #expect(tracker.poll([], at: .seconds(6)).isEmpty)
    #expect(tracker.poll([Self.device(2, address: 7, serial: "S2")], at: .seconds(7)).count == 1, "unplugged and plugged in again: a new flash")
  }

  @Test func aComeBackSeenWithoutAnEmptyPollIsCaughtByItsNewAddress() {
    var tracker = PlugTracker()
    #expect(tracker.poll([Self.device(1, address: 5, serial: "S1")], at: .seconds(0)).count == 1)
    // The board left and came back between two polls: only the device address tells.
    #expect(tracker.poll([Self.device(1, address: 8, serial: "S1")], at: .seconds(2)).isEmpty, "its job still runs")
    #expect(tracker.finished(port: "1-1", left: PlugTracker.Leave(serialNumber: "S1", at: .seconds(2.5))) == nil)
    #expect(tracker.takeReturns().map(\.device.deviceAddress) == [8])
    #expect(tracker.busyPorts.isEmpty)
  }

  @Test func anotherBoardOrALaterPlugOnThePortIsANewPlug() {
    var tracker = PlugTracker()
    _ = tracker.poll([Self.device(1, address: 5, serial: "S1")], at: .seconds(0))
    _ = tracker.finished(port: "1-1", left: PlugTracker.Leave(serialNumber: "S1", at: .seconds(1)))
    _ = tracker.poll([], at: .seconds(1.5))
    #expect(tracker.poll([Self.device(1, address: 6, serial: "S9")], at: .seconds(3)).count == 1, "another serial")
    _ = tracker.finished(port: "1-1", left: PlugTracker.Leave(serialNumber: "S9", at: .seconds(4)))
    _ = tracker.poll([], at: .seconds(4.5))
    let late = .seconds(4) + PlugTracker.comeBackWindow + .seconds(1)
    #expect(tracker.poll([Self.device(1, address: 7, serial: "S9")], at: late).count == 1, "past the window")
    _ = tracker.finished(port: "1-1")  // no leave (no --leave): nothing to come back from
    _ = tracker.poll([], at: late + .seconds(1))
    #expect(tracker.poll([Self.device(1, address: 9, serial: "S9")], at: late + .seconds(2)).count == 1)
    #expect(tracker.takeReturns().isEmpty)
  }

  @Test func aReplugThatLeavesAgainBeforeItsTurnIsDropped() {
    var tracker = PlugTracker()
    _ = tracker.poll([Self.device(3)])
    _ = tracker.poll([])
    _ = tracker.poll([Self.device(3, address: 7)])
    _ = tracker.poll([])
    #expect(tracker.finished(port: "1-3") == nil)
  }
}

/// Loop mode with `--leave` on a board whose application does not start (BOOT0
/// held high and a crash): it comes back in the ROM at once. Flashing it again
/// would loop for ever; it is reported and left alone until unplugged.
@Suite struct BenchLoopComeBackTests {
  @Test func aBoardBackInTheBootloaderAfterItsLeaveIsReportedNotReflashed() throws {
    let clock = VirtualClock()
    let board = SimulatedSTM32(profile: .stm32f405, clock: clock,
                               faults: SimulatedFaults(applicationResetsToBootloader: true))
    let bus = SimulatedBus(boards: [board])
    var request = try BenchFlashTests.request()
    request.leaveAfter = true
    let finished = Mutex<[BenchOutcome]>([])
    let returns = Mutex<[PlugTracker.Return]>([])
    let stop = Atomic<Bool>(false)
    let loop = BenchLoop(request, makeBus: { bus }, clock: clock, logger: .silent,
                         identify: { .success(ChipIdentity.identify($0)) }, observer: { _ in { _ in } },
                         finished: { o in finished.withLock { $0.append(o) } },
                         cameBack: { r in returns.withLock { $0.append(r) } })
    let all = Mutex<[BenchOutcome]>([])
    let done = DispatchSemaphore(value: 0)
    Thread {
      let outcomes = loop.run(listDevices: { bus.devices() }, interval: .milliseconds(5), pollClock: SystemClock(),
                              shouldStop: { stop.load(ordering: .sequentiallyConsistent) })
      all.withLock { $0 = outcomes }
      done.signal()
    }.start()
    func waitFor(_ what: String, _ condition: () -> Bool) {
      let deadline = Date().addingTimeInterval(30)
      while !condition() && Date() < deadline { usleep(2000) }
      #expect(condition(), "timed out waiting for \(what)")
    }
    waitFor("the first come-back") { returns.withLock { $0.count } == 1 }
    usleep(300_000)  // many polls with the board back on the bus
    let flashes = finished.withLock { $0.count }
    let returnedSerial = returns.withLock { $0.first?.device.serialNumber }
    #expect(flashes == 1, "flashed once, not again on its return")
    #expect(returnedSerial == board.serialNumber)
    board.unplug()
    usleep(50_000)
    board.reconnect()
    waitFor("the second come-back") { returns.withLock { $0.count } == 2 }
    stop.store(true, ordering: .sequentiallyConsistent)
    #expect(done.wait(timeout: .now() + 30) == .success)
    let outcomes = all.withLock { $0 }
    #expect(outcomes.count == 2, "a real re-plug is a new flash")
    #expect(outcomes.filter(\.verified).count == 2)
    #expect(board.counters.enumerations >= 4)
  }
}

/// A board just plugged in whose strings cannot be read yet (udev grants access a moment
/// later): loop mode waits for them instead of failing the board at once.
@Suite struct BenchLoopDescribeGraceTests {
  static func unreadable(_ device: DFUDeviceInfo) -> DFUDeviceInfo {
    var info = device
    info.serialNumber = nil
    info.alternateSettings = info.alternateSettings.map { DFUAlternateSetting(number: $0.number, name: nil) }
    info.stringsUnavailableReason = "LIBUSB_ERROR_ACCESS"
    return info
  }

  @Test func aBoardIsFlashedOnceItsStringsCanBeReadNotFailedBefore() throws {
    let clock = VirtualClock()
    let board = SimulatedSTM32(profile: .stm32f405, clock: clock)
    let bus = SimulatedBus(boards: [board])
    let polls = Atomic<Int>(0)
    let finished = Mutex<[BenchOutcome]>([])
    let loop = BenchLoop(try BenchFlashTests.request(), makeBus: { bus }, clock: clock, logger: .silent,
                         identify: { .success(ChipIdentity.identify($0)) }, observer: { _ in { _ in } },
                         finished: { o in finished.withLock { $0.append(o) } })
    let outcomes = loop.run(listDevices: {
      // The first five polls (0.5 s) see the board without access to its strings.
      let n = polls.add(1, ordering: .sequentiallyConsistent).newValue
      return n <= 5 ? bus.devices().map(Self.unreadable) : bus.devices()
    }, interval: .milliseconds(100), pollClock: SystemClock(), shouldStop: {
      finished.withLock { !$0.isEmpty } || polls.load(ordering: .sequentiallyConsistent) > 100
    })
    #expect(outcomes.count == 1)
    #expect(outcomes.first?.verified == true, "\(outcomes.first?.errorText ?? "no outcome")")
    #expect(outcomes.first?.board.serialNumber == board.serialNumber)
  }

  @Test func aBoardThatStaysUnreadableIsStartedAfterTheGraceAndSaysWhy() {
    var since: [String: Duration] = [:]
    let info = Self.unreadable(BenchFlashTests.targets(SimulatedBus(boards: [SimulatedSTM32(profile: .stm32f405, clock: VirtualClock())]))[0].device)
    #expect(BenchLoop.describedOrWaitedFor([info], now: .seconds(10), since: &since).isEmpty)
    #expect(BenchLoop.describedOrWaitedFor([info], now: .seconds(11), since: &since).isEmpty)
    #expect(BenchLoop.describedOrWaitedFor([info], now: .seconds(12), since: &since).count == 1, "2 s later")
    #expect(BenchLoop.describedOrWaitedFor([], now: .seconds(13), since: &since).isEmpty)
    #expect(since.isEmpty, "forgotten once it left")
  }
}
