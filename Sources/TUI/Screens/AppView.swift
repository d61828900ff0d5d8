internal import Foundation
internal import DfuSe

/// The common frame: title bar, tab row, the screen, a status line, the footer of keys.
public struct FrameLayout: Equatable, Sendable {
  public let title: Rect
  public let tabs: Rect
  public let body: Rect
  public let status: Rect
  public let footer: Rect

  public init(width: Int, height: Int) {
    let r = Rect(x: 0, y: 0, width: width, height: height).rows([1, 1, 0, 1, 1])
    title = r[0]
    tabs = r[1]
    body = r[2]
    status = r[3]
    footer = r[4]
  }
}

/// Renders the whole app state into a buffer (pure: the same state gives the same frame).
public enum AppView {
  public static func render(_ state: AppState, glyphs: Glyphs = .unicode) -> ScreenBuffer {
    var buffer = ScreenBuffer(width: state.width, height: state.height, glyphs: glyphs)
    render(state, into: &buffer)
    return buffer
  }

  public static func render(_ state: AppState, into buffer: inout ScreenBuffer) {
    buffer.clear()
    guard !state.tooSmall else { return renderTooSmall(state, &buffer) }
    let layout = FrameLayout(width: state.width, height: state.height)
    renderTitle(state, layout.title, &buffer)
    Tabs(ScreenID.allCases.map(\.title), selected: state.screen.rawValue).render(layout.tabs, &buffer)
    switch state.screen {
    case .devices: DevicesView.render(state, layout.body, &buffer)
    case .memory: MemoryView.render(state, layout.body, &buffer)
    case .options: OptionsView.render(state, layout.body, &buffer)
    case .flash: FlashView.render(state, layout.body, &buffer)
    case .log: LogView.render(state, layout.body, &buffer)
    case .batch: BatchView.render(state, layout.body, &buffer)
    }
    buffer.put(" " + state.status, x: 0, y: layout.status.y, style: statusStyle(state.status), maxWidth: layout.status.width)
    Footer(hints(state)).render(layout.footer, &buffer)
    if state.showHelp { HelpView.render(state, layout.body, &buffer) }
    if let dialog = state.dialog { DialogView.render(dialog, state, layout.body, &buffer) }
  }

  static func statusStyle(_ s: String) -> Style {
    let l = s.lowercased()
    if l.contains("unplugged") || l.contains("failed") || l.contains("not verified") { return .danger }
    if l.contains("cancel") || l.contains("cannot") { return .warning }
    return .plain
  }

  static func renderTooSmall(_ state: AppState, _ buffer: inout ScreenBuffer) {
    let lines = ["Please enlarge the terminal", "to at least 80×24", "(now \(state.width)×\(state.height))", "q quits"]
    let top = max(0, state.height / 2 - 2)
    for (i, l) in lines.enumerated() {
      let text = buffer.glyphs == .ascii ? l.replacing("×", with: "x") : l
      buffer.put(text, x: max(0, (state.width - text.terminalWidth) / 2), y: top + i, style: i == 0 ? .bold : .plain)
    }
  }

  static func renderTitle(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    buffer.fill(area, style: Style(fg: .black, bg: .cyan))
    var title = " dfutui"
    if let d = state.selectedDevice {
      let g = buffer.glyphs.horizontal
      // Port, serial and state first: on a narrow terminal the (long) chip name is what gets cut.
      title += " \(g) \(d.info.path) \u{B7} \(d.info.serialNumber ?? "no serial")"
      title += d.present ? "" : " \u{B7} UNPLUGGED"
      if let job = state.job { title += " \u{B7} \(job.kind.rawValue)\(job.cancelling ? " (cancelling)" : "")" }
      title += " \u{B7} \(d.chip.name)"
    }
    if buffer.glyphs == .ascii { title = title.replacing("\u{B7}", with: "-") }
    buffer.put(title, x: 0, y: area.y, style: Style(fg: .black, bg: .cyan, .bold), maxWidth: area.width - (state.now > 1_000_000 ? 10 : 0))
    if state.now > 1_000_000 {  // a real time (tests run at t = 0 and show no clock)
      let clock = clockText(state.now)
      buffer.put(clock, x: area.maxX - clock.count - 1, y: area.y, style: Style(fg: .black, bg: .cyan))
    }
  }

  /// `12:04:31` in local time.
  static func clockText(_ t: Double) -> String {
    var seconds = time_t(t)
    var tm = tm()
    localtime_r(&seconds, &tm)
    return String(format: "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec)
  }

  /// The keys valid here, for the footer.
  public static func hints(_ state: AppState) -> [KeyHint] {
    if let dialog = state.dialog { return DialogView.keys(dialog, state) }
    var h: [KeyHint]
    switch state.screen {
    case .devices:
      h = [KeyHint("↑↓", "select"), KeyHint("Enter", "open"), KeyHint("r", "refresh"), KeyHint("2", "memory"), KeyHint("4", "flash")]
    case .memory:
      h = [KeyHint("↑↓", "sector"), KeyHint("Enter", "read"), KeyHint("PgUp/PgDn jk", "scroll"), KeyHint("g", "go to"),
           KeyHint("n", "next diff"), KeyHint("a", "alt")]
    case .options:
      h = [KeyHint("↑↓", "field"), KeyHint("Enter", "edit"), KeyHint("u/U", "undo"), KeyHint("w", "write"),
           KeyHint("R", "reload"), KeyHint("b", "BOOT0")]
    case .flash:
      if state.flash.focus == .pathField {
        h = [KeyHint("Tab", "complete"), KeyHint("Enter", "load"), KeyHint("Esc", "browser")]
      } else if state.job?.kind == .flash {
        h = [KeyHint("c", "cancel (asks)"), KeyHint("5", "log")]
      } else {
        h = [KeyHint("↑↓ Enter", "browse"), KeyHint("/", "path"), KeyHint("f", "flash"), KeyHint("v d b p e w m", "toggles")]
        if state.flash.needsAddress != nil { h.insert(KeyHint("a", "address"), at: 0) }
      }
    case .log:
      if state.logFilterEditing {
        h = [KeyHint("Enter", "keep filter"), KeyHint("Esc", "clear"), KeyHint("Backspace", "delete")]
      } else {
        h = [KeyHint("↑↓ PgUp/PgDn", "scroll"), KeyHint("/", "filter"), KeyHint("s", "save"),
             KeyHint("v", state.verbose ? "quiet" : "verbose")]
        if !state.logFilter.isEmpty { h.insert(KeyHint("Esc", "all lines"), at: 2) }
      }
    case .batch:
      if state.batch.running {
        h = [KeyHint("x", state.batch.mode == .loop ? "stop loop" : "cancel"), KeyHint("↑↓", "board"), KeyHint("Enter", "details")]
      } else {
        h = [KeyHint("s", "flash all"), KeyHint("l", "loop"), KeyHint("↑↓", "board"), KeyHint("Enter", "details")]
      }
    }
    // While text is typed, ? q and Tab are text (or completion), not the app's keys.
    let typing = (state.screen == .flash && state.flash.focus == .pathField) || (state.screen == .log && state.logFilterEditing)
    return typing ? h : h + [KeyHint("?", "help"), KeyHint("q", "quit"), KeyHint("Tab", "next")]
  }
}
