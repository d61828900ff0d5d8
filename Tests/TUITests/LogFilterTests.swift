import DfuSe
import Testing
@testable import TUI

/// The Log screen's `/` filter: with several boards in a batch, one board's lines (its port)
/// or one kind of line (`FAILED`) out of thousands.
@Suite struct LogFilterTests {
  static func logState() -> AppState {
    var s = Fixtures.state(width: 80, height: 24)
    s.screen = .log
    for i in 0..<40 {
      let port = "1-\(i % 4 + 1)"
      s.log.append(LogEntry(time: 0, level: i == 37 ? .error : .info, "batch: \(port) write \(i)\(i == 37 ? " FAILED" : "")"))
    }
    return s
  }

  @Test func slashFiltersAsItIsTypedAndEnterKeepsIt() {
    var s = Self.logState()
    Fixtures.press(&s, [.char("/")] + Fixtures.type("1-3"))
    #expect(s.logFilterEditing && s.logFilter == "1-3")
    #expect(s.visibleLog.count == 10)
    #expect(s.visibleLog.allSatisfy { $0.text.contains("1-3") })
    Fixtures.press(&s, [.enter])
    #expect(!s.logFilterEditing && s.logFilter == "1-3")
    let screen = AppView.render(s).text
    #expect(screen.contains("Log (10 of 40 lines · filter \"1-3\")"))
    #expect(screen.contains("batch: 1-3 write 38") && !screen.contains("batch: 1-2 write"))
  }

  @Test func keysWhileTypingGoToTheFilterNotToTheApp() {
    var s = Self.logState()
    let effects = Fixtures.press(&s, [.char("/")] + Fixtures.type("q4s"))
    #expect(effects.isEmpty, "q does not quit, s does not save, 4 does not switch screens")
    #expect(s.screen == .log && s.logFilter == "q4s")
    #expect(AppView.render(s).text.contains("No line contains \"q4s\""))
  }

  @Test func theFilterIgnoresCaseAndEscShowsEveryLineAgain() {
    var s = Self.logState()
    Fixtures.press(&s, [.char("/")] + Fixtures.type("failed") + [.enter])
    #expect(s.visibleLog.map(\.text) == ["batch: 1-2 write 37 FAILED"])
    Fixtures.press(&s, [.escape])
    #expect(s.logFilter.isEmpty && s.visibleLog.count == 40)
    Fixtures.press(&s, [.char("/")] + Fixtures.type("1-") + [.backspace, .backspace, .escape])
    #expect(s.logFilter.isEmpty && !s.logFilterEditing)
  }

  @Test func scrollingStaysWithinTheFilteredLines() {
    var s = Self.logState()
    Fixtures.press(&s, [.char("/")] + Fixtures.type("1-1") + [.enter, .home])
    #expect(s.logScroll == 0)
    Fixtures.press(&s, Array(repeating: .down, count: 30))
    #expect(s.logScroll == nil, "10 matching lines fit: scrolling down returns to the tail, not past it")
  }

  @Test func theFooterShowsTheFilterKeys() {
    var s = Self.logState()
    #expect(AppView.hints(s).contains { $0.key == "/" })
    Fixtures.press(&s, [.char("/")])
    #expect(AppView.hints(s).map(\.key).prefix(2) == ["Enter", "Esc"])
    #expect(!AppView.hints(s).contains { $0.key == "q" }, "q is a letter of the filter while typing")
  }
}
