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
