/// The symbols widgets draw with: Unicode box drawing and blocks on a UTF-8
/// terminal, ASCII otherwise (a non-UTF-8 locale, a serial console). Every
/// state also has a letter, so the screen reads the same without colour.
public struct Glyphs: Hashable, Sendable {
  public var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: String
  public var teeLeft, teeRight: String
  public var full, shade, light, empty: String
  public var pointer, check, cross, warning, arrow, ellipsis: String
  public var up, down: String

  public static let unicode = Glyphs(
    horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
    teeLeft: "├", teeRight: "┤", full: "█", shade: "▓", light: "▒", empty: "░",
    pointer: "▶", check: "✓", cross: "✗", warning: "⚠", arrow: "→", ellipsis: "…", up: "↑", down: "↓")

  public static let ascii = Glyphs(
    horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
    teeLeft: "+", teeRight: "+", full: "#", shade: "%", light: "=", empty: ".",
    pointer: ">", check: "v", cross: "x", warning: "!", arrow: "->", ellipsis: "...", up: "^", down: "v")
}

extension Glyphs {
  /// One ASCII character for a non-ASCII one that views write literally
  /// (`·`, `→`, `×`, `…`, `⚠`, box drawing), so a non-UTF-8 terminal shows no
  /// garbage and columns stay aligned; the backend applies it in ASCII mode.
  public static func asciiFallback(_ symbol: String) -> String {
    guard let scalar = symbol.unicodeScalars.first, scalar.value >= 0x80 else { return symbol }
    switch scalar.value {
    case 0xB7: return "."
    case 0x2190...0x21FF: return ">"
    case 0xD7: return "x"
    case 0x2026: return "."
    case 0x26A0: return "!"
    case 0x2713: return "v"
    case 0x2717: return "x"
    case 0x2500...0x257F: return scalar.value == 0x2502 ? "|" : "-"
    case 0x2580...0x259F: return "#"
    case 0x25B6: return ">"
    default: return "?"
    }
  }
}
