import DfuSe
import Testing
@testable import TUI

/// Every screen rendered into the headless buffer and compared with its
/// golden text file, at 80×24 and 120×40.
@Suite struct ScreenGoldenTests {
  static let sizes = [(80, 24), (120, 40)]

  func check(_ state: AppState, _ name: String, glyphs: Glyphs = .unicode) {
    Golden.check(AppView.render(state, glyphs: glyphs).text, name)
  }

  @Test(arguments: sizes) func devices(size: (Int, Int)) {
    check(Fixtures.state(width: size.0, height: size.1), "devices-\(size.0)x\(size.1)")
  }

  @Test(arguments: sizes) func memoryWithADumpThatDiffers(size: (Int, Int)) {
    var s = Fixtures.flashState(width: size.0, height: size.1)
    s.screen = .memory
    var bytes = Array(Fixtures.image().segments[0].bytes.prefix(2048))
    bytes[0x12] ^= 0xFF
    _ = update(&s, .jobFinished(deviceID: s.selectedDeviceID!, .readSector, .sectorRead(address: 0x0800_0000, bytes: bytes), at: 0))
    s.memory.marks[0x0800_0800] = .blank
    s.status = ""
    check(s, "memory-\(size.0)x\(size.1)")
  }

  @Test(arguments: sizes) func optionsWithAPendingChange(size: (Int, Int)) {
    var s = Fixtures.optionsState(width: size.0, height: size.1)
    let i = s.optionFields.firstIndex { $0.field.name == "BFB2" }!
    s.options.fields.selected = i
    Fixtures.press(&s, [.enter] + Fixtures.type("1") + [.enter])
    s.status = ""
    check(s, "options-\(size.0)x\(size.1)")
  }

  @Test(arguments: sizes) func flashPlanAndBrowser(size: (Int, Int)) {
    check(Fixtures.flashState(width: size.0, height: size.1), "flash-\(size.0)x\(size.1)")
  }

  @Test(arguments: sizes) func flashInProgress(size: (Int, Int)) {
    var s = Fixtures.flashState(width: size.0, height: size.1)
    Fixtures.press(&s, [.char("f"), .char("y")])
    let id = s.selectedDeviceID!
    _ = update(&s, .jobProgress(deviceID: id, OperationProgress(phase: .erase, completedBytes: 6144, totalBytes: 6144), at: 0.5))
    _ = update(&s, .jobProgress(deviceID: id, OperationProgress(phase: .write, completedBytes: 2048, totalBytes: 4112), at: 0.5))
    _ = update(&s, .jobProgress(deviceID: id, OperationProgress(phase: .write, completedBytes: 2048, totalBytes: 4112), at: 1.5))
    s.now = 1.5
    s.log = []
    check(s, "flash-progress-\(size.0)x\(size.1)")
  }

  @Test func flashResultListsMismatchedRanges() {
    var s = Fixtures.flashState()
    Fixtures.press(&s, [.char("f"), .char("y")])
    _ = update(&s, .jobFinished(deviceID: s.selectedDeviceID!, .flash,
                                .failed(message: "verify FAILED: the board holds different data than the file",
                                        hint: "Flash again.", mismatches: [0x0800_0010...0x0800_0013]), at: 1))
    s.status = ""
    check(s, "flash-verify-failed-80x24")
  }

  /// Loop mode with four boards: one writing, one verified, one failed, one unplugged mid-erase.
  static func batchWithMixedRows(width: Int, height: Int) -> AppState {
    var s = Fixtures.flashState(width: width, height: height)
    s.batch.recordPath = "/bench/records.jsonl"
    s.now = 100
    Fixtures.press(&s, [.char("6"), .char("l"), .char("y")])
    let boards = [("1-1", "2079TEST0001", "STM32L476"), ("1-2", "2079TEST0002", "STM32F405"),
                  ("1-3", "2079TEST0003", "STM32L476"), ("1-4", "2079TEST0004", "STM32L476")]
    for (port, serial, chip) in boards { _ = update(&s, .batchBoardStarted(port: port, serial: serial, chip: chip, at: 100)) }
    func progress(_ port: String, _ phase: OperationPhase, _ done: Int, _ total: Int, at: Double) {
      _ = update(&s, .batchProgress(port: port, OperationProgress(phase: phase, completedBytes: done, totalBytes: total), at: at))
    }
    progress("1-1", .write, 2048, 4112, at: 104)
    progress("1-2", .verify, 4112, 4112, at: 111)
    _ = update(&s, .batchBoardFinished(port: "1-2", .verified, recordProblem: nil, at: 112.4))
    progress("1-3", .verify, 1024, 4112, at: 109)
    let verifyFailed = batchResult(EngineDeviceService.outcome(.flash(.device(.verifyFailed(mismatches: [0x0800_0010...0x0800_0013])))))
    _ = update(&s, .batchBoardFinished(port: "1-3", verifyFailed, recordProblem: nil, at: 109.5))
    progress("1-4", .erase, 2048, 6144, at: 103)
    _ = update(&s, .batchBoardFinished(port: "1-4", .disconnected(detail: "the device disconnected during erase"),
                                       recordProblem: nil, at: 103.2))
    s.now = 118
    s.status = ""
    s.log = []
    return s
  }

  @Test(arguments: sizes) func batchWithRunningVerifiedFailedAndDisconnectedBoards(size: (Int, Int)) {
    var s = Self.batchWithMixedRows(width: size.0, height: size.1)
    if size.0 > 80 { Fixtures.press(&s, [.down, .down, .enter]) }  // the failed board's details
    check(s, "batch-\(size.0)x\(size.1)")
  }

  @Test func batchInAscii() {
    check(Self.batchWithMixedRows(width: 80, height: 24), "batch-ascii-80x24", glyphs: .ascii)
  }

  @Test func batchIdleWithoutAFile() {
    var s = Fixtures.state()
    s.screen = .batch
    check(s, "batch-nofile-80x24")
  }

  @Test func logHelpDialogAndTooSmall() {
    var s = Fixtures.state()
    s.screen = .log
    s.log = [LogEntry(time: 0, level: .info, "Board 1-1 plugged in."), LogEntry(time: 1, level: .error, "write failed")]
    var text = AppView.render(s).text
    #expect(text.contains("Board 1-1 plugged in.") && text.contains("write failed"))
    s.showHelp = true
    text = AppView.render(s).text
    #expect(text.contains("Keys — any key closes") && text.contains("Ctrl-Z"))
    s.showHelp = false
    s.width = 79
    check(s, "too-small-79x24")
    s.width = 80
    s.height = 23
    #expect(AppView.render(s).text.contains("enlarge the terminal"))
  }

  @Test func asciiFallbackHasNoBoxDrawing() {
    let text = AppView.render(Fixtures.flashState(), glyphs: .ascii).text
    #expect(!text.contains("─") && !text.contains("│") && !text.contains("▶"))
    #expect(text.contains("+-"))
  }

  @Test func everySizeFromNothingUpRendersWithoutTrapping() {
    var states = [Fixtures.state(), Fixtures.optionsState(), Fixtures.flashState(), Self.batchWithMixedRows(width: 80, height: 24)]
    var mem = Fixtures.flashState()
    mem.screen = .memory
    states.append(mem)
    for var s in states {
      for (w, h) in [(0, 0), (1, 1), (10, 3), (79, 23), (80, 24), (81, 25), (200, 60)] {
        s.width = w
        s.height = h
        s.showHelp = w == 81
        let b = AppView.render(s)
        #expect(b.width == w && b.height == h)
      }
    }
  }
}

/// The Log screen wraps a long message under its text instead of cutting it,
/// and, following the tail, always shows the newest entry.
@Suite struct LogViewTests {
  @Test func longMessagesWrapAndTheNewestStaysVisible() {
    var s = Fixtures.state(width: 80, height: 24)
    s.screen = .log
    for i in 0..<40 { s.addLog(.info, "line \(i)") }
    let long = "the device disconnected during write: DNLOAD block 3 (2048 B at 0x08001000); Reconnect the board "
      + "and rerun the same command with --diff: sectors that already hold the image are skipped (END)"
    s.addLog(.error, long)
    let text = AppView.render(s).text
    #expect(text.contains("(END)"), "the end of a long message is on screen:\n\(text)")
    #expect(text.contains("--diff"))
    #expect(!text.contains("line 0 "), "old entries scrolled away")
  }
}
