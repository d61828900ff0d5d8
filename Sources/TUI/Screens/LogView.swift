internal import Foundation

/// 5 Log: every operation and error with its time, newest at the bottom;
/// the USB trace too when verbose (`v`); `s` saves.
public enum LogView {
  public static func render(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let block = Block(title: Line("Log (\(state.log.count) lines\(state.verbose ? ", verbose" : ""))"))
    block.render(area, &buffer)
    let inner = block.inner(area).inset(dx: 1, dy: 0)
    guard inner.height > 0, inner.width > 0 else { return }
    // Long lines wrap under their text (the clock column stays clear), so a message is read whole.
    let clockWidth = AppView.clockText(0).count + 1
    let textWidth = max(1, inner.width - clockWidth)
    func rows(_ e: LogEntry) -> [String] {
      let wrapped = Paragraph.wrap(e.text, width: textWidth)
      return wrapped.isEmpty ? [""] : wrapped
    }
    var start = state.log.count
    if let scroll = state.logScroll {
      start = min(scroll, max(0, state.log.count - 1))
    } else {  // follow the tail: as many of the newest entries as fit
      var used = 0
      while start > 0 {
        let n = rows(state.log[start - 1]).count
        if used + n > inner.height && used > 0 { break }
        used += n
        start -= 1
      }
    }
    var y = inner.y
    for e in state.log[start...] where y < inner.maxY {
      let style: Style = e.level == .error ? .danger : e.level == .warning ? .warning : e.level == .trace ? .dim : .plain
      buffer.put(AppView.clockText(e.time) + " ", x: inner.x, y: y, style: .dim)
      for line in rows(e) where y < inner.maxY {
        buffer.put(line, x: inner.x + clockWidth, y: y, style: style, maxWidth: textWidth)
        y += 1
      }
    }
  }
}
