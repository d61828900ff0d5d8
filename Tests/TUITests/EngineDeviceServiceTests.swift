import DfuSe
import DfuSeSimulator
import Foundation
import Logging
import Synchronization
import Testing
@testable import TUI

/// The real service over the engine, on the in-process simulated L476: jobs
/// run on worker threads and come back as events.
@Suite struct EngineDeviceServiceTests {
  final class Inbox: Sendable {
    let events = Mutex<[Event]>([])
    func post(_ e: Event) { events.withLock { $0.append(e) } }

    /// Waits (up to 20 s) for an event matching `match`.
    func wait<T>(_ match: (Event) -> T?) -> T? {
      let end = Date().addingTimeInterval(20)
      while Date() < end {
        let seen = events.withLock { $0 }
        if let hit = seen.lazy.compactMap(match).first { return hit }
        Thread.sleep(forTimeInterval: 0.01)
      }
      return nil
    }

    func finished(_ kind: JobKind) -> JobOutcome? {
      wait { if case .jobFinished(_, kind, let o, _) = $0 { return o } else { return nil } }
    }
  }

  func service(_ bus: SimulatedBus) -> (EngineDeviceService, Inbox, String) {
    let inbox = Inbox()
    let logger = Logger(label: "test") { _ in LogPaneHandler(level: LogLevelSwitch(.info)) { inbox.post($0) } }
    let s = EngineDeviceService(bus: bus, clock: bus.boards[0].clock, logger: logger, pollInterval: .milliseconds(50))
    s.start(post: { inbox.post($0) })
    let id = inbox.wait { if case .devices(let d) = $0 { return d.first?.id } else { return nil } }!
    return (s, inbox, id)
  }

  @Test func flashesVerifiesAndReportsProgress() throws {
    let bus = Fixtures.bus()
    let (s, inbox, id) = service(bus)
    defer { s.shutdown(timeout: .seconds(2)) }
    let image = Fixtures.image()
    let firmware = LoadedFirmware(format: .raw, targets: [FirmwareTarget(image: image)])
    s.flash(FlashRequest(deviceID: id, alternate: 0, firmware: firmware, fileName: "app.bin", options: FlashOptions(), leave: false))
    let outcome = try #require(inbox.finished(.flash))
    guard case .flashed(let verified, _, let actions, _, _) = outcome else { Issue.record("\(outcome)"); return }
    #expect(verified)
    #expect(actions.count == 3)
    #expect(bus.boards[0].memory(at: 0x0800_0000, count: image.byteCount) == image.segments[0].bytes)
    let phases = inbox.events.withLock { $0.compactMap { e -> OperationPhase? in
      if case .jobProgress(_, let p, _) = e { return p.phase } else { return nil } } }
    #expect(Set(phases).isSuperset(of: [.erase, .write, .verify]))
  }

  @Test func readsASectorAndTheOptionBytes() throws {
    let bus = Fixtures.bus()
    bus.boards[0].poke(at: 0x0800_0800, bytes: [1, 2, 3])
    let (s, inbox, id) = service(bus)
    defer { s.shutdown(timeout: .seconds(2)) }
    s.readSector(deviceID: id, alternate: 0, address: 0x0800_0800, count: 2048)
    guard case .sectorRead(let address, let bytes)? = inbox.finished(.readSector) else { Issue.record("no read"); return }
    #expect(address == 0x0800_0800 && bytes.prefix(4) == [1, 2, 3, 0xFF])
    s.readOptionBytes(deviceID: id)
    guard case .optionBytesRead(let ob)? = inbox.finished(.readOptions) else { Issue.record("no option bytes"); return }
    #expect(ob.readProtection == .level0)
  }

  @Test func writesConfirmedOptionBytesAndReadsThemBack() throws {
    let bus = Fixtures.bus()
    let (s, inbox, id) = service(bus)
    defer { s.shutdown(timeout: .seconds(2)) }
    let before = Fixtures.optionBytes()
    var after = before
    try after.set(after.layout.field(named: "IWDG_SW")!, to: 0)
    s.writeOptionBytes(deviceID: id, before: before, after: after, phrase: nil)
    guard case .optionBytesWritten(let verified, _, let back)? = inbox.finished(.writeOptions) else {
      Issue.record("\(inbox.events.withLock { $0 })"); return
    }
    #expect(verified)
    #expect(back?.value(of: "IWDG_SW") == 0)
  }

  @Test func unplugMidFlashFailsClearlyAndTheBoardKeepsWhatWasWritten() throws {
    let bus = Fixtures.bus()
    bus.boards[0].faults.disconnectAfterBytes = 2048
    let (s, inbox, id) = service(bus)
    defer { s.shutdown(timeout: .seconds(2)) }
    s.flash(FlashRequest(deviceID: id, alternate: 0, firmware: Fixtures.firmware(Fixtures.image()), fileName: "app.bin", options: FlashOptions(), leave: false))
    guard case .failed(let message, let hint, _)? = inbox.finished(.flash) else { Issue.record("expected a failure"); return }
    #expect(message.contains("disconnected") && message.contains("write phase") && message.contains("erased"))
    #expect(hint.contains("diff"))
  }

  @Test func cancelStopsBetweenTransfers() throws {
    let bus = SimulatedBus(boards: [SimulatedSTM32(profile: .stm32l476, clock: SystemClock(), serialNumber: "CANCEL01")])
    bus.link = .fullSpeed
    let (s, inbox, id) = service(bus)
    defer { s.shutdown(timeout: .seconds(2)) }
    let big = Fixtures.image(bytes: 256 * 1024)
    s.flash(FlashRequest(deviceID: id, alternate: 0, firmware: Fixtures.firmware(big), fileName: "big.bin", options: FlashOptions(), leave: false))
    _ = inbox.wait { if case .jobProgress(_, let p, _) = $0, p.phase == .write { return true } else { return nil } }
    s.cancel(deviceID: id)
    guard case .cancelled(let why)? = inbox.finished(.flash) else { Issue.record("expected cancelled"); return }
    #expect(why.contains("between two USB transfers"))
  }

  @Test func refusesWriteProtectedSectorsBeforeErasing() throws {
    let bus = Fixtures.bus()
    let (s, inbox, id) = service(bus)
    defer { s.shutdown(timeout: .seconds(2)) }
    // WRP1A covering pages 0…1 (RM0351 §3.4.1: WRP1A_STRT ≤ page ≤ WRP1A_END).
    let before = Fixtures.optionBytes()
    var after = before
    try after.set(after.layout.field(named: "WRP1A_STRT")!, to: 0)
    try after.set(after.layout.field(named: "WRP1A_END")!, to: 1)
    s.writeOptionBytes(deviceID: id, before: before, after: after, phrase: nil)
    _ = inbox.finished(.writeOptions)
    inbox.events.withLock { $0 = [] }
    s.refresh()
    let erases = bus.boards[0].counters.pageErases
    s.flash(FlashRequest(deviceID: id, alternate: 0, firmware: Fixtures.firmware(Fixtures.image()), fileName: "app.bin", options: FlashOptions(), leave: false))
    guard case .failed(let message, _, _)? = inbox.finished(.flash) else { Issue.record("expected a refusal"); return }
    #expect(message.contains("write-protected"))
    #expect(bus.boards[0].counters.pageErases == erases)
  }
}
