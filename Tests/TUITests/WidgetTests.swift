import Testing
@testable import TUI

@Suite struct WidgetTests {
  func render(_ w: some Widget, width: Int, height: Int, glyphs: Glyphs = .unicode) -> [String] {
    var b = ScreenBuffer(width: width, height: height, glyphs: glyphs)
    w.render(b.area, &b)
    return b.lines
  }

  @Test func blockDrawsBorderAndTitle() {
    #expect(render(Block(title: "Hi"), width: 8, height: 3) == ["┌ Hi ──┐", "│      │", "└──────┘"])
    #expect(render(Block(title: "Hi"), width: 8, height: 3, glyphs: .ascii) == ["+ Hi --+", "|      |", "+------+"])
  }

  @Test func blockTitleIsCutAtTheBorder() {
    #expect(render(Block(title: "A long title"), width: 8, height: 2) == ["┌ A lon┐", "└──────┘"])
  }

  @Test func paragraphClipsAndScrolls() {
    #expect(render(Paragraph(["abcdef", "gh", "ij"], scroll: 1), width: 3, height: 2) == ["gh", "ij"])
    #expect(Paragraph.wrap("one two three", width: 7) == ["one two", "three"])
    #expect(Paragraph.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
  }

  @Test func gaugeFillsItsFraction() {
    #expect(render(Gauge(fraction: 0.5, label: "50%", barWidth: 4), width: 9, height: 1) == ["██░░ 50%"])
    #expect(render(Gauge(fraction: 2, barWidth: 3), width: 3, height: 1) == ["███"])
    #expect(render(Gauge(fraction: .nan, barWidth: 3), width: 3, height: 1, glyphs: .ascii) == ["..."])
  }

  @Test func tableMarksTheSelectionAndScrollsToIt() {
    let rows: [[Line]] = (0..<10).map { [Line("row\($0)")] }
    let t = Table(header: ["Name"], widths: [6], rows: rows, state: ListState(selected: 7))
    let lines = render(t, width: 10, height: 4)
    #expect(lines[0] == "  Name")
    #expect(lines[3].hasPrefix("▶ row7"))
    #expect(lines[1].hasPrefix("  row5"))
    #expect(t.row(at: 3, in: Rect(x: 0, y: 0, width: 10, height: 4)) == 7)
  }

  @Test func listStateClampsAndKeepsTheSelectionVisible() {
    var s = ListState()
    s.move(-3, count: 5)
    #expect(s.selected == 0)
    s.move(99, count: 5)
    #expect(s.selected == 4)
    #expect(s.scrolled(height: 2, count: 5) == 3)
    s.move(0, count: 0)
    #expect(s.selected == 0)
  }

  @Test func tabsBracketTheCurrentOne() {
    let t = Tabs(["Aa", "Bb"], selected: 1)
    #expect(render(t, width: 20, height: 1) == ["  1 Aa  [2 Bb]"])
    #expect(t.tab(at: 9, in: Rect(x: 0, y: 0, width: 20, height: 1)) == 1)
  }

  @Test func footerDropsHintsThatDoNotFit() {
    let f = Footer([KeyHint("q", "quit"), KeyHint("?", "help")])
    #expect(render(f, width: 20, height: 1) == [" q quit  ? help"])
    #expect(render(f, width: 10, height: 1) == [" q quit"])
  }

  @Test func dialogIsCentredWithChoices() {
    let d = Dialog(title: "Sure?", body: ["Erase it"], choices: "y yes  n no")
    let lines = render(d, width: 40, height: 9)
    #expect(lines.contains { $0.contains("┌ Sure? ") })
    #expect(lines.contains { $0.contains("Erase it") })
    #expect(lines.contains { $0.contains("y yes  n no") })
  }

  @Test func wideGraphemesTakeTwoColumnsAndAreNeverSplit() {
    var b = ScreenBuffer(width: 5, height: 1)
    #expect(b.put("日本x", x: 0, y: 0) == 5)
    #expect(b.line(0) == "日本x")
    var c = ScreenBuffer(width: 3, height: 1)
    #expect(c.put("日本", x: 0, y: 0) == 2)
  }

  @Test func zeroSizeAndTinyAreasNeverTrap() {
    let widgets: [any Widget] = [
      Block(title: "T"), Paragraph(["x"]), Gauge(fraction: 0.5, label: "l"), Tabs(["a", "b"], selected: 0),
      Footer([KeyHint("q", "quit")]), Dialog(title: "D", body: ["b"], input: "", choices: "c"),
      Table(header: ["h"], widths: [3], rows: [["r"]], state: ListState(selected: 3)),
    ]
    for (w, h) in [(0, 0), (1, 1), (2, 1), (1, 3), (3, 2)] {
      for widget in widgets {
        var b = ScreenBuffer(width: w, height: h)
        widget.render(b.area, &b)
        widget.render(Rect(x: -3, y: -2, width: 50, height: 50), &b)
        #expect(b.width == w)
      }
    }
  }
}

@Suite struct ScreenBufferTests {
  @Test func diffListsOnlyChangedCells() {
    var a = ScreenBuffer(width: 10, height: 3)
    a.put("hello", x: 0, y: 0)
    var b = a
    b.put("J", x: 0, y: 0)
    b.put("!", x: 9, y: 2)
    let changes = b.changes(since: a)
    #expect(changes.map { "\($0.x),\($0.y),\($0.cell.symbol)" } == ["0,0,J", "9,2,!"])
    #expect(b.changes(since: nil).count == 30)
    #expect(ScreenBuffer(width: 4, height: 3).changes(since: a).count == 12)
  }

  @Test func styleChangesCountAsChanges() {
    let a = ScreenBuffer(width: 2, height: 1)
    var b = a
    b.setStyle(Rect(x: 1, y: 0, width: 1, height: 1), .reverse)
    #expect(b.changes(since: a).map(\.x) == [1])
  }

  @Test func putClipsAtEveryEdge() {
    var b = ScreenBuffer(width: 4, height: 2)
    b.put("abcdef", x: -2, y: 0)
    b.put("xyz", x: 2, y: 1)
    b.put("never", x: 0, y: 5)
    #expect(b.lines == ["cdef", "  xy"])
  }

  @Test func rectSplitsNeverGoNegative() {
    let r = Rect(x: 0, y: 0, width: 10, height: 3)
    #expect(r.rows([1, 1, 0, 1, 1]).map(\.height) == [1, 1, 0, 1, 0])
    #expect(r.columns([0, 0, 0]).map(\.width) == [4, 3, 3])
    #expect(r.inset(4).isEmpty)
    #expect(r.centered(width: 20, height: 1) == Rect(x: 0, y: 1, width: 10, height: 1))
  }

  @Test func keysDecodeFromRawBytes() {
    #expect(Key.fromByte(3) == .ctrl("c"))
    #expect(Key.fromByte(26) == .ctrl("z"))
    #expect(Key.fromByte(13) == .enter)
    #expect(Key.fromByte(9) == .tab)
    #expect(Key.fromByte(27) == .escape)
    #expect(Key.fromByte(127) == .backspace)
    #expect(Key.fromByte(UInt8(ascii: "j")) == .char("j"))
  }
}

@Suite struct GlyphTests {
  @Test func asciiFallbackKeepsOneColumnPerCell() {
    for s in ["·", "→", "×", "…", "⚠", "✓", "─", "│", "┌", "█", "░", "▶", "日"] {
      let a = Glyphs.asciiFallback(s)
      #expect(a.count == 1 && a.unicodeScalars.allSatisfy { $0.value < 0x80 }, "\(s) → \(a)")
    }
    #expect(Glyphs.asciiFallback("a") == "a")
  }
}
