/// A centred modal box: a title, wrapped body lines, an optional input
/// field, and a line of choices. Drawn over whatever is behind it.
public struct Dialog: Widget {
  public var title: String
  public var body: [Line]
  public var input: String?
  public var choices: String
  public var style: Style

  public init(title: String, body: [Line], input: String? = nil, choices: String, style: Style = .plain) {
    self.title = title
    self.body = body
    self.input = input
    self.choices = choices
    self.style = style
  }

  /// The box for `area`: up to 72 columns wide, tall enough for the body.
  public func frame(in area: Rect) -> Rect {
    let width = min(72, max(30, area.width - 4))
    let wrapped = wrappedBody(width: width - 4)
    let height = wrapped.count + (input == nil ? 0 : 2) + 4
    return area.centered(width: width, height: height)
  }

  func wrappedBody(width: Int) -> [Line] {
    body.flatMap { line -> [Line] in
      guard line.width > width, line.spans.count == 1 else { return [line] }
      return Paragraph.wrap(line.text, width: width).map { Line($0, line.spans[0].style) }
    }
  }

  public func render(_ area: Rect, _ buffer: inout ScreenBuffer) {
    let box = frame(in: area)
    guard box.width >= 4, box.height >= 3 else { return }
    Block(title: Line(title), style: style, titleStyle: style == .plain ? .bold : style).render(box, &buffer)
    let inner = box.inset(dx: 2, dy: 1)
    var lines = wrappedBody(width: inner.width)
    if let input {
      lines.append("")
      lines.append(Line("> ", .bold) + Line(input + "_", .reverse))
    }
    Paragraph(lines).render(Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 1), &buffer)
    buffer.put(choices, x: inner.x, y: inner.maxY - 1, style: .bold, maxWidth: inner.width)
  }
}
