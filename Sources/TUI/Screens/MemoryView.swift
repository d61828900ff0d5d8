internal import DfuSe

/// 2 Memory: the sector map of the flash (one cell per sector, or per group
/// of sectors when they do not fit; every state has a symbol) and the sector
/// browser: a paged hex + ASCII dump, differences from the file highlighted.
public enum MemoryView {
  static func symbol(_ m: SectorMark, _ g: Glyphs) -> Cell {
    switch m {
    case .unknown: return Cell("·", style: .dim)
    case .blank: return Cell(g.empty, style: .dim)
    case .data: return Cell(g.light, style: Style(fg: .blue))
    case .same: return Cell(g.full, style: .ok)
    case .differs: return Cell(g.shade, style: Style(fg: .yellow))
    case .protected: return Cell("W", style: .danger)
    case .erased: return Cell("e", style: Style(fg: .yellow))
    case .written: return Cell("w", style: .accent)
    case .verified: return Cell(g.check, style: .ok)
    }
  }

  /// The mark shown for a group of sectors: the most noteworthy one.
  static func merge(_ marks: [SectorMark]) -> SectorMark {
    let order: [SectorMark] = [.protected, .differs, .written, .erased, .verified, .same, .data, .blank]
    return order.first { marks.contains($0) } ?? .unknown
  }

  public static func render(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    guard let d = state.selectedDevice, let map = d.map(state.memory.alternate) else {
      Block(title: "Memory").render(area, &buffer)
      Paragraph([Line("Select a board on the Devices screen (1) first.", .dim)]).render(area.inset(2), &buffer)
      return
    }
    let sectors = map.sectors
    let g = buffer.glyphs
    let mapRows = min(6, max(1, area.height / 4))
    let parts = area.rows([mapRows + 3, 0])
    let fileNote = state.flash.file.map { " · file: \($0.name)" } ?? ""
    let total = map.segments.reduce(UInt64(0)) { $0 + $1.byteCount }
    let mapInner = Block().inner(parts[0]).inset(dx: 1, dy: 0)
    let cells = max(1, mapInner.width * mapRows)
    let perCell = max(1, (sectors.count + cells - 1) / cells)
    let scale = perCell > 1 ? " (\(perCell) a cell)" : ""
    let mapBlock = Block(title: Line("alt \(state.memory.alternate) \(map.name) \(map.segments.first.map { hex32($0.start) } ?? "") · \(sectors.count) sectors\(scale) · \(formatByteCount(total))\(fileNote)"))
    mapBlock.render(parts[0], &buffer)
    let inner = mapInner
    let selected = state.memory.sectors.selected
    for (i, start) in stride(from: 0, to: sectors.count, by: perCell).enumerated() {
      let group = sectors[start..<min(sectors.count, start + perCell)]
      let marks = group.map { state.memory.marks[$0.address] ?? .unknown }
      var cell = symbol(merge(marks), g)
      if (start..<(start + perCell)).contains(selected) { cell.style.attributes.insert(.reverse) }
      buffer[inner.x + i % max(1, inner.width), inner.y + i / max(1, inner.width)] = cell
    }
    let legend: [(SectorMark, String)] = [(.same, "same as file"), (.differs, "differs"), (.data, "data"), (.blank, "blank"),
                                          (.unknown, "not read"), (.verified, "verified")]
    var x = inner.x
    for (m, text) in legend {
      let c = symbol(m, g)
      buffer[x, inner.y + mapRows] = c
      x += 1 + buffer.put(" " + text + "  ", x: x + 1, y: inner.y + mapRows, style: .dim, maxWidth: inner.maxX - x - 1)
    }
    renderDump(state, sectors, parts[1], &buffer)
  }

  static func renderDump(_ state: AppState, _ sectors: [MemorySector], _ area: Rect, _ buffer: inout ScreenBuffer) {
    let sel = state.memory.sectors.selected
    guard sel < sectors.count else { return }
    let s = sectors[sel]
    let m = state.memory
    let showing = m.dumpAddress == s.address && !m.dump.isEmpty
    let diffs = showing ? m.dumpDifferences(file: state.flash.file) : []
    var title = "sector \(sel) · \(hex32(s.address)) · \(formatByteCount(UInt64(s.size))) · \(s.access)"
    if showing, let f = state.flash.file {
      title += diffs.isEmpty ? " · matches \(f.name) where it has data" : " · differs from \(f.name) in \(diffs.count) byte\(diffs.count == 1 ? "" : "s")"
    }
    let block = Block(title: Line(title))
    block.render(area, &buffer)
    let inner = block.inner(area).inset(dx: 1, dy: 0)
    guard showing else {
      let note = state.job?.kind == .readSector ? "Reading…" : "Enter reads this sector; g goes to an address."
      Paragraph([Line(note, .dim)]).render(inner, &buffer)
      return
    }
    let diffSet = Set(diffs)
    let rows = (m.dump.count + 15) / 16
    for r in 0..<min(inner.height, max(0, rows - m.dumpScroll)) {
      let row = m.dumpScroll + r
      let y = inner.y + r
      var x = inner.x + buffer.put(hex32(s.address + UInt32(row * 16)).dropFirst(2).lowercased() + " ", x: inner.x, y: y, style: .dim)
      var ascii = ""
      for i in 0..<16 {
        let offset = row * 16 + i
        guard offset < m.dump.count else { break }
        let b = m.dump[offset]
        let style: Style = diffSet.contains(offset) ? Style(fg: .yellow, [.reverse, .bold]) : (b == 0xFF ? .dim : .plain)
        x += buffer.put(byteHex(b), x: x, y: y, style: style)
        x += i == 7 ? 2 : 1
        ascii += (32..<127).contains(b) ? String(UnicodeScalar(b)) : "."
      }
      buffer.put("|" + ascii + "|", x: x, y: y, style: .dim, maxWidth: inner.maxX - x - 1)
    }
  }

  static func byteHex(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
  }
}
