internal import DfuSe

/// Memory screen keys: ↑↓ sector, Enter reads it, PgUp/PgDn/jk scroll the
/// dump, `g` goes to an address, `n` next difference, `a` the next alternate setting.
func memoryKey(_ state: inout AppState, _ key: Key) -> [Effect] {
  guard let d = state.selectedDevice else { return [] }
  if key == .char("a") { return nextAlternate(&state, d) }
  guard let map = d.map(state.memory.alternate) else { return [] }
  let sectors = map.sectors
  let rows = max(0, (state.memory.dump.count + 15) / 16)
  switch key {
  case .up, .left: state.memory.sectors.move(-1, count: sectors.count)
  case .down, .right: state.memory.sectors.move(1, count: sectors.count)
  case .char("k"): state.memory.dumpScroll = max(0, state.memory.dumpScroll - 1)
  case .char("j"): state.memory.dumpScroll = min(max(0, rows - 1), state.memory.dumpScroll + 1)
  case .pageUp: state.memory.dumpScroll = max(0, state.memory.dumpScroll - 16)
  case .pageDown: state.memory.dumpScroll = min(max(0, rows - 1), state.memory.dumpScroll + 16)
  case .home: state.memory.sectors.selected = 0
  case .end: state.memory.sectors.move(sectors.count, count: sectors.count)
  case .char("g"): state.dialog = .gotoAddress(text: "0x", error: nil)
  case .char("n"):
    let here = state.memory.dumpAddress ?? 0
    if let next = state.memory.dumpDifferences(file: state.flash.file).first(where: { $0 > Int(here) + state.memory.dumpScroll * 16 + 15 }) {
      state.memory.dumpScroll = (next - Int(here)) / 16
    } else {
      state.status = "No further difference in this sector."
    }
  case .enter, .char("r"):
    guard state.job == nil else { state.status = "A job is running on the device."; return [] }
    guard d.present else { state.status = "The board is unplugged."; return [] }
    guard state.memory.sectors.selected < sectors.count else { return [] }
    let s = sectors[state.memory.sectors.selected]
    guard s.access.contains(.readable) else { state.status = "That sector is not readable."; return [] }
    return startRead(&state, .readSector(deviceID: d.id, alternate: state.memory.alternate, address: s.address,
                                         count: Int(s.size)), kind: .readSector)
  default: break
  }
  return []
}

/// Goes to the sector holding `address` and reads it, scrolled to the address.
func goTo(_ state: inout AppState, _ address: UInt32) -> [Effect] {
  guard let d = state.selectedDevice, let map = d.map(state.memory.alternate) else { return [] }
  let sectors = map.sectors
  guard let i = sectors.firstIndex(where: { address >= $0.address && UInt64(address) < $0.end }) else {
    state.dialog = .gotoAddress(text: hex32(address), error: "\(hex32(address)) is outside \"\(map.name)\"")
    return []
  }
  state.dialog = nil
  state.memory.sectors.selected = i
  var effects = memoryKey(&state, .enter)
  state.memory.dumpScroll = Int(address - sectors[i].address) / 16
  if effects.isEmpty { effects = [] }
  return effects
}

/// Shows the next alternate setting that has a memory map (option bytes, OTP, …: each
/// segment to scale, read-only browsing like the flash).
func nextAlternate(_ state: inout AppState, _ d: DeviceSummary) -> [Effect] {
  let numbers = d.maps.filter { $0.map != nil }.map(\.number)
  guard numbers.count > 1 else { state.status = "This board has one memory map."; return [] }
  let i = numbers.firstIndex(of: state.memory.alternate) ?? -1
  state.memory.alternate = numbers[(i + 1) % numbers.count]
  state.memory.sectors = ListState()
  state.memory.dump = []
  state.memory.dumpAddress = nil
  state.memory.dumpScroll = 0
  state.status = "Alternate setting \(state.memory.alternate): \(d.map(state.memory.alternate)?.name ?? "?")."
  return []
}

/// What a read sector holds: blank, same as / differs from the file, or data.
func sectorMark(_ bytes: [UInt8], at address: UInt32, file: LoadedFile?) -> SectorMark {
  if let file {
    var touched = false, differs = false
    for (i, b) in bytes.enumerated() {
      if let f = file.image.byte(at: address &+ UInt32(i)) {
        touched = true
        if f != b { differs = true; break }
      }
    }
    if touched { return differs ? .differs : .same }
  }
  return bytes.allSatisfy { $0 == 0xFF } ? .blank : .data
}

/// Re-marks read sectors after a file load.
func markSectorsAgainstFile(_ state: inout AppState) {
  if let a = state.memory.dumpAddress, !state.memory.dump.isEmpty {
    state.memory.marks[a] = sectorMark(state.memory.dump, at: a, file: state.flash.file)
  }
}

extension MemoryState {
  /// Byte offsets (from the sector start) where the dump differs from `file`.
  public func dumpDifferences(file: LoadedFile?) -> [Int] {
    guard let file, let base = dumpAddress else { return [] }
    return dump.indices.filter { i in file.image.byte(at: base &+ UInt32(i)).map { $0 != dump[i] } ?? false }
  }
}
