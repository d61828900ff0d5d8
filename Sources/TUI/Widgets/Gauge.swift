/// A progress bar: filled blocks for `fraction`, then a label after it.
public struct Gauge: Widget {
  public var fraction: Double
  public var label: String
  public var style: Style
  /// Bar width in columns (the rest of the area holds the label).
  public var barWidth: Int?

  public init(fraction: Double, label: String = "", style: Style = .ok, barWidth: Int? = nil) {
    self.fraction = fraction.isFinite ? min(max(fraction, 0), 1) : 0
    self.label = label
    self.style = style
    self.barWidth = barWidth
  }

  public func render(_ area: Rect, _ buffer: inout ScreenBuffer) {
    guard !area.isEmpty else { return }
    let g = buffer.glyphs
    let width = min(barWidth ?? area.width, area.width)
    let filled = Int((fraction * Double(width)).rounded(.down))
    for i in 0..<width {
      buffer[area.x + i, area.y] = i < filled ? Cell(g.full, style: style) : Cell(g.empty, style: .dim)
    }
    if !label.isEmpty, width + 1 < area.width {
      buffer.put(label, x: area.x + width + 1, y: area.y, maxWidth: area.width - width - 1)
    }
  }
}
