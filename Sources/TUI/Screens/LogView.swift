internal import Foundation

/// 5 Log: every operation and error with its time, newest at the bottom;
/// the USB trace too when verbose (`v`); `s` saves.
public enum LogView {
  public static func render(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let block = Block(title: Line("Log (\(state.log.count) lines\(state.verbose ? ", verbose" : ""))"))
    block.render(area, &buffer)
    let inner = block.inner(area).inset(dx: 1, dy: 0)
    let last = max(0, state.log.count - inner.height)
    let first = min(state.logScroll ?? last, last)
    for (i, e) in state.log.dropFirst(first).prefix(inner.height).enumerated() {
      let style: Style = e.level == .error ? .danger : e.level == .warning ? .warning : e.level == .trace ? .dim : .plain
      let x = inner.x + buffer.put(AppView.clockText(e.time) + " ", x: inner.x, y: inner.y + i, style: .dim)
      buffer.put(e.text, x: x, y: inner.y + i, style: style, maxWidth: inner.maxX - x)
    }
  }
}
