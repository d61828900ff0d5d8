internal import DfuSe

/// 3 Options: decoded fields grouped, each with its meaning and danger; the
/// pending changes with their risks; the predicted boot path, always shown.
public enum OptionsView {
  static func dangerText(_ d: OptionDanger, _ g: Glyphs) -> (String, Style) {
    switch d {
    case .none: return ("", .plain)
    case .bootPath: return (g.warning, .warning)
    case .geometry, .writeProtection: return (g.warning + g.warning, .warning)
    case .readProtection, .security: return (g.warning + g.warning + g.warning, .danger)
    }
  }

  public static func render(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let cols = area.columns([0, max(32, area.width * 2 / 5)])
    let g = buffer.glyphs
    let readNote = state.options.readAt.map { " · read \(AppView.clockText($0))" } ?? ""
    let fieldsBlock = Block(title: Line("Option bytes\(state.options.read.map { " · " + $0.family.rawValue } ?? "")\(readNote)"))
    fieldsBlock.render(cols[0], &buffer)
    let inner = fieldsBlock.inner(cols[0])
    guard let edited = state.options.edited, let read = state.options.read else {
      let text = state.options.error ?? (state.job?.kind == .readOptions ? "Reading the option bytes…"
        : state.selectedDevice == nil ? "Select a board on the Devices screen (1) first." : "R reads the option bytes.")
      Paragraph(Paragraph.wrap(text, width: max(1, inner.width - 2)).map { Line($0, state.options.error == nil ? .dim : .danger) })
        .render(inner.inset(dx: 1, dy: 0), &buffer)
      renderSide(state, nil, cols[1], &buffer)
      return
    }
    // Rows: group headers interleaved with fields; the selection counts fields only.
    let fields = state.optionFields
    var lines: [Line] = []
    var selectedLine = 0
    var lastGroup = ""
    let nameWidth = min(12, max(6, fields.map(\.field.name.count).max() ?? 8))
    for (i, f) in fields.enumerated() {
      let grp = OptionFieldGroup(f.field).title
      if grp != lastGroup { lines.append(Line(grp, .bold)); lastGroup = grp }
      let old = read.value(of: f.field)
      let changed = old != f.value
      let readOnly = f.field.readOnlyReason != nil
      let (danger, dangerStyle) = readOnly ? ("ro", Style.dim) : dangerText(f.field.danger, g)
      let valueText = changed ? "\(optionHex(old ?? 0, bits: f.field.width)) \(g.arrow) \(optionHex(f.value, bits: f.field.width))"
        : optionHex(f.value, bits: f.field.width)
      let isSelected = i == state.options.fields.selected
      let pointer = isSelected ? g.pointer : " "
      var line = Line("\(pointer) \(f.field.name.padded(to: nameWidth)) ", changed ? .warning : .plain)
      line = line + Line(valueText.padded(to: changed ? valueText.count : 6) + " ", changed ? .warning : .accent) + Line(danger.padded(to: 4), dangerStyle)
      line = line + Line(f.meaning, changed ? .warning : .plain)
      if readOnly { line.spans = line.spans.map { Span($0.text, .dim) } }  // shown, never written: dim
      if isSelected { line.spans = line.spans.map { Span($0.text, Style(fg: $0.style.fg, $0.style.attributes.union(.reverse))) } }
      if i == state.options.fields.selected { selectedLine = lines.count }
      lines.append(line)
    }
    let height = inner.height
    let offset = max(0, min(selectedLine - height / 2, lines.count - height))
    Paragraph(lines, scroll: offset).render(inner, &buffer)
    if state.options.fields.selected < fields.count {
      let f = fields[state.options.fields.selected].field
      let note = f.readOnlyReason.map { " · read-only: " + $0 } ?? ""
      buffer.put(" \(f.name): \(f.summary) (\(f.bitsText))\(note) ", x: inner.x + 1, y: cols[0].maxY - 1, style: .dim, maxWidth: inner.width - 2)
    }
    renderSide(state, edited, cols[1], &buffer)
  }

  static func renderSide(_ state: AppState, _ edited: OptionBytes?, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let plan = state.optionPlan
    let bootLines: [Line]
    var pending: [Line] = []
    let width = max(1, area.width - 4)
    if let edited {
      let now = BootPrediction.predict(edited, boot0Pin: state.options.boot0)
      let other = BootPrediction.predict(edited, boot0Pin: !state.options.boot0)
      var l: [Line] = Paragraph.wrap(now.summary, width: width).map { Line($0, .accent) }
      l += now.reasons.flatMap { Paragraph.wrap($0, width: width) }.map { Line($0) }
      l += Paragraph.wrap("With BOOT0=\(state.options.boot0 ? 0 : 1): \(other.target)", width: width).map { Line($0, .dim) }
      l += now.warnings.flatMap { Paragraph.wrap($0, width: width) }.map { Line($0, .danger) }
      bootLines = l
      if case .success(let p)? = plan, !p.changes.isEmpty {
        pending = p.changes.flatMap { Paragraph.wrap($0.line, width: width) }.map { Line($0, .warning) }
        pending += p.risks.flatMap { Paragraph.wrap(buffer.glyphs.warning + " " + $0.description, width: width) }.map { Line($0, .danger) }
        pending += Paragraph.wrap("w writes (asks first); the chip resets", width: width).map { Line($0, .dim) }
      } else if case .failure(let e)? = plan {
        pending = Paragraph.wrap(e.description, width: width).map { Line($0, .danger) }
      } else {
        pending = [Line("No pending change. Enter edits a field.", .dim)]
      }
      let fields = state.optionFields
      if state.options.fields.selected < fields.count, let reason = fields[state.options.fields.selected].field.readOnlyReason {
        let name = fields[state.options.fields.selected].field.name
        pending += Paragraph.wrap("\(name) is read-only: it \(reason).", width: width).map { Line($0, .dim) }
      }
    } else {
      bootLines = [Line("unknown until the option bytes are read", .dim)]
    }
    let parts = area.rows([min(area.height / 2 + 2, bootLines.count + 2), 0])
    let bootBlock = Block(title: Line("Boot (BOOT0 pin \(state.options.boot0 ? 1 : 0))"))
    bootBlock.render(parts[0], &buffer)
    Paragraph(bootLines).render(bootBlock.inner(parts[0]).inset(dx: 1, dy: 0), &buffer)
    let count: Int
    if case .success(let p)? = plan { count = p.changes.count } else { count = 0 }
    let pendingBlock = Block(title: Line("Pending (\(count))"))
    pendingBlock.render(parts[1], &buffer)
    Paragraph(pending).render(pendingBlock.inner(parts[1]).inset(dx: 1, dy: 0), &buffer)
  }
}

/// `0xAA`-style value with as many digits as the field's width needs.
func optionHex(_ v: UInt32, bits: Int) -> String {
  let digits = max(1, (bits + 3) / 4)
  let s = String(v, radix: 16, uppercase: true)
  return "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s
}
