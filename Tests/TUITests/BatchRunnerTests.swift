import DfuSe
import DfuSeSimulator
import Foundation
import Logging
import Synchronization
import Testing
@testable import TUI

/// Batches through the real ``EngineDeviceService`` on in-process simulated
/// boards (issue 14): boards in parallel, a pulled cable confined to its board,
/// one audit line per board, loop mode once per plug.
@Suite struct BatchRunnerTests {
  typealias Inbox = EngineDeviceServiceTests.Inbox
  static let image = Fixtures.image(bytes: 12 * 1024)

  static func service(_ bus: SimulatedBus, expecting count: Int) -> (EngineDeviceService, Inbox) {
    let inbox = Inbox()
    let s = EngineDeviceService(bus: bus, clock: bus.boards[0].clock, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                                pollInterval: .milliseconds(50))
    s.start(post: { inbox.post($0) })
    _ = inbox.wait { if case .devices(let d) = $0, d.count == count { return true } else { return nil } }
    return (s, inbox)
  }

  static func request(_ mode: BatchMode, record: String?) -> BatchRequest {
    BatchRequest(mode: mode, firmware: Fixtures.firmware(image), filePath: "/fw/app.bin", fileCRC32: 0xCAFE_F00D, alternate: 0,
                 options: FlashOptions(), leave: false, recordPath: record)
  }

  static func recordPath() -> String { NSTemporaryDirectory() + "batch-\(UUID().uuidString).jsonl" }

  static func ends(_ inbox: Inbox) -> [(port: String, result: BatchResult)] {
    inbox.events.withLock { $0.compactMap { e in
      if case .batchBoardFinished(let port, let result, _, _) = e { return (port, result) } else { return nil } } }
  }

  static func batchEnded(_ inbox: Inbox) -> String?? {
    inbox.wait { if case .batchEnded(let problem, _) = $0 { return problem } else { return nil } }
  }

  @Test func threeBoardsTwoVerifyTheUnpluggedOneFailsAsADisconnectAndTheRecordHasThreeLines() throws {
    let clock = VirtualClock()
    let boards = [SimulatedSTM32(profile: .stm32l476, clock: clock, serialNumber: "A1"),
                  SimulatedSTM32(profile: .stm32f405, clock: clock, serialNumber: "B2"),
                  SimulatedSTM32(profile: .stm32l476, clock: clock, serialNumber: "C3",
                                 faults: SimulatedFaults(disconnectAfterBytes: 2048))]
    let bus = SimulatedBus(boards: boards)
    let (s, inbox) = Self.service(bus, expecting: 3)
    defer { s.shutdown(timeout: .seconds(5)) }
    let record = Self.recordPath()
    defer { try? FileManager.default.removeItem(atPath: record) }
    s.startBatch(Self.request(.present, record: record))
    let ended = try #require(Self.batchEnded(inbox))
    #expect(ended == nil)
    let ends = Dictionary(Self.ends(inbox).map { ($0.port, $0.result) }, uniquingKeysWith: { a, _ in a })
    #expect(ends.count == 3)
    #expect(ends["1-1"] == .verified && ends["1-2"] == .verified)
    guard case .disconnected(let detail)? = ends["1-3"] else { Issue.record("1-3: \(String(describing: ends["1-3"]))"); return }
    #expect(detail.contains("disconnected during"))
    for board in boards.prefix(2) {
      #expect(board.memory(at: 0x0800_0000, count: Self.image.byteCount) == Self.image.segments[0].bytes)
    }
    let started = inbox.events.withLock { $0.compactMap { e -> String? in
      if case .batchBoardStarted(let port, _, let chip, _) = e { return "\(port) \(chip)" } else { return nil } } }
    #expect(started.count == 3 && started.contains { $0.hasPrefix("1-2 STM32F40") }, "\(started)")
    // The audit record: the CLI's format, one line per board, in the order they ended.
    let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 3)
    let json = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    #expect(Set(json.compactMap { $0["port"] as? String }) == ["1-1", "1-2", "1-3"])
    #expect(json.allSatisfy { $0["fileCRC32"] as? String == "CAFEF00D" && $0["file"] as? String == "/fw/app.bin" })
    let faulty = try #require(json.first { $0["port"] as? String == "1-3" })
    #expect(faulty["result"] as? String == "failed" && faulty["serial"] as? String == "C3")
    #expect((faulty["error"] as? String)?.contains("disconnected") == true)
  }

  @Test func progressIsThrottledPerBoard() {
    var throttle = ProgressThrottle()
    let now = Date()
    var admitted = 0
    for done in stride(from: 0, through: 64 * 1024, by: 256) {
      if throttle.admit(OperationProgress(phase: .write, completedBytes: done, totalBytes: 64 * 1024), now: now) { admitted += 1 }
    }
    #expect(admitted == 2, "the first and the last of 257 events in the same instant")
    let newPhase = throttle.admit(OperationProgress(phase: .verify, completedBytes: 0, totalBytes: 10), now: now)
    #expect(newPhase, "a new phase passes")
    let later = throttle.admit(OperationProgress(phase: .verify, completedBytes: 1, totalBytes: 10), now: now.addingTimeInterval(0.05))
    #expect(later, "25 a second")
  }

  @Test func aRecordFileThatCannotBeOpenedRefusesTheBatchBeforeAnyBoardIsTouched() throws {
    let bus = Fixtures.bus()
    let (s, inbox) = Self.service(bus, expecting: 1)
    defer { s.shutdown(timeout: .seconds(5)) }
    s.startBatch(Self.request(.present, record: "/nonexistent-dir/r.jsonl"))
    let problem = try #require(Self.batchEnded(inbox))
    #expect(problem?.contains("cannot open the record file /nonexistent-dir/r.jsonl") == true)
    #expect(bus.boards[0].counters.bytesDownloaded == 0)
    #expect(Self.ends(inbox).isEmpty)
  }

  /// Boards plugged at staggered times are each flashed once; a board that stays is not
  /// flashed again; a re-plug is a new plug; stopping ends the loop.
  @Test func loopModeFlashesEachPlugOnce() throws {
    let clock = VirtualClock()
    let boards = (1...3).map { SimulatedSTM32(profile: .stm32l476, clock: clock, serialNumber: "L\($0)") }
    boards[1].unplug()
    boards[2].unplug()
    let bus = SimulatedBus(boards: boards)
    let (s, inbox) = Self.service(bus, expecting: 1)
    defer { s.shutdown(timeout: .seconds(5)) }
    s.startBatch(Self.request(.loop, record: nil))
    func waitForEnds(_ n: Int) -> Bool { inbox.wait { _ in Self.ends(inbox).count >= n ? true : nil } ?? false }
    #expect(waitForEnds(1), "the board present at the start is flashed")
    boards[1].reconnect()
    Thread.sleep(forTimeInterval: 0.2)
    boards[2].reconnect()
    #expect(waitForEnds(3))
    Thread.sleep(forTimeInterval: 0.5)  // several polls with all three on the bus
    #expect(Self.ends(inbox).map(\.port).sorted() == ["1-1", "1-2", "1-3"], "once per plug, not once per poll")
    boards[0].unplug()
    Thread.sleep(forTimeInterval: 0.2)
    boards[0].reconnect()
    #expect(waitForEnds(4))
    #expect(Self.ends(inbox).map(\.port).filter { $0 == "1-1" }.count == 2, "a re-plug is flashed again")
    #expect(Self.ends(inbox).allSatisfy { $0.result == .verified })
    s.stopBatch(cancelRunning: false)
    let ended = try #require(Self.batchEnded(inbox))
    #expect(ended == nil)
  }

  /// Loop mode with leave after flash, on a board whose application resets into the ROM at
  /// once (BOOT0 held high): flashed once, reported as back, never flashed again and again.
  @Test func aBoardBackInTheBootloaderAfterItsLeaveIsReportedNotReflashed() throws {
    let clock = VirtualClock()
    let board = SimulatedSTM32(profile: .stm32l476, clock: clock, serialNumber: "L1",
                               faults: SimulatedFaults(applicationResetsToBootloader: true))
    let bus = SimulatedBus(boards: [board])
    let (s, inbox) = Self.service(bus, expecting: 1)
    defer { s.shutdown(timeout: .seconds(5)) }
    var request = Self.request(.loop, record: nil)
    request.leave = true
    s.startBatch(request)
    let back = inbox.wait { if case .batchBoardCameBack(let port, _, _) = $0 { return port } else { return nil } }
    #expect(back == "1-1")
    Thread.sleep(forTimeInterval: 0.5)  // many polls with the board back on the bus
    #expect(Self.ends(inbox).map(\.port) == ["1-1"], "flashed once")
    s.stopBatch(cancelRunning: false)
    _ = Self.batchEnded(inbox)
  }

  /// Counts the poller's listings.
  final class CountingBus: DFUBus, @unchecked Sendable {
    let inner: SimulatedBus
    let listings = Atomic<Int>(0)
    init(_ inner: SimulatedBus) { self.inner = inner }
    func devices() throws(TransportError) -> [DFUDeviceInfo] {
      listings.add(1, ordering: .sequentiallyConsistent)
      return try inner.devices()
    }
    func open(_ device: DFUDeviceInfo, alternateSetting: UInt8) throws(TransportError) -> any DFUTransport {
      try inner.open(device, alternateSetting: alternateSetting)
    }
  }

  /// While a loop waits for boards the bus is polled every 100 ms, not at the screens' 1 s,
  /// so a board on the bench starts as soon as it is plugged in (as with `write --each-new`).
  @Test func aLoopPollsTheBusOftenAndStopsDoingSoWhenItEnds() throws {
    let sim = Fixtures.bus()
    sim.boards[0].unplug()
    let bus = CountingBus(sim)
    let inbox = Inbox()
    let s = EngineDeviceService(bus: bus, clock: sim.boards[0].clock, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                                pollInterval: .seconds(1))
    s.start(post: { inbox.post($0) })
    defer { s.shutdown(timeout: .seconds(5)) }
    s.startBatch(Self.request(.loop, record: nil))
    Thread.sleep(forTimeInterval: 0.3)  // the poller's current 1 s wait ends, then the loop's pace
    let before = bus.listings.load(ordering: .sequentiallyConsistent)
    Thread.sleep(forTimeInterval: 1.5)
    let during = bus.listings.load(ordering: .sequentiallyConsistent) - before
    #expect(during >= 5, "\(during) listings in 1.5 s of loop (about 15 expected; 1 or 2 at the 1 s pace)")
    s.stopBatch(cancelRunning: false)
    _ = Self.batchEnded(inbox)
    Thread.sleep(forTimeInterval: 1.2)  // the last short wait ends
    let after = bus.listings.load(ordering: .sequentiallyConsistent)
    Thread.sleep(forTimeInterval: 1.5)
    let idle = bus.listings.load(ordering: .sequentiallyConsistent) - after
    #expect(idle <= 3, "\(idle) listings in 1.5 s after the loop ended (the screens' 1 s pace)")
  }

  @Test func shutdownCancelsAndJoinsTheBatch() throws {
    let bus = Fixtures.bus()
    let (s, inbox) = Self.service(bus, expecting: 1)
    bus.boards[0].unplug()
    s.startBatch(Self.request(.loop, record: nil))
    Thread.sleep(forTimeInterval: 0.1)
    s.shutdown(timeout: .seconds(5))
    #expect(inbox.events.withLock { $0.contains { if case .batchEnded = $0 { true } else { false } } },
            "the batch thread ended before shutdown returned")
  }

  @Test func singleBoardJobsAreRefusedByTheServiceDuringABatch() throws {
    let bus = Fixtures.bus()
    let (s, inbox) = Self.service(bus, expecting: 1)
    defer { s.shutdown(timeout: .seconds(5)) }
    bus.boards[0].unplug()
    s.startBatch(Self.request(.loop, record: nil))
    s.readOptionBytes(deviceID: "1-1")
    guard case .failed(let message, _, _)? = inbox.finished(.readOptions) else { Issue.record("not refused"); return }
    #expect(message.contains("a batch is running"))
  }
}
