import DfuSe
import Foundation
import Logging
import Testing
@testable import TUI

/// The run loop on the headless terminal with a recording service.
@Suite struct AppRunnerTests {
  final class RecordingService: DeviceService {
    var calls: [String] = []
    func start(post: @escaping @Sendable (Event) -> Void) { calls.append("start") }
    func refresh() { calls.append("refresh") }
    func flash(_ request: FlashRequest) { calls.append("flash \(request.fileName)") }
    func readSector(deviceID: String, alternate: UInt8, address: UInt32, count: Int) { calls.append("read \(hex32(address))") }
    func readOptionBytes(deviceID: String) { calls.append("options") }
    func writeOptionBytes(deviceID: String, before: OptionBytes, after: OptionBytes, phrase: String?) { calls.append("write") }
    func startBatch(_ request: BatchRequest) { calls.append("batch \(request.mode.rawValue)") }
    func stopBatch(cancelRunning: Bool) { calls.append("stop batch\(cancelRunning ? " (cancel)" : "")") }
    func cancel(deviceID: String) { calls.append("cancel") }
    func shutdown(timeout: Duration) { calls.append("shutdown") }
  }

  @Test func keysReachTheServiceAndOnlyChangedCellsAreDrawn() {
    let terminal = HeadlessTerminal(width: 80, height: 24)
    let service = RecordingService()
    let app = TUIApp(terminal: terminal, service: service, state: Fixtures.state(), levels: LogLevelSwitch(.info))
    app.draw()
    #expect(terminal.lastChangedCells == 80 * 24)
    app.draw()
    #expect(terminal.lastChangedCells == 0)
    app.handle(.key(.char("2")))
    app.handle(.key(.enter))
    app.draw()
    #expect(service.calls == ["read 0x08000000"])
    #expect(terminal.lastChangedCells > 0 && terminal.lastChangedCells < 80 * 24)
    #expect(terminal.screen.text.contains("Reading"))
  }

  @Test func resizeBelowTheMinimumAndBack() {
    let terminal = HeadlessTerminal(width: 80, height: 24)
    let app = TUIApp(terminal: terminal, service: RecordingService(), state: Fixtures.state(), levels: LogLevelSwitch(.info))
    terminal.resize(width: 60, height: 20)
    app.step()
    #expect(terminal.screen.text.contains("enlarge the terminal"))
    terminal.resize(width: 100, height: 30)
    app.step()
    #expect(terminal.screen.text.contains("DFU devices"))
    #expect(terminal.screen.width == 100)
  }

  @Test func quitRestoresTheTerminal() {
    let terminal = HeadlessTerminal(width: 80, height: 24)
    terminal.pendingInput = [.key(.char("q"))]
    let service = RecordingService()
    let app = TUIApp(terminal: terminal, service: service, state: Fixtures.state(), levels: LogLevelSwitch(.info))
    #expect(app.run() == 0)
    #expect(terminal.restored)
    #expect(service.calls.first == "start" && service.calls.last == "shutdown")
  }

  @Test func sigtermQuitsWith143AndRestores() {
    let terminal = HeadlessTerminal(width: 80, height: 24)
    terminal.pendingInput = [.signal(15)]
    let app = TUIApp(terminal: terminal, service: RecordingService(), state: Fixtures.state(), levels: LogLevelSwitch(.info))
    #expect(app.run() == 143)
    #expect(terminal.restored)
  }

  @Test func ctrlZSuspendsAndRedraws() {
    let terminal = HeadlessTerminal(width: 80, height: 24)
    let app = TUIApp(terminal: terminal, service: RecordingService(), state: Fixtures.state(), levels: LogLevelSwitch(.info))
    app.handle(.key(.ctrl("z")))
    #expect(terminal.suspensions == 1)
  }

  @Test func workerEventsWakeTheLoop() {
    let terminal = HeadlessTerminal(width: 80, height: 24)
    let app = TUIApp(terminal: terminal, service: RecordingService(), state: Fixtures.state(), levels: LogLevelSwitch(.info))
    app.post(.log(LogEntry(time: 0, level: .info, "from a worker")))
    app.step()
    #expect(app.state.log.last?.text == "from a worker")
  }
}
