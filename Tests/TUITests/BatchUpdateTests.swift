import DfuSe
import Foundation
import Logging
import Testing
@testable import TUI

/// The Batch screen (issue 14) through `update`: starting and stopping behind
/// confirmations, single-board jobs refused meanwhile, totals, bells.
@Suite struct BatchUpdateTests {
  /// The Flash screen's file loaded, on the Batch screen.
  static func batchScreen(width: Int = 80, height: Int = 24) -> AppState {
    var s = Fixtures.flashState(width: width, height: height)
    Fixtures.press(&s, [.char("6")])
    s.status = ""
    return s
  }

  static func expectedRequest(_ mode: BatchMode, record: String? = nil) -> BatchRequest {
    var options = FlashOptions()
    options.verify = true
    options.backup = false
    return BatchRequest(mode: mode, firmware: Fixtures.firmware(), filePath: "/fw/app.bin", fileCRC32: 0x1234_ABCD,
                        alternate: 0, options: options, leave: false, recordPath: record)
  }

  @Test func withoutAFileItSaysHowToChooseOne() {
    var s = Fixtures.state()
    Fixtures.press(&s, [.char("6")])
    #expect(s.screen == .batch)
    #expect(AppView.render(s).text.contains("No file loaded: press 4 and pick a file"))
    #expect(Fixtures.press(&s, [.char("s")]).isEmpty)
    #expect(s.dialog == nil && !s.batch.running)
    #expect(s.status.contains("press 4"))
  }

  @Test func sAsksFirstAndStartsEveryBoardPresent() {
    var s = Self.batchScreen()
    s.batch.recordPath = "/tmp/rec.jsonl"
    #expect(Fixtures.press(&s, [.char("s")]).isEmpty, "nothing starts before the confirmation")
    #expect(s.dialog == .confirmBatch(.present))
    let dialog = AppView.render(s).text
    #expect(dialog.contains("Flash every board?") && dialog.contains("1-1") && dialog.contains("/tmp/rec.jsonl"))
    #expect(Fixtures.press(&s, [.char("n")]).isEmpty)
    #expect(s.dialog == nil && !s.batch.running)
    let effects = Fixtures.press(&s, [.char("s"), .char("y")])
    #expect(effects == [.startBatch(Self.expectedRequest(.present, record: "/tmp/rec.jsonl"))])
    #expect(s.batch.mode == .present && s.batch.recordPath == "/tmp/rec.jsonl")
    #expect(Fixtures.press(&s, [.char("s")]).isEmpty && s.dialog == nil, "one batch at a time")
  }

  @Test func verificationIsAlwaysOnInABatch() {
    var s = Self.batchScreen()
    s.flash.options.verify = false
    s.flash.leave = true
    guard case .startBatch(let request)? = Fixtures.press(&s, [.char("l"), .enter]).first else {
      Issue.record("no batch"); return
    }
    #expect(request.options.verify && request.leave && request.mode == .loop)
  }

  @Test func loopStopsOnlyAfterAConfirmationWhileBoardsRun() {
    var s = Self.batchScreen()
    Fixtures.press(&s, [.char("l")])
    #expect(AppView.render(s).text.contains("boards present now are flashed too: 1-1"))
    #expect(Fixtures.press(&s, [.char("y")]) == [.startBatch(Self.expectedRequest(.loop))])
    _ = update(&s, .batchBoardStarted(port: "1-1", serial: "A", chip: "STM32L476", at: 1))
    #expect(Fixtures.press(&s, [.char("x")]).isEmpty)
    #expect(s.dialog == .confirmStopBatch)
    #expect(AppView.render(s).text.contains("running board(s) finish"))
    #expect(Fixtures.press(&s, [.escape]).isEmpty && s.dialog == nil && !s.batch.stopping)
    #expect(Fixtures.press(&s, [.char("x"), .char("y")]) == [.stopBatch(cancelRunning: false)])
    #expect(s.batch.stopping && s.batch.running, "the running board finishes first")
    _ = update(&s, .batchBoardFinished(port: "1-1", .verified, recordProblem: nil, at: 5))
    _ = update(&s, .batchEnded(problem: nil, at: 5))
    #expect(!s.batch.running && s.status.contains("Loop ended: 1 verified"))
  }

  @Test func anIdleLoopStopsAtOnceAndABatchOfPresentBoardsIsCancelled() {
    var s = Self.batchScreen()
    Fixtures.press(&s, [.char("l"), .char("y")])
    #expect(Fixtures.press(&s, [.char("x")]) == [.stopBatch(cancelRunning: false)])
    #expect(s.dialog == nil)
    _ = update(&s, .batchEnded(problem: nil, at: 1))
    Fixtures.press(&s, [.char("s"), .char("y")])
    _ = update(&s, .batchBoardStarted(port: "1-1", serial: "A", chip: "STM32L476", at: 1))
    #expect(Fixtures.press(&s, [.escape]).isEmpty && s.dialog == .confirmStopBatch)
    #expect(AppView.render(s).text.contains("Cancel the batch?"))
    #expect(Fixtures.press(&s, [.char("y")]) == [.stopBatch(cancelRunning: true)])
    #expect(s.batch.cancelling)
  }

  @Test func singleBoardJobsAreRefusedWhileABatchRuns() {
    var s = Self.batchScreen()
    Fixtures.press(&s, [.char("s"), .char("y")])
    Fixtures.press(&s, [.char("4")])
    #expect(Fixtures.press(&s, [.char("f")]).isEmpty && s.dialog == nil)
    #expect(s.status.contains("A batch is running (6 Batch)"))
    s.status = ""
    #expect(Fixtures.press(&s, [.char("2"), .enter]).isEmpty && s.job == nil)
    #expect(s.status.contains("batch is running"))
    #expect(Fixtures.press(&s, [.char("3")]).isEmpty, "no automatic option-byte read during a batch")
    #expect(Fixtures.press(&s, [.char("q")]).isEmpty && s.dialog == .confirmQuit, "quitting asks first")
    #expect(AppView.render(s).text.contains("A batch is running"))
    #expect(Fixtures.press(&s, [.char("y")]) == [.stopBatch(cancelRunning: true), .quit(code: 0)])
  }

  @Test func aFlashCanStartAgainOnceTheBatchEnded() {
    var s = Self.batchScreen()
    Fixtures.press(&s, [.char("s"), .char("y")])
    _ = update(&s, .batchEnded(problem: nil, at: 2))
    Fixtures.press(&s, [.char("4"), .char("f")])
    #expect(s.dialog == .confirmFlash)
  }

  @Test func totalsAndBoardsPerHourComeFromTheEvents() {
    var s = Self.batchScreen()
    s.now = 1000
    Fixtures.press(&s, [.char("s"), .char("y")])
    for port in ["1-1", "1-2", "1-3"] {
      _ = update(&s, .batchBoardStarted(port: port, serial: nil, chip: "STM32L476", at: 1000))
    }
    #expect(s.batch.boardsPerHour(now: 1010) == nil)
    #expect(AppView.render(s).text.contains("Passed 0 · Failed 0 · Running 3 · Elapsed 0:00 · — boards/h"))
    _ = update(&s, .batchProgress(port: "1-2", OperationProgress(phase: .write, completedBytes: 1024, totalBytes: 4096), at: 1010))
    #expect(s.batch.rows[1].phase == .write && s.batch.rows[1].fraction == 0.25)
    _ = update(&s, .batchBoardFinished(port: "1-1", .verified, recordProblem: nil, at: 1036))
    _ = update(&s, .batchBoardFinished(port: "1-3", .disconnected(detail: "gone"), recordProblem: nil, at: 1040))
    s.now = 1072
    #expect(s.batch.passed == 1 && s.batch.failed == 1 && s.batch.active == 1)
    #expect(s.batch.boardsPerHour(now: 1072) == 50, "1 passed board in 72 s")
    #expect(AppView.render(s).text.contains("Passed 1 · Failed 1 · Running 1 · Elapsed 1:12 · 50 boards/h"))
    _ = update(&s, .batchBoardFinished(port: "1-2", .verified, recordProblem: nil, at: 1080))
    _ = update(&s, .batchEnded(problem: nil, at: 1080))
    #expect(s.batch.boardsPerHour(now: 5000) == 90, "the clock stops at the batch's end: 2 in 80 s")
  }

  @Test func boardsPresentAreListedByPortWhateverOrderTheyStartIn() {
    var s = Self.batchScreen()
    Fixtures.press(&s, [.char("s"), .char("y")])
    for port in ["1-10", "1-2", "1-1.4", "1-1"] {
      _ = update(&s, .batchBoardStarted(port: port, serial: nil, chip: "STM32L476", at: 0))
    }
    #expect(s.batch.rows.map(\.port) == ["1-1", "1-1.4", "1-2", "1-10"])
    #expect(portPrecedes("1-9", "1-10") && !portPrecedes("2-1", "1-9"))
  }

  @Test func eachBoardsEndRingsTheBellTwiceForAFailure() {
    var s = Self.batchScreen()
    Fixtures.press(&s, [.char("s"), .char("y")])
    _ = update(&s, .batchBoardStarted(port: "1-1", serial: nil, chip: "STM32L476", at: 0))
    _ = update(&s, .batchBoardStarted(port: "1-2", serial: nil, chip: "STM32L476", at: 0))
    #expect(update(&s, .batchBoardFinished(port: "1-1", .verified, recordProblem: nil, at: 1)) == [.bell(count: 1)])
    #expect(update(&s, .batchBoardFinished(port: "1-2", .failed(reason: "verify FAILED", detail: "x"), recordProblem: nil,
                                           at: 1)) == [.bell(count: 2)])
    #expect(update(&s, .batchBoardFinished(port: "1-9", .verified, recordProblem: nil, at: 1)).isEmpty, "no such board")
  }

  /// A loop board back in the ROM right after its leave (its application did not start): the
  /// row says so next to VERIFIED, the log and the details say what to do, two bells.
  @Test func aBoardBackInTheBootloaderAfterItsLeaveIsShownOnItsRow() {
    var s = Self.batchScreen(width: 120, height: 40)
    Fixtures.press(&s, [.char("l"), .char("y")])
    _ = update(&s, .batchBoardStarted(port: "1-1", serial: "S1", chip: "STM32L476", at: 0))
    _ = update(&s, .batchBoardFinished(port: "1-1", .verified, recordProblem: nil, at: 3))
    #expect(update(&s, .batchBoardCameBack(port: "1-1", after: 0.4, at: 3.4)) == [.bell(count: 2)])
    #expect(s.batch.rows[0].cameBack == 0.4)
    #expect(s.batch.passed == 1, "the flash itself was verified")
    #expect(AppView.render(s).text.contains("VERIFIED, BACK IN ROM"))
    #expect(s.log.last?.level == .warning && s.log.last?.text.contains("Not flashed again") == true)
    Fixtures.press(&s, [.enter])
    #expect(AppView.render(s).text.contains("application did not start"))
    #expect(update(&s, .batchBoardCameBack(port: "1-9", after: 0.4, at: 3.4)).isEmpty, "no such board")
  }

  @Test func theAppRingsTheTerminalsBell() {
    let terminal = HeadlessTerminal(width: 80, height: 24)
    let service = AppRunnerTests.RecordingService()
    let app = TUIApp(terminal: terminal, service: service, state: Self.batchScreen(), levels: LogLevelSwitch(.info))
    app.handle(.key(.char("s")))
    app.handle(.key(.char("y")))
    #expect(service.calls == ["batch present"])
    app.handle(.batchBoardStarted(port: "1-1", serial: nil, chip: "STM32L476", at: 0))
    app.handle(.batchBoardFinished(port: "1-1", .disconnected(detail: "gone"), recordProblem: nil, at: 1))
    #expect(terminal.bells == [2])
  }

  @Test func enterShowsTheSelectedBoardsFullTextAndNextStep() {
    var s = Self.batchScreen(width: 120, height: 40)
    Fixtures.press(&s, [.char("s"), .char("y")])
    _ = update(&s, .batchBoardStarted(port: "1-1", serial: nil, chip: "STM32L476", at: 0))
    _ = update(&s, .batchBoardStarted(port: "1-2", serial: nil, chip: "STM32L476", at: 0))
    let detail = "the device disconnected during write at 0x08000800; reconnect it and flash again with diff (END)"
    _ = update(&s, .batchBoardFinished(port: "1-2", .disconnected(detail: detail), recordProblem: nil, at: 1))
    #expect(!AppView.render(s).text.contains("(END)"))
    Fixtures.press(&s, [.down, .enter])
    #expect(s.batch.list.selected == 1 && s.batch.showDetail)
    #expect(AppView.render(s).text.contains("(END)"))
  }

  @Test func aRefusedStartSaysWhyAndLeavesNoBatchRunning() {
    var s = Self.batchScreen()
    Fixtures.press(&s, [.char("s"), .char("y")])
    _ = update(&s, .batchEnded(problem: "cannot open the record file /ro/r.jsonl for appending: Permission denied", at: 0))
    #expect(!s.batch.running)
    #expect(s.status.contains("Batch not started: cannot open the record file /ro/r.jsonl"))
    #expect(AppView.render(s).text.contains("Permission denied"), "the whole reason is on the screen, not only in the status line")
  }

  @Test func theRecordPathOrHowToGetOneIsShown() {
    var s = Self.batchScreen()
    #expect(AppView.render(s).text.contains("no record (start with --record FILE)"))
    s.batch.recordPath = "/bench/today.jsonl"
    #expect(AppView.render(s).text.contains("/bench/today.jsonl"))
  }

  @Test func resultsAreWordsAndColours() {
    let s = ScreenGoldenTests.batchWithMixedRows(width: 120, height: 40)
    let buffer = AppView.render(s)
    func style(of word: String) -> Style? {
      for y in 0..<buffer.height {
        guard let range = buffer.line(y).range(of: word) else { continue }
        let x = buffer.line(y).distance(from: buffer.line(y).startIndex, to: range.lowerBound)
        return buffer[x, y].style
      }
      return nil
    }
    #expect(style(of: "VERIFIED")?.fg == .green)
    #expect(style(of: "DISCONNECTED")?.fg == .red)
    #expect(style(of: "FAILED:")?.fg == .red)
  }
}
