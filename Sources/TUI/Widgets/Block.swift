/// A bordered box with a title on the top edge (and an optional one on the
/// bottom edge); ``inner(_:)`` is the area left for the content.
public struct Block: Widget {
  public var title: Line
  public var bottomTitle: Line?
  public var style: Style
  public var titleStyle: Style

  public init(title: Line = "", bottomTitle: Line? = nil, style: Style = .plain, titleStyle: Style = .bold) {
    self.title = title
    self.bottomTitle = bottomTitle
    self.style = style
    self.titleStyle = titleStyle
  }

  public func inner(_ area: Rect) -> Rect { area.inset(1) }

  public func render(_ area: Rect, _ buffer: inout ScreenBuffer) {
    guard area.width >= 2, area.height >= 2 else { return }
    let g = buffer.glyphs
    buffer.fill(area)
    for x in (area.x + 1)..<(area.maxX - 1) {
      buffer[x, area.y] = Cell(g.horizontal, style: style)
      buffer[x, area.maxY - 1] = Cell(g.horizontal, style: style)
    }
    for y in (area.y + 1)..<(area.maxY - 1) {
      buffer[area.x, y] = Cell(g.vertical, style: style)
      buffer[area.maxX - 1, y] = Cell(g.vertical, style: style)
    }
    buffer[area.x, area.y] = Cell(g.topLeft, style: style)
    buffer[area.maxX - 1, area.y] = Cell(g.topRight, style: style)
    buffer[area.x, area.maxY - 1] = Cell(g.bottomLeft, style: style)
    buffer[area.maxX - 1, area.maxY - 1] = Cell(g.bottomRight, style: style)
    if !title.text.isEmpty, area.width > 4 {
      var line = Line(" ") + title + Line(" ")
      line.spans = line.spans.map { Span($0.text, $0.style == .plain ? titleStyle : $0.style) }
      buffer.put(line, x: area.x + 1, y: area.y, maxWidth: area.width - 2)
    }
    if let bottomTitle, !bottomTitle.text.isEmpty, area.width > 4 {
      buffer.put(Line(" ") + bottomTitle + Line(" "), x: area.x + 1, y: area.maxY - 1, maxWidth: area.width - 2)
    }
  }
}
