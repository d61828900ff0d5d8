/// Selection and scroll position of a list or table, kept between frames
/// (ratatui's `ListState`). ``scrolled(toShow:height:)`` keeps the selection visible.
public struct ListState: Hashable, Sendable {
  public var selected: Int
  public var offset: Int

  public init(selected: Int = 0, offset: Int = 0) {
    self.selected = selected
    self.offset = offset
  }

  /// Moves the selection by `delta`, clamped to `count` rows.
  public mutating func move(_ delta: Int, count: Int) {
    guard count > 0 else { selected = 0; return }
    selected = min(max(0, selected + delta), count - 1)
  }

  /// The offset that shows the selection in a view `height` rows tall.
  public func scrolled(height: Int, count: Int) -> Int {
    guard height > 0 else { return 0 }
    var o = min(offset, max(0, count - height))
    if selected < o { o = selected }
    if selected >= o + height { o = selected - height + 1 }
    return max(0, o)
  }
}

/// A table: a header row, then rows of cells in fixed-width columns; the
/// selected row is reversed and marked with the pointer glyph.
public struct Table: Widget {
  public var header: [String]
  public var widths: [Int]
  public var rows: [[Line]]
  public var state: ListState?
  public var headerStyle: Style

  public init(header: [String], widths: [Int], rows: [[Line]], state: ListState? = nil, headerStyle: Style = .bold) {
    self.header = header
    self.widths = widths
    self.rows = rows
    self.state = state
    self.headerStyle = headerStyle
  }

  /// The row index at screen row `y` of `area`, for mouse clicks.
  public func row(at y: Int, in area: Rect) -> Int? {
    let body = header.isEmpty ? area : area.splitTop(1).1
    guard y >= body.y, y < body.maxY else { return nil }
    let offset = state?.scrolled(height: body.height, count: rows.count) ?? 0
    let i = offset + y - body.y
    return i < rows.count ? i : nil
  }

  public func render(_ area: Rect, _ buffer: inout ScreenBuffer) {
    guard !area.isEmpty else { return }
    var body = area
    if !header.isEmpty {
      let (top, rest) = area.splitTop(1)
      draw(header.map { Line($0, headerStyle) }, prefix: "  ", at: top, &buffer)
      body = rest
    }
    let offset = state?.scrolled(height: body.height, count: rows.count) ?? 0
    for i in 0..<min(body.height, max(0, rows.count - offset)) {
      let index = offset + i
      let isSelected = state?.selected == index
      let rowArea = body.row(i)
      draw(rows[index], prefix: isSelected ? buffer.glyphs.pointer + " " : "  ", at: rowArea, &buffer)
      if isSelected { buffer.setStyle(rowArea, .selected) }
    }
    if rows.count > body.height, body.width > 0, body.height > 0 {
      let g = buffer.glyphs
      if offset > 0 { buffer.put(g.up, x: body.maxX - 1, y: body.y, style: .dim) }
      if offset + body.height < rows.count { buffer.put(g.down, x: body.maxX - 1, y: body.maxY - 1, style: .dim) }
    }
  }

  private func draw(_ cells: [Line], prefix: String, at area: Rect, _ buffer: inout ScreenBuffer) {
    var x = area.x + buffer.put(prefix, x: area.x, y: area.y, maxWidth: area.width)
    for (i, cell) in cells.enumerated() {
      let w = i < widths.count ? widths[i] : max(0, area.maxX - x)
      guard x < area.maxX else { break }
      buffer.put(cell, x: x, y: area.y, maxWidth: min(w, area.maxX - x))
      x += w + 1
    }
  }
}
