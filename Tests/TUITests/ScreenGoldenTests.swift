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
    var states = [Fixtures.state(), Fixtures.optionsState(), Fixtures.flashState()]
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
