internal import DfuSe

/// 6 Batch (issue 14): the Flash screen's file and options, the record file, one
/// row per board (port, serial, chip, phase, its own bar, result, time), the
/// selected board's full text on Enter, and the totals with boards per hour.
/// Every result is a word; colour (green verified, red failed) only repeats it.
public enum BatchView {
  public static func render(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let top = topLines(state, width: area.width - 4, buffer.glyphs)
    let detail = state.batch.showDetail ? detailLines(state, width: area.width - 4) : []
    let (topArea, rest) = area.splitTop(top.count + 2)
    let (middle, totalsArea) = rest.splitBottom(1)
    let (rowsArea, detailArea) = detail.isEmpty ? (middle, Rect.zero) : middle.splitBottom(min(detail.count + 2, max(3, middle.height - 4)))
    let fileTitle = state.flash.file.map { f in
      "Batch · \(f.name) · \(f.format) · \(formatByteCount(UInt64(f.image.byteCount))) · CRC32 0x\(hex8(f.crc32))"
    } ?? "Batch · no file loaded"
    let block = Block(title: Line(fileTitle))
    block.render(topArea, &buffer)
    Paragraph(top).render(block.inner(topArea).inset(dx: 1, dy: 0), &buffer)
    renderRows(state, rowsArea, &buffer)
    if !detail.isEmpty {
      let failed = state.batch.rows.indices.contains(state.batch.list.selected)
        && state.batch.rows[state.batch.list.selected].result != .verified
      let db = Block(title: Line("Details", failed ? .danger : .bold))
      db.render(detailArea, &buffer)
      Paragraph(detail).render(db.inner(detailArea).inset(dx: 1, dy: 0), &buffer)
    }
    buffer.put(totalsLine(state), x: totalsArea.x + 1, y: totalsArea.y, maxWidth: totalsArea.width - 1)
  }

  static func topLines(_ state: AppState, width: Int, _ g: Glyphs) -> [Line] {
    guard state.flash.file != nil else {
      let text = "No file loaded: press 4 and pick a file; its options (leave, diff, mass erase) apply here."
      return Paragraph.wrap(text, width: max(1, width)).map { Line($0, .warning) } + [recordLine(state)]
    }
    func box(_ on: Bool, _ name: String) -> Line { Line("[\(on ? "x" : " ")]", on ? .ok : .dim) + Line(" " + name) }
    let o = state.flash.options
    let wide = width >= 90
    var options = Line("Options: ", .bold) + Line("verify always", .ok)
    for item in [box(state.flash.leave, wide ? "leave after flash" : "leave"), box(o.differential, "diff"),
                 box(o.allowMassErase, wide ? "mass erase allowed" : "mass erase")] {
      options = options + Line("  ") + item
    }
    return [options, recordLine(state), stateLine(state, wide: wide)]
  }

  static func recordLine(_ state: AppState) -> Line {
    if let path = state.batch.recordPath { return Line("Record: ", .bold) + Line(path + " (one JSON line per board)") }
    return Line("Record: ", .bold) + Line("no record (start with --record FILE)", .dim)
  }

  static func stateLine(_ state: AppState, wide: Bool) -> Line {
    let b = state.batch
    guard let mode = b.mode else {
      let n = batchBoards(state).count
      return Line("s", .accent) + Line(" flashes the \(n) board\(n == 1 ? "" : "s") in DFU now · ") + Line("l", .accent)
        + Line(" flashes each board as it is plugged in")
    }
    if b.cancelling { return Line("Cancelling: the running boards stop between two USB transfers.", .warning) }
    if b.stopping { return Line("Stopping: no new board starts; the \(b.active) running finish and verify.", .warning) }
    if mode == .loop {
      return Line("LOOP", Style(fg: .cyan, [.bold, .reverse])) + Line(" each board plugged in is flashed once\(wide ? " per plug" : "") · ")
        + Line("x", .accent) + Line(" stops, running boards finish")
    }
    return Line("BATCH", Style(fg: .cyan, [.bold, .reverse])) + Line(" flashing the boards present · ") + Line("x", .accent)
      + Line(" cancels them (asks)")
  }

  static func columns(width: Int) -> [Int] {
    let wide = width >= 110
    let fixed = wide ? [7, 14, 16, 6, 22] : [7, 12, 9, 6, 11]
    let time = 6
    let result = max(8, width - 2 - fixed.reduce(0, +) - time - 6)
    return fixed + [result, time]
  }

  static func renderRows(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let b = state.batch
    let block = Block(title: Line("Boards (\(b.rows.count))"))
    block.render(area, &buffer)
    let inner = block.inner(area)
    guard !b.rows.isEmpty else {
      let text: String
      if let refusal = b.refusal, !b.running {
        let lines = Paragraph.wrap("Not started: " + refusal, width: max(1, inner.width - 2)).map { Line($0, .danger) }
        Paragraph(lines).render(inner.inset(dx: 1, dy: 1), &buffer)
        return
      } else if b.mode == .loop {
        text = "Waiting for boards in DFU mode… plug one in (BOOT0 high, then reset); it joins by itself."
      } else if b.running {
        text = "Starting…"
      } else {
        text = "No batch yet. Both ways ask first; a board whose chip cannot take the image fails alone, nothing written."
      }
      Paragraph(Paragraph.wrap(text, width: max(1, inner.width - 2)).map { Line($0, .dim) })
        .render(inner.inset(dx: 1, dy: 1), &buffer)
      return
    }
    let widths = columns(width: inner.width)
    let rows = b.rows.map { row(state, $0, widths: widths, buffer.glyphs) }
    Table(header: ["Port", "Serial", "Chip", "Phase", "Progress", "Result", "Time".leftPadded(to: widths[6])], widths: widths, rows: rows,
          state: b.list).render(inner, &buffer)
  }

  static func row(_ state: AppState, _ r: BatchRow, widths: [Int], _ g: Glyphs) -> [Line] {
    let bar = widths[4]
    let end = r.ended ?? max(state.now, r.started)
    let phase: String
    switch r.result {
    case .verified: phase = "done"
    case .running: phase = r.phase.map(phaseName) ?? "start"
    default: phase = r.phase.map(phaseName) ?? "-"
    }
    let result = r.cameBack != nil && r.result == .verified ? Line("VERIFIED, BACK IN ROM", .warning) : resultLine(r.result)
    return [Line(r.port), Line(r.serial ?? "-"), Line(r.chip.truncated(to: widths[2])), Line(phase), gauge(r, width: bar, g),
            result, Line(FlashView.seconds(end - r.started).leftPadded(to: widths[6]), .dim)]
  }

  static func phaseName(_ p: OperationPhase) -> String { p == .prepare ? "read" : p.rawValue }

  /// The row's own bar and percentage: green while running and when verified, red where a board failed.
  static func gauge(_ r: BatchRow, width: Int, _ g: Glyphs) -> Line {
    let fraction = r.result == .verified ? 1 : min(1, max(0, r.fraction))
    let cells = max(1, width - 5)
    let filled = Int((fraction * Double(cells)).rounded(.down))
    let style: Style = r.result == .running || r.result == .verified ? .ok : .danger
    let percent = "\(Int((fraction * 100).rounded(.down)))%".leftPadded(to: 5)
    return Line([Span(String(repeating: g.full, count: filled), style), Span(String(repeating: g.empty, count: cells - filled), .dim),
                 Span(percent)])
  }

  static func resultLine(_ result: BatchResult) -> Line {
    switch result {
    case .running: return Line("running", .accent)
    case .verified: return Line("VERIFIED", Style(fg: .green, .bold))
    case .failed, .disconnected: return Line(result.word, .danger)
    case .cancelled: return Line(result.word, .warning)
    }
  }

  static func detailLines(_ state: AppState, width: Int) -> [Line] {
    let b = state.batch
    guard b.rows.indices.contains(b.list.selected) else { return [] }
    let r = b.rows[b.list.selected]
    var lines = [Line("\(r.port) · \(r.serial ?? "no serial") · \(r.chip)", .bold)]
    switch r.result {
    case .running: lines.append(Line("Running: \(r.phase.map(phaseName) ?? "starting"), \(sizeText(r.completed))/\(sizeText(r.total))"))
    case .verified: lines.append(Line("Written and verified by read-back.", .ok))
    default:
      lines += Paragraph.wrap(r.result.detail ?? r.result.word, width: max(1, width)).map { Line($0, .danger) }
    }
    if let after = r.cameBack {
      let text = "Back in the bootloader \(FlashView.seconds(after)) after leaving DFU: the application did not start, or "
        + "reset into the ROM (BOOT0 held high? a file built for another board?). Not flashed again; unplug it."
      lines += Paragraph.wrap(text, width: max(1, width)).map { Line($0, .warning) }
    }
    if let problem = r.recordProblem { lines += Paragraph.wrap(problem, width: max(1, width)).map { Line($0, .warning) } }
    return lines
  }

  /// `Passed 2 · Failed 1 · Running 1 · Elapsed 0:42 · 171 boards/h` (`—` until a board finished).
  static func totalsLine(_ state: AppState) -> Line {
    let b = state.batch
    let rate = b.boardsPerHour(now: state.now).map { "\(Int($0.rounded()))" } ?? "—"
    return Line("Passed \(b.passed)", b.passed > 0 ? Style(fg: .green, .bold) : .bold) + Line(" · ")
      + Line("Failed \(b.failed)", b.failed > 0 ? .danger : .bold) + Line(" · ") + Line("Running \(b.active)", .bold)
      + Line(" · Elapsed \(clock(b.elapsed(now: state.now))) · \(rate) boards/h")
  }

  /// `0:42`, `12:05`, `1:02:03`.
  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds)
    let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
    return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
  }

  /// The start dialog's text: which boards, what is written, how it ends, where it is recorded.
  static func confirmLines(_ mode: BatchMode, _ state: AppState) -> [Line] {
    guard let f = state.flash.file else { return [] }
    let boards = batchBoards(state).map(\.info.path)
    let file = "\(f.name) (\(formatByteCount(UInt64(f.image.byteCount))), CRC32 0x\(hex8(f.crc32)))"
    var lines: [Line]
    if mode == .loop {
      lines = [Line("Write \(file) to each board plugged in from now on, once per plug, until x stops the loop.")]
      lines.append(Line(boards.isEmpty ? "No board is present now." :
                          "The boards present now are flashed too: " + boards.joined(separator: ", ") + ".", .bold))
    } else {
      lines = [Line("Write \(file) to the \(boards.count) board(s) in DFU now: " + boards.joined(separator: ", ") + "?")]
    }
    lines.append(Line("Each board's plan is checked first: one that cannot take the image fails alone, nothing written to it."))
    lines.append(Line("Verifies every board by read-back" + (state.flash.leave ? "; then leaves DFU." : "; boards stay in DFU.")
                      + (state.flash.options.differential ? " Diff: only differing sectors." : "")))
    lines.append(recordLine(state))
    return lines
  }
}
