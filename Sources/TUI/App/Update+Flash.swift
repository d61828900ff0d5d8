internal import DfuSe

/// Flash screen keys: browse (↑↓ Enter, Backspace = parent), `/` edits the
/// path (Tab completes), toggles (`m` allows a mass erase), `a` the address of
/// raw data, `f` flash (asks), `c` cancel (asks).
func flashKey(_ state: inout AppState, _ key: Key) -> [Effect] {
  let count = state.flash.entries.count + 1  // row 0 is ".."
  switch key {
  case .up, .char("k"): state.flash.browser.move(-1, count: count)
  case .down, .char("j"): state.flash.browser.move(1, count: count)
  case .pageUp: state.flash.browser.move(-10, count: count)
  case .pageDown: state.flash.browser.move(10, count: count)
  case .home: state.flash.browser.selected = 0
  case .end: state.flash.browser.move(count, count: count)
  case .backspace, .left, .char("h"): return [.listDirectory(parent(of: state.flash.directory))]
  case .enter, .right, .char("l"):
    let i = state.flash.browser.selected
    if i == 0 { return [.listDirectory(parent(of: state.flash.directory))] }
    guard i - 1 < state.flash.entries.count else { return [] }
    let entry = state.flash.entries[i - 1]
    let path = join(state.flash.directory, entry.name)
    return entry.isDirectory ? [.listDirectory(path)] : [.loadFile(path: path, rawAddress: state.flash.rawAddress)]
  case .char("/"), .char("o"):
    state.flash.focus = .pathField
    if state.flash.pathField.isEmpty { state.flash.pathField = join(state.flash.directory, "") }
  case .char("v"): state.flash.options.verify.toggle()
  case .char("d"): state.flash.options.differential.toggle()
  case .char("b"):
    state.flash.options.backup.toggle()
    state.status = state.flash.options.backup
      ? "Backup on: what a flash erases is saved first, to a new file in \(state.flash.backupDirectory)"
      : "Backup off."
  case .char("p"): state.flash.options.preserve.toggle()
  case .char("e"): state.flash.leave.toggle()
  case .char("m"): state.flash.options.allowMassErase.toggle()
  case .char("a"):
    let takesAddress = [FirmwareFormat.raw.displayName, FirmwareFormat.plainDFU.displayName]
    let raw = state.flash.file.flatMap { takesAddress.contains($0.format) ? $0.path : nil }
    guard let path = state.flash.needsAddress ?? raw else {
      state.status = "Only raw data (a .bin) takes an address; the loaded file carries its own."
      return []
    }
    askRawAddress(&state, path: path)
  case .char("w"):
    state.flash.watch.toggle()
    if state.flash.watch { state.flash.options.differential = true }
    return [.watchFile(state.flash.watch ? state.flash.file?.path : nil)]
  case .char("f"):
    if refusedForBatch(&state) { return [] }
    guard state.job == nil else { state.status = "A job is running; wait for it or cancel it (c)."; return [] }
    guard let d = state.selectedDevice, d.present else { state.status = "No board selected (1 Devices)."; return [] }
    switch state.plan {
    case .success: state.dialog = .confirmFlash
    case .failure(let p): state.status = "Cannot flash: \(p.message)"
    }
  case .char("c"):
    if state.job?.kind == .flash { state.dialog = .confirmCancel }
  default: break
  }
  return []
}

/// The start-flash effect for the current file and device (state updated to "running").
func flashEffect(_ state: inout AppState, auto: Bool = false) -> Effect? {
  if refusedForBatch(&state) { return nil }
  guard let file = state.flash.file, let d = state.selectedDevice, d.present, case .success = state.plan else { return nil }
  var options = state.flash.options
  if auto { options.differential = true }
  state.job = JobState(deviceID: d.id, kind: .flash, started: state.now)
  state.flash.result = nil
  state.memory.marks = state.memory.marks.filter { _, m in m != .erased && m != .written && m != .verified }
  state.addLog(.info, "\(auto ? "file changed: " : "")flashing \(file.name) to \(d.info.path)")
  return .startFlash(FlashRequest(deviceID: d.id, alternate: state.flash.alternate, firmware: file.firmware,
                                  fileName: file.name, options: options, leave: state.flash.leave))
}

/// Path field: typing edits, Tab completes against the listed directory,
/// Enter loads (or opens a directory), Esc leaves the field.
func pathFieldKey(_ state: inout AppState, _ key: Key) -> [Effect] {
  switch key {
  case .escape: state.flash.focus = .browser
  case .enter:
    let path = state.flash.pathField
    state.flash.focus = .browser
    if path.hasSuffix("/") { return [.listDirectory(String(path.dropLast()).isEmpty ? "/" : String(path.dropLast()))] }
    return [.loadFile(path: path, rawAddress: state.flash.rawAddress)]
  case .backspace:
    if !state.flash.pathField.isEmpty { state.flash.pathField.removeLast() }
  case .ctrl("u"): state.flash.pathField = ""
  case .char(let c): state.flash.pathField.append(c)
  case .tab:
    let (dir, prefix) = splitPath(state.flash.pathField)
    if dir != state.flash.directory { return [.listDirectory(dir)] }  // completes once listed
    complete(&state, prefix: prefix)
  case .ctrl("c"): return quitKey(&state)
  default: break
  }
  return []
}

func complete(_ state: inout AppState, prefix: String) {
  let matches = state.flash.entries.filter { $0.name.hasPrefix(prefix) }
  guard !matches.isEmpty else { state.status = "No file starts with \"\(prefix)\"."; return }
  var common = matches[0].name
  for m in matches.dropFirst() { while !m.name.hasPrefix(common) { common.removeLast() } }
  let dir = state.flash.directory
  var completed = join(dir, common)
  if matches.count == 1 && matches[0].isDirectory { completed += "/" }
  state.flash.pathField = completed
  state.status = matches.count == 1 ? "" : matches.prefix(8).map(\.name).joined(separator: "  ")
}

func directoryListed(_ state: inout AppState, _ path: String, _ entries: [DirectoryEntry]) -> [Effect] {
  let changed = path != state.flash.directory
  state.flash.directory = path
  state.flash.entries = entries.sorted { ($0.isDirectory ? 0 : 1, $0.name) < ($1.isDirectory ? 0 : 1, $1.name) }
  if changed { state.flash.browser = ListState(selected: entries.isEmpty ? 0 : 1) }
  if state.flash.focus == .pathField {
    let (dir, prefix) = splitPath(state.flash.pathField)
    if dir == path { complete(&state, prefix: prefix) }
  }
  return []
}

func parent(of path: String) -> String {
  guard let slash = path.dropLast().lastIndex(of: "/") else { return "/" }
  let p = String(path[..<slash])
  return p.isEmpty ? "/" : p
}

func join(_ dir: String, _ name: String) -> String { dir.hasSuffix("/") ? dir + name : dir + "/" + name }

/// "/a/b/c" → ("/a/b", "c"); "/a/b/" → ("/a/b", "").
func splitPath(_ path: String) -> (String, String) {
  guard let slash = path.lastIndex(of: "/") else { return (".", path) }
  let dir = String(path[..<slash])
  return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
}

/// Colours planned sectors as the phases advance (sectors in plan order; the
/// engine reports bytes per phase, so this is the proportional picture).
func markProgress(_ state: inout AppState) {
  guard let job = state.job, case .success(let plan) = state.plan else { return }
  let sectors = plan.sectors.map(\.sector.address)
  for p in job.phases {
    let mark: SectorMark
    switch p.phase {
    case .erase: mark = .erased
    case .write: mark = .written
    case .verify: mark = .verified
    default: continue
    }
    let n = Int((p.fraction * Double(sectors.count)).rounded(.down))
    for a in sectors.prefix(n) { state.memory.marks[a] = mark }
  }
}
