/// The tab row: `1 Devices  2 Memory …`, the current tab in brackets and reversed.
public struct Tabs: Widget {
  public var titles: [String]
  public var selected: Int

  public init(_ titles: [String], selected: Int) {
    self.titles = titles
    self.selected = selected
  }

  public func render(_ area: Rect, _ buffer: inout ScreenBuffer) {
    guard !area.isEmpty else { return }
    var x = area.x + 1
    for (i, t) in titles.enumerated() {
      let text = i == selected ? "[\(i + 1) \(t)]" : " \(i + 1) \(t) "
      let used = buffer.put(text, x: x, y: area.y, style: i == selected ? Style(fg: .cyan, [.bold, .reverse]) : .plain,
                            maxWidth: area.maxX - x)
      x += used + 1
      if x >= area.maxX { break }
    }
  }

  /// The tab under column `x` of `area`, for mouse clicks.
  public func tab(at x: Int, in area: Rect) -> Int? {
    var col = area.x + 1
    for (i, t) in titles.enumerated() {
      let w = "[\(i + 1) \(t)]".terminalWidth
      if x >= col && x < col + w { return i }
      col += w + 1
    }
    return nil
  }
}
