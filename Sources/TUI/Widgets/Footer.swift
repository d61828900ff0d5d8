/// A key hint: the key and what it does here.
public struct KeyHint: Hashable, Sendable {
  public var key: String
  public var action: String

  public init(_ key: String, _ action: String) {
    self.key = key
    self.action = action
  }
}

/// The footer of keys valid on the current screen (lazygit/htop habit); hints that do not fit are dropped.
public struct Footer: Widget {
  public var hints: [KeyHint]

  public init(_ hints: [KeyHint]) { self.hints = hints }

  public func render(_ area: Rect, _ buffer: inout ScreenBuffer) {
    guard !area.isEmpty else { return }
    var x = area.x + 1
    for h in hints {
      let w = h.key.terminalWidth + 1 + h.action.terminalWidth
      guard x + w <= area.maxX else { break }
      x += buffer.put(h.key, x: x, y: area.y, style: Style(fg: .cyan, .bold))
      x += buffer.put(" " + h.action, x: x, y: area.y)
      x += 2
    }
  }
}
