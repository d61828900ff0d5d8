internal import DfuSe

/// 5 Log: scroll, save, verbose, and `/` to show only the lines with some text
/// (a board's port when several boards run: `1-2`; a word: `FAILED`).
func logKey(_ state: inout AppState, _ key: Key) -> [Effect] {
  switch key {
  case .up, .char("k"): scrollLog(&state, -1)
  case .down, .char("j"): scrollLog(&state, 1)
  case .pageUp: scrollLog(&state, -10)
  case .pageDown: scrollLog(&state, 10)
  case .home, .char("g"): state.logScroll = 0
  case .end, .char("G"): state.logScroll = nil
  case .char("s"): return [.saveLog(directory: state.flash.directory)]
  case .char("v"):
    state.verbose.toggle()
    state.status = state.verbose ? "Verbose: the USB trace goes to the log." : "Verbose off."
    return [.setVerbose(state.verbose)]
  case .char("/"):
    state.logFilterEditing = true
    state.status = "Filter: type a port (1-2) or a word; Enter keeps it, Esc clears it."
  case .escape where !state.logFilter.isEmpty:
    setLogFilter(&state, "")
  default: break
  }
  return []
}

/// Keys while the filter is typed: it applies as it is typed.
func logFilterKey(_ state: inout AppState, _ key: Key) -> [Effect] {
  switch key {
  case .enter:
    state.logFilterEditing = false
    state.status = state.logFilter.isEmpty ? "" : "Showing the lines with \"\(state.logFilter)\" (/ to change, Esc to clear)."
  case .escape:
    state.logFilterEditing = false
    setLogFilter(&state, "")
  case .backspace:
    if !state.logFilter.isEmpty { setLogFilter(&state, String(state.logFilter.dropLast())) }
  case .ctrl("u"): setLogFilter(&state, "")
  case .char(let c): setLogFilter(&state, state.logFilter + String(c))
  case .ctrl("c"): return quitKey(&state)
  default: break
  }
  return []
}

/// A new filter shows the newest matching lines.
private func setLogFilter(_ state: inout AppState, _ text: String) {
  state.logFilter = text
  state.logScroll = nil
  if text.isEmpty && !state.logFilterEditing { state.status = "Showing every log line." }
}

func scrollLog(_ state: inout AppState, _ delta: Int) {
  let visible = max(1, state.height - 8)
  let last = max(0, state.visibleLog.count - visible)
  let current = state.logScroll ?? last
  let next = current + delta
  state.logScroll = next >= last ? nil : max(0, next)
}
