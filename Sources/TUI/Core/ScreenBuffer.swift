/// A grid of cells widgets draw into (ratatui's `Buffer`): nothing here
/// touches the terminal. The terminal backend compares each frame with the
/// previous one (``changes(since:)``) and writes only what changed.
public struct ScreenBuffer: Equatable, Sendable {
  public private(set) var width: Int
  public private(set) var height: Int
  public private(set) var cells: [Cell]
  /// Box drawing and symbols: Unicode, or ASCII when the locale is not UTF-8.
  public var glyphs: Glyphs

  public init(width: Int, height: Int, glyphs: Glyphs = .unicode) {
    self.width = max(0, width)
    self.height = max(0, height)
    self.glyphs = glyphs
    cells = Array(repeating: .blank, count: self.width * self.height)
  }

  public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  public subscript(x: Int, y: Int) -> Cell {
    get { x >= 0 && y >= 0 && x < width && y < height ? cells[y * width + x] : .blank }
    set { if x >= 0 && y >= 0 && x < width && y < height { cells[y * width + x] = newValue } }
  }

  /// Blanks every cell.
  public mutating func clear() {
    for i in cells.indices { cells[i] = .blank }
  }

  /// Fills `area` (clipped) with `symbol` in `style`.
  public mutating func fill(_ area: Rect, symbol: String = " ", style: Style = .plain) {
    let r = clip(area)
    guard !r.isEmpty else { return }
    for y in r.y..<r.maxY { for x in r.x..<r.maxX { cells[y * width + x] = Cell(symbol, style: style) } }
  }

  /// Sets the style of every cell in `area` (keeps the symbols).
  public mutating func setStyle(_ area: Rect, _ style: Style) {
    let r = clip(area)
    guard !r.isEmpty else { return }
    for y in r.y..<r.maxY { for x in r.x..<r.maxX { cells[y * width + x].style = style } }
  }

  /// Writes `text` from (x, y), at most `maxWidth` columns (clipped to the
  /// buffer). Returns the columns used. Wide graphemes take two columns.
  @discardableResult
  public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int = .max) -> Int {
    guard y >= 0, y < height, x < width, maxWidth > 0 else { return 0 }
    let limit = min(width, x &+ maxWidth > x ? x + maxWidth : width)
    var col = x
    for ch in text {
      if ch == "\n" || ch == "\r" || ch == "\t" {
        if col >= limit { break }
        if col >= 0 { cells[y * width + col] = Cell(" ", style: style) }
        col += 1
        continue
      }
      let w = ch.terminalWidth
      if w == 0 { continue }
      if col + w > limit { break }
      if col >= 0 {
        cells[y * width + col] = Cell(String(ch), style: style)
        if w == 2 { cells[y * width + col + 1] = Cell.continuation.with(style) }
      }
      col += w
    }
    return max(0, col - x)
  }

  /// Writes a styled line; returns the columns used.
  @discardableResult
  public mutating func put(_ line: Line, x: Int, y: Int, maxWidth: Int) -> Int {
    var used = 0
    for span in line.spans {
      guard used < maxWidth else { break }
      used += put(span.text, x: x + used, y: y, style: span.style, maxWidth: maxWidth - used)
    }
    return used
  }

  public func clip(_ r: Rect) -> Rect {
    let x0 = max(0, r.x), y0 = max(0, r.y)
    let x1 = min(width, r.maxX), y1 = min(height, r.maxY)
    return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
  }

  /// The cells that differ from `previous` (every cell when the size changed
  /// or there is no previous frame), row by row.
  public func changes(since previous: ScreenBuffer?) -> [(x: Int, y: Int, cell: Cell)] {
    var out: [(x: Int, y: Int, cell: Cell)] = []
    let full = previous == nil || previous!.width != width || previous!.height != height
    for y in 0..<height {
      for x in 0..<width {
        let c = cells[y * width + x]
        if full || previous!.cells[y * width + x] != c { out.append((x, y, c)) }
      }
    }
    return out
  }

  /// The screen as text, one line per row, trailing blanks removed (golden files, the pty test).
  public var text: String { lines.joined(separator: "\n") }

  public var lines: [String] {
    (0..<height).map { y in
      var line = ""
      for x in 0..<width { line += cells[y * width + x].symbol }
      while line.last == " " { line.removeLast() }
      return line
    }
  }

  /// The text of row `y`.
  public func line(_ y: Int) -> String { y >= 0 && y < height ? lines[y] : "" }
}

extension Cell {
  func with(_ style: Style) -> Cell { Cell(symbol, style: style) }
}

extension Character {
  /// Columns the grapheme takes on a terminal: 2 for East Asian wide and
  /// emoji, 0 for controls, else 1 (a small wcwidth).
  public var terminalWidth: Int {
    guard let v = unicodeScalars.first?.value else { return 0 }
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
    switch v {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
         0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
         0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
      return 2
    default:
      return 1
    }
  }
}

extension String {
  /// Columns the string takes on a terminal.
  public var terminalWidth: Int { reduce(0) { $0 + $1.terminalWidth } }

  /// Cut to `width` columns, with `…` when cut.
  public func truncated(to width: Int, ellipsis: String = "…") -> String {
    guard terminalWidth > width else { return self }
    guard width > 0 else { return "" }
    var out = "", used = 0
    for ch in self {
      if used + ch.terminalWidth > width - 1 { break }
      out.append(ch)
      used += ch.terminalWidth
    }
    return out + ellipsis
  }

  /// Padded with spaces to `width` columns (or cut).
  public func padded(to width: Int) -> String {
    let w = terminalWidth
    return w >= width ? truncated(to: width) : self + String(repeating: " ", count: width - w)
  }

  /// Right-aligned in `width` columns.
  public func leftPadded(to width: Int) -> String {
    let w = terminalWidth
    return w >= width ? self : String(repeating: " ", count: width - w) + self
  }
}
