internal import DfuSe

/// 1 Devices: every DFU device (port, VID:PID, serial, chip and its
/// certainty, bootloader version, state), then the selected one's details.
public enum DevicesView {
  static func split(_ area: Rect, _ state: AppState) -> (list: Rect, details: Rect) {
    let listHeight = min(max(4, state.devices.count + 3), area.height / 2)
    let parts = area.rows([listHeight, 0])
    return (parts[0], parts[1])
  }

  static func table(_ state: AppState, width: Int) -> Table {
    let chipWidth = max(12, width - 2 - 6 - 9 - 14 - 6 - 9 - 5)
    let rows: [[Line]] = state.devices.map { d in
      let stateText: Line = !d.present ? Line("UNPLUGGED", .danger)
        : d.id == state.job?.deviceID ? Line(state.job!.kind.rawValue, .accent)
        : d.info.isDFUMode ? Line("DFU", .ok) : Line("runtime", .dim)
      return [Line(d.info.path), Line(d.info.vidPid), Line(d.info.serialNumber ?? "-"),
              Line("\(d.chip.name) (\(d.certainty))".truncated(to: chipWidth)), Line(d.chip.bootloaderVersion ?? "?"), stateText]
    }
    return Table(header: ["Port", "VID:PID", "Serial", "Chip (certainty)", "Boot", "State"],
                 widths: [6, 9, 14, chipWidth, 6, 9], rows: rows, state: state.deviceList)
  }

  /// The device row under screen row `y` (mouse).
  static func row(at y: Int, state: AppState, area: Rect) -> Int? {
    let (list, _) = split(area, state)
    return table(state, width: list.width).row(at: y, in: Block().inner(list))
  }

  public static func render(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let (listArea, detailArea) = split(area, state)
    let block = Block(title: Line("DFU devices (\(state.devices.filter(\.present).count))"))
    block.render(listArea, &buffer)
    let inner = block.inner(listArea)
    if state.devices.isEmpty {
      Paragraph([Line("No STM32 in DFU mode found. Put the board in the ROM bootloader (BOOT0 high, then reset);", .dim),
                 Line("the list updates by itself every second.", .dim)]).render(inner.inset(dx: 1, dy: 1), &buffer)
    } else {
      table(state, width: inner.width).render(inner, &buffer)
    }
    guard state.deviceList.selected < state.devices.count else { return }
    let d = state.devices[state.deviceList.selected]
    let details = Block(title: Line("\(d.info.path) details"))
    details.render(detailArea, &buffer)
    let detailInner = details.inner(detailArea).inset(dx: 1, dy: 0)
    // Side by side when wide; errata under the alternate settings on 80 columns.
    let cols = detailInner.width >= 110 ? detailInner.columns([0, 0])
      : detailInner.rows([min(detailInner.height, d.maps.count + 3), 0])
    var left: [Line] = []
    for (n, map) in d.maps {
      guard let map else { left.append(Line("alt \(n)  (no memory map)", .dim)); continue }
      let total = map.segments.reduce(UInt64(0)) { $0 + $1.byteCount }
      let first = map.segments.first
      let geometry = map.segments.count == 1 && first != nil
        ? "\(first!.sectorCount) × \(formatByteCount(UInt64(first!.sectorSize)))" : "\(map.segments.count) segments"
      left.append(Line("alt \(n)  \(map.name.padded(to: 16)) \(first.map { hex32($0.start) } ?? "-")  \(geometry) = \(formatByteCount(total))"))
    }
    left.append("")
    left.append(Line("\(d.info.manufacturer ?? "?") · \(d.info.product ?? "?") · bcdDevice \(hex16(d.info.deviceRelease))", .dim))
    if let reason = d.info.stringsUnavailableReason { left.append(Line(reason, .warning)) }
    Paragraph(left).render(cols[0], &buffer)
    var right = identityLines(d)
    right.append(Line("Errata applied on writes:", .bold))
    right += d.chip.errata.isEmpty ? [Line("none known", .dim)] : d.chip.errata.map { Line("\($0.id)  \($0.workaround)") }
    Paragraph(right.flatMap { l in
      Paragraph.wrap(l.text, width: max(1, cols[1].width)).map { Line($0, l.spans.first?.style ?? .plain) }
    }).render(cols.count > 1 ? cols[1] : .zero, &buffer)
  }
}

extension DevicesView {
  /// The identification in words (``DfuSe/ChipIdentity``): its summary; when not certain, the
  /// candidates, that `--family` decides, and the clues it was made from.
  static func identityLines(_ d: DeviceSummary) -> [Line] {
    let id = d.identity
    var lines = [Line("Chip: " + id.summary, id.certainty == .certain || id.certainty == .likely ? .bold : .warning)]
    if let problem = d.familyProblem { lines.append(Line(problem, .danger)) }
    if id.certainty != .certain {
      if id.candidates.count > 1 {
        lines.append(Line("Candidates: " + id.candidates.map(\.name).joined(separator: ", ")))
      }
      // For each candidate, a --family name that picks it alone.
      let names = id.candidates.compactMap { c in c.tokens.first { t in !id.candidates.contains { $0 != c && $0.tokens.contains(t) } } }
      let choice = names.isEmpty ? "" : ": " + names.map { "--family \($0)" }.joined(separator: " or ")
      lines.append(Line("--family decides\(choice) (a launch option); until then the safest rules apply.", .dim))
      if !id.clues.isEmpty { lines.append(Line("Clues: " + id.clues.joined(separator: "; "), .dim)) }
    }
    lines.append("")
    return lines
  }
}

func hex16(_ v: UInt16) -> String {
  let s = String(v, radix: 16)
  return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
