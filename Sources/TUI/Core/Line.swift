/// A run of text in one style.
public struct Span: Hashable, Sendable {
  public var text: String
  public var style: Style

  public init(_ text: String, _ style: Style = .plain) {
    self.text = text
    self.style = style
  }
}

/// One line of styled spans.
public struct Line: Hashable, Sendable, ExpressibleByStringLiteral {
  public var spans: [Span]

  public init(_ spans: [Span]) { self.spans = spans }
  public init(_ text: String, _ style: Style = .plain) { spans = [Span(text, style)] }
  public init(stringLiteral value: String) { spans = [Span(value)] }

  public var text: String { spans.map(\.text).joined() }
  public var width: Int { text.terminalWidth }

  public static func + (a: Line, b: Line) -> Line { Line(a.spans + b.spans) }
}
