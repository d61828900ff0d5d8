/// A terminal colour: the terminal's default, one of the 8 ANSI colours
/// (bright variants through ``Attributes/bold``), or an xterm-256 index.
/// Backends with fewer colours map down (256 → 8 → none, `NO_COLOR`).
public enum Color: Hashable, Sendable {
  case `default`
  case black, red, green, yellow, blue, magenta, cyan, white
  /// xterm-256 palette index.
  case indexed(UInt8)

  /// The nearest of the 8 ANSI colours (0–7), nil for the default colour.
  public var ansi8: Int? {
    switch self {
    case .default: return nil
    case .black: return 0
    case .red: return 1
    case .green: return 2
    case .yellow: return 3
    case .blue: return 4
    case .magenta: return 5
    case .cyan: return 6
    case .white: return 7
    case .indexed(let i):
      if i < 16 { return Int(i % 8) }
      if i >= 232 { return i < 244 ? 0 : 7 }
      let v = Int(i) - 16
      let r = v / 36, g = (v / 6) % 6, b = v % 6
      return (r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0)
    }
  }

  /// The xterm-256 index (the 8 ANSI colours are 0–7).
  public var index256: Int? {
    if case .indexed(let i) = self { return Int(i) }
    return ansi8
  }

  /// Dim grey for secondary text (256 colours), white otherwise.
  public static let grey = Color.indexed(244)
}

/// Text attributes, independent of colour so a monochrome screen still
/// tells states apart.
public struct Attributes: OptionSet, Hashable, Sendable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }
  public static let bold = Attributes(rawValue: 1)
  public static let dim = Attributes(rawValue: 2)
  public static let reverse = Attributes(rawValue: 4)
  public static let underline = Attributes(rawValue: 8)
}

/// Foreground, background and attributes applied together.
public struct Style: Hashable, Sendable {
  public var fg: Color
  public var bg: Color
  public var attributes: Attributes

  public init(fg: Color = .default, bg: Color = .default, _ attributes: Attributes = []) {
    self.fg = fg
    self.bg = bg
    self.attributes = attributes
  }

  public static let plain = Style()
  public static let bold = Style(.bold)
  public static let reverse = Style(.reverse)
  public static let dim = Style(fg: .grey)
  public static let ok = Style(fg: .green)
  public static let warning = Style(fg: .yellow, .bold)
  public static let danger = Style(fg: .red, .bold)
  public static let accent = Style(fg: .cyan, .bold)
  public static let selected = Style(.reverse)
}

/// One screen cell: a grapheme (one column wide; a wide grapheme's second
/// column holds an empty continuation) and its style (ratatui's `Cell`).
public struct Cell: Hashable, Sendable {
  public var symbol: String
  public var style: Style

  public init(_ symbol: String = " ", style: Style = .plain) {
    self.symbol = symbol
    self.style = style
  }

  public static let blank = Cell()
  /// The second column of a double-width grapheme: backends skip it.
  public static let continuation = Cell("")
}
