/// Something that draws itself into an area of a buffer and nothing else
/// (ratatui's `Widget`). Tiny or zero-size areas draw what fits, never trap.
public protocol Widget {
  func render(_ area: Rect, _ buffer: inout ScreenBuffer)
}
