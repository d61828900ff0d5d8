/// Lines of styled text, cut at the right edge, optionally scrolled.
public struct Paragraph: Widget {
  public var lines: [Line]
  public var scroll: Int

  public init(_ lines: [Line], scroll: Int = 0) {
    self.lines = lines
    self.scroll = scroll
  }

  public init(wrapping text: String, width: Int, style: Style = .plain) {
    self.init(Paragraph.wrap(text, width: width).map { Line($0, style) })
  }

  public func render(_ area: Rect, _ buffer: inout ScreenBuffer) {
    guard !area.isEmpty else { return }
    let first = max(0, min(scroll, lines.count))
    for (i, line) in lines[first...].prefix(area.height).enumerated() {
      buffer.put(line, x: area.x, y: area.y + i, maxWidth: area.width)
    }
  }

  /// Word-wraps `text` to `width` columns (long words are cut).
  public static func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var out: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var line = ""
      for word in paragraph.split(separator: " ") {
        var w = String(word)
        while w.terminalWidth > width {
          if !line.isEmpty { out.append(line); line = "" }
          out.append(String(w.prefix(width)))
          w = String(w.dropFirst(width))
        }
        if line.isEmpty { line = w } else if line.terminalWidth + 1 + w.terminalWidth <= width { line += " " + w } else {
          out.append(line)
          line = w
        }
      }
      out.append(line)
    }
    return out
  }
}
