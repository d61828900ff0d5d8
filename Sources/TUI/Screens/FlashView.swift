internal import DfuSe

/// 4 Flash: the file (path field, info, lint), the plan, the toggles; then
/// the directory browser, the live per-phase progress, or the result.
public enum FlashView {
  public static func render(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let plan = state.plan  // planned once per frame: it pads the whole image
    let top = topLines(state, plan, width: area.width - 4, buffer.glyphs)
    // After a job its result is what the user reads: the plan then gets a third of the screen.
    let topShare = state.job == nil && state.flash.result != nil ? area.height / 3 : area.height / 2
    let parts = area.rows([min(top.count + 2, topShare + 2), 0])
    let fileTitle = state.flash.file.map { f in
      "\(f.name) · \(f.format) · \(formatByteCount(UInt64(f.image.byteCount))) · CRC32 0x\(hex8(f.crc32))"
    } ?? "No file loaded"
    let block = Block(title: Line(fileTitle))
    block.render(parts[0], &buffer)
    Paragraph(top).render(block.inner(parts[0]).inset(dx: 1, dy: 0), &buffer)
    if let job = state.job, job.kind == .flash {
      renderProgress(state, plan, job, parts[1], &buffer)
    } else {
      var rest = parts[1]
      if let result = state.flash.result {
        let lines = resultLines(result, width: rest.width - 4, buffer.glyphs)
        // The result may take all but the browser's frame and one row: it is what the user reads now.
        let (r, b) = rest.splitTop(min(lines.count + 2, max(rest.height / 2 + 1, rest.height - 3)))
        let failed: Bool
        if case .flashed(true, _, _, _, _) = result { failed = false } else { failed = true }
        let rb = Block(title: Line("Result", failed ? .danger : .ok), style: failed ? Style(fg: .red) : Style(fg: .green))
        rb.render(r, &buffer)
        Paragraph(lines).render(rb.inner(r).inset(dx: 1, dy: 0), &buffer)
        rest = b
      }
      renderBrowser(state, rest, &buffer)
    }
  }

  static func topLines(_ state: AppState, _ plan: Result<FlashPlan, PlanProblem>, width: Int, _ g: Glyphs) -> [Line] {
    let f = state.flash
    var lines: [Line] = []
    let cursor = f.focus == .pathField ? Line(f.pathField + "_", .reverse) : Line(f.pathField.isEmpty ? "(/ to type a path)" : f.pathField, .dim)
    lines.append(Line("Path ", .bold) + cursor)
    if let err = f.fileError { lines += Paragraph.wrap(err, width: max(1, width)).map { Line($0, .danger) } }
    if let file = f.file {
      let segs = file.image.segments.map { "\(hex32($0.address))+\(formatByteCount(UInt64($0.bytes.count)))" }
      lines.append(Line("\(file.image.segments.count) segment(s): " + segs.prefix(3).joined(separator: ", ") + (segs.count > 3 ? " …" : "")))
      for w in file.warnings.prefix(2) { lines.append(Line("\(g.warning) " + w, .warning)) }
      if let suffix = file.suffix, let device = state.selectedDevice, let mismatch = suffix.mismatch(with: device.info) {
        lines += Paragraph.wrap("\(g.warning) " + mismatch, width: max(1, width)).map { Line($0, .warning) }
      }
      switch plan {
      case .success(let plan):
        let erase = plan.sectors.count
        let text = "Plan: erase \(erase) sector(s), write \(plan.runs.count) run(s) of \(formatByteCount(UInt64(plan.programmedBytes))) "
          + "(\(plan.programmedBytes - plan.image.byteCount) B padding), vector-table sector last"
        lines += Paragraph.wrap(text, width: max(1, width)).map { Line($0) }
        if plan.bytesErasedOutsideImage > 0 && !f.options.preserve {
          lines.append(Line("      \(formatByteCount(UInt64(plan.bytesErasedOutsideImage))) outside the image will be erased (p preserves)", .warning))
        }
        if !plan.errata.isEmpty { lines.append(Line("      errata: " + plan.errata.map(\.id).joined(separator: ", "), .dim)) }
        // While flashing the bars and the sector strip need the room; after, the result says how it was erased.
        var decided = false
        if case .flashed(_, _, _, _, let erase)? = f.result, erase != nil { decided = true }
        if state.job?.kind != .flash && !decided {
          let eraseReason = eraseProposal(state, plan).reason
          let unread = eraseReason.hasSuffix("(option bytes not read)") ? "; the job reads them before erasing" : ""
          lines += Paragraph.wrap("Erase: " + eraseReason + unread, width: max(1, width)).map { Line($0, .dim) }
        }
      case .failure(let p):
        lines += Paragraph.wrap("No plan: " + p.message, width: max(1, width)).map { Line($0, .danger) }
      }
    }
    func box(_ on: Bool, _ key: String, _ name: String) -> Line {
      Line("[\(on ? "x" : " ")]", on ? .ok : .dim) + Line(key, .accent) + Line(" \(name)")
    }
    let toggles = [box(f.options.verify, "v", "verify"), box(f.options.differential, "d", "diff"), box(f.options.backup, "b", "backup"),
                   box(f.options.preserve, "p", "preserve"), box(f.leave, "e", "leave"), box(f.watch, "w", "watch"),
                   box(f.options.allowMassErase, "m", "mass")]
    // One row, two spaces apart when that fits, else one space, else as many rows as needed.
    let sep = toggles.reduce(0) { $0 + $1.width } + 2 * (toggles.count - 1) <= width ? "  " : " "
    var row = Line([])
    for t in toggles {
      if row.width > 0 && row.width + sep.count + t.width > width { lines.append(row); row = Line([]) }
      row = row.width == 0 ? t : row + Line(sep) + t
    }
    lines.append(row)
    return lines
  }

  /// How the engine will erase (``DfuSe/ErasePlanner/proposal(_:options:)``), with the protection
  /// from the option bytes when they were read (unknown protection rules a mass erase out).
  static func eraseProposal(_ state: AppState, _ plan: FlashPlan) -> EraseDecision {
    var options = state.flash.options
    if let read = state.options.read { options.protection = FlashProtection(read, flashMap: plan.map) }
    return ErasePlanner.proposal(plan, options: options)
  }

  static func renderBrowser(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let block = Block(title: Line(state.flash.directory))
    block.render(area, &buffer)
    var rows: [[Line]] = [[Line("../", .accent), Line("")]]
    rows += state.flash.entries.map { e in
      [Line(e.name + (e.isDirectory ? "/" : ""), e.isDirectory ? .accent : firmwareStyle(e.name)),
       Line(e.isDirectory ? "" : formatByteCount(UInt64(e.size)).leftPadded(to: 10), .dim)]
    }
    let inner = block.inner(area)
    Table(header: [], widths: [max(10, inner.width - 16), 10], rows: rows,
          state: state.flash.focus == .browser ? state.flash.browser : ListState(selected: -1)).render(inner, &buffer)
  }

  static func firmwareStyle(_ name: String) -> Style {
    let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
    return ["hex", "elf", "bin", "dfu", "srec", "s19", "ihex"].contains(ext) ? .bold : .plain
  }

  static func renderProgress(_ state: AppState, _ plan: Result<FlashPlan, PlanProblem>, _ job: JobState, _ area: Rect,
                             _ buffer: inout ScreenBuffer) {
    let block = Block(title: Line(job.cancelling ? "Flashing — cancelling between two transfers…" : "Flashing", job.cancelling ? .warning : .accent))
    block.render(area, &buffer)
    let inner = block.inner(area).inset(dx: 1, dy: 0)
    let phases: [OperationPhase] = [.prepare, .erase, .write, .verify, .leave]
    var y = inner.y
    let barWidth = max(10, min(40, inner.width - 58))
    for phase in phases where y < inner.maxY {
      let label = (phase == .prepare ? "pre-read" : phase.rawValue).padded(to: 9)
      buffer.put(label, x: inner.x, y: y, style: .bold)
      if let p = job.phases.last(where: { $0.phase == phase }) {
        let end = p.fraction >= 1 ? p.updated : state.now > p.updated ? state.now : p.updated
        let elapsed = max(0, end - p.started)
        let rate = elapsed > 0 ? Double(p.completed) / elapsed : 0
        var text = "\(sizeText(p.completed))/\(sizeText(p.total))"
        if rate > 0 { text += "  \(sizeText(Int(rate)))/s" }
        text += "  \(seconds(elapsed))"
        if p.fraction >= 1 { text += "  done" } else if rate > 0 {
          text += "  ETA \(seconds(Double(p.total - p.completed) / rate))"
        }
        Gauge(fraction: p.fraction, label: text, barWidth: barWidth).render(Rect(x: inner.x + 10, y: y, width: inner.width - 10, height: 1), &buffer)
      } else {
        Gauge(fraction: 0, label: "", barWidth: barWidth).render(Rect(x: inner.x + 10, y: y, width: inner.width - 10, height: 1), &buffer)
      }
      y += 1
    }
    // Sector strip: the planned sectors as they are erased, written, verified.
    guard y + 1 < inner.maxY, case .success(let plan) = plan else { return }
    y += 1
    buffer.put("sectors", x: inner.x, y: y, style: .bold)
    let strip = Rect(x: inner.x + 10, y: y, width: inner.width - 10, height: inner.maxY - y)
    for (i, s) in plan.sectors.enumerated() where i < strip.width * strip.height {
      buffer[strip.x + i % strip.width, strip.y + i / strip.width] =
        MemoryView.symbol(state.memory.marks[s.sector.address] ?? .unknown, buffer.glyphs)
    }
  }

  static func resultLines(_ r: JobOutcome, width: Int, _ g: Glyphs) -> [Line] {
    let w = max(1, width)
    switch r {
    case .flashed(let verified, let summary, _, let left, let erase):
      var l = Paragraph.wrap(verified ? "\(g.check) Wrote and verified: \(summary)" : "\(g.warning) Written, NOT verified: \(summary)",
                             width: w).map { Line($0, verified ? .ok : .warning) }
      if let erase { l += Paragraph.wrap("Erase: " + erase, width: w).map { Line($0, .dim) } }
      if let left { l += Paragraph.wrap(left, width: w).map { Line($0) } }
      return l
    case .cancelled(let why):
      return Paragraph.wrap("\(g.cross) Cancelled: \(why)", width: w).map { Line($0, .warning) }
    case .failed(let message, let hint, let mismatches):
      var l = Paragraph.wrap("\(g.cross) \(message)", width: w).map { Line($0, .danger) }
      if !mismatches.isEmpty {
        l.append(Line("Read-back differs at: " + mismatches.prefix(6).map { "\(hex32($0.lowerBound))–\(hex32($0.upperBound))" }.joined(separator: ", ")
                      + (mismatches.count > 6 ? " (+\(mismatches.count - 6) more)" : ""), .danger))
      }
      l += Paragraph.wrap(hint, width: w).map { Line($0) }
      return l
    default:
      return []
    }
  }

  static func seconds(_ s: Double) -> String {
    if s < 10 { return String(Int(s * 10) / 10) + "." + String(Int(s * 10) % 10) + " s" }
    return "\(Int(s)) s"
  }
}

func hex8(_ v: UInt32) -> String {
  let s = String(v, radix: 16, uppercase: true)
  return String(repeating: "0", count: max(0, 8 - s.count)) + s
}

/// `12.5 KiB`, `1.0 MiB`, `512 B`: sizes and rates on the progress bars.
func sizeText(_ n: Int) -> String {
  func tenths(_ v: Double) -> String {
    let t = Int((v * 10).rounded())
    return "\(t / 10).\(t % 10)"
  }
  if n >= 1 << 20 { return tenths(Double(n) / 1_048_576) + " MiB" }
  if n >= 1 << 10 { return tenths(Double(n) / 1024) + " KiB" }
  return "\(n) B"
}
