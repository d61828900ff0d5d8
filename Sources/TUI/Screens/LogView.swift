internal import Foundation

/// 5 Log: every operation and error with its time, newest at the bottom;
/// the USB trace too when verbose (`v`); `s` saves; `/` shows only the lines
/// with some text (the filter line sits at the bottom while it is typed).
public enum LogView {
  public static func render(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let log = state.visibleLog
    let filtered = state.logFilter.isEmpty ? "" : "\(log.count) of "
    let filter = state.logFilter.isEmpty ? "" : " \u{B7} filter \"\(state.logFilter)\""
    let block = Block(title: Line("Log (\(filtered)\(state.log.count) lines\(state.verbose ? ", verbose" : "")\(filter))"))
    block.render(area, &buffer)
    var inner = block.inner(area).inset(dx: 1, dy: 0)
    guard inner.height > 0, inner.width > 0 else { return }
    if state.logFilterEditing {
      let prompt = Line("Filter: ", .accent) + Line(state.logFilter + "\u{2588}", .bold)
      buffer.put(prompt, x: inner.x, y: inner.maxY - 1, maxWidth: inner.width)
      inner.height -= 1
    }
    if log.isEmpty && !state.logFilter.isEmpty {
      buffer.put("No line contains \"\(state.logFilter)\". Esc shows every line.", x: inner.x, y: inner.y, style: .dim,
                 maxWidth: inner.width)
      return
    }
    // Long lines wrap under their text (the clock column stays clear), so a message is read whole.
    let clockWidth = AppView.clockText(0).count + 1
    let textWidth = max(1, inner.width - clockWidth)
    func rows(_ e: LogEntry) -> [String] {
      let wrapped = Paragraph.wrap(e.text, width: textWidth)
      return wrapped.isEmpty ? [""] : wrapped
    }
    var start = log.count
    if let scroll = state.logScroll {
      start = min(scroll, max(0, log.count - 1))
    } else {  // follow the tail: as many of the newest entries as fit
      var used = 0
      while start > 0 {
        let n = rows(log[start - 1]).count
        if used + n > inner.height && used > 0 { break }
        used += n
        start -= 1
      }
    }
    var y = inner.y
    for e in log[start...] where y < inner.maxY {
      let style: Style = e.level == .error ? .danger : e.level == .warning ? .warning : e.level == .trace ? .dim : .plain
      buffer.put(AppView.clockText(e.time) + " ", x: inner.x, y: y, style: .dim)
      for line in rows(e) where y < inner.maxY {
        buffer.put(line, x: inner.x + clockWidth, y: y, style: style, maxWidth: textWidth)
        y += 1
      }
    }
  }
}
