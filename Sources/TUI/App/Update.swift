internal import DfuSe

/// The one place state changes: applies `event` to `state` and returns the
/// effects to carry out (Elm architecture; Bubble Tea's `Update`). Pure: no
/// I/O, no clock, no device; tests drive it with key sequences.
public func update(_ state: inout AppState, _ event: Event) -> [Effect] {
  switch event {
  case .key(let key): return handleKey(&state, key)
  case .mouse(let m): return handleMouse(&state, m)
  case .resize(let w, let h):
    state.width = w
    state.height = h
    return []
  case .tick(let now):
    state.now = now
    return []
  case .devices(let list): return devicesChanged(&state, list)
  case .fileLoaded(let file):
    let reloaded = state.flash.file?.path == file.path
    state.flash.file = file
    state.flash.fileError = nil
    state.flash.needsAddress = nil
    state.flash.pathField = file.path
    state.flash.focus = .browser
    state.addLog(.info, "\(reloaded ? "reloaded" : "loaded") \(file.path): \(file.format), \(file.image.byteCount) B")
    markSectorsAgainstFile(&state)
    if reloaded && state.flash.watch && state.job == nil, let effect = flashEffect(&state, auto: true) {
      return [effect]
    }
    return []
  case .fileFailed(let path, let message):
    state.flash.fileError = "\(path): \(message)"
    state.flash.needsAddress = nil
    state.addLog(.error, state.flash.fileError!)
    return []
  case .fileNeedsAddress(let path, let message):
    // Not a dead end: the engine's message stays on screen and a dialog asks for the address.
    state.flash.fileError = message
    state.flash.needsAddress = path
    state.addLog(.warning, message)
    if state.dialog == nil { askRawAddress(&state, path: path) }
    state.status = "Raw data needs the address of its first byte (a)."
    return []
  case .directoryListed(let path, let entries): return directoryListed(&state, path, entries)
  case .jobProgress(let id, let p, let at):
    jobProgress(&state, id, p, at: at)
    return []
  case .jobFinished(let id, let kind, let outcome, let at): return jobFinished(&state, id, kind, outcome, at: at)
  case .batchBoardStarted, .batchProgress, .batchBoardFinished, .batchBoardCameBack, .batchEnded: return batchEvent(&state, event)
  case .log(let entry):
    state.log.append(entry)
    if state.log.count > 5000 { state.log.removeFirst(state.log.count - 5000) }
    return []
  case .signal(let n):
    if n == 2 { return handleKey(&state, .ctrl("c")) }  // SIGINT: like Ctrl-C (asks during a job)
    var effects: [Effect] = []
    if let job = state.job { effects.append(.cancelJob(deviceID: job.deviceID)) }
    if state.batch.running { effects.append(.stopBatch(cancelRunning: true)) }
    state.quitting = true
    return effects + [.quit(code: 128 + n)]
  }
}

func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
  if state.dialog != nil { return dialogKey(&state, key) }
  if state.showHelp {
    if key == .char("q") || key == .ctrl("c") { state.showHelp = false; return quitKey(&state) }
    state.showHelp = false
    return []
  }
  if key == .ctrl("z") { return [.suspend] }
  if key == .ctrl("c") { return quitKey(&state) }
  if state.tooSmall { return key == .char("q") ? quitKey(&state) : [] }
  if state.screen == .flash && state.flash.focus == .pathField { return pathFieldKey(&state, key) }
  if state.screen == .log && state.logFilterEditing { return logFilterKey(&state, key) }
  switch key {
  case .char("q"): return quitKey(&state)
  case .char("?"), .function(1):
    state.showHelp = true
    return []
  case .char(let c) where ("1"..."6").contains(c):
    return switchScreen(&state, ScreenID(rawValue: Int(String(c))! - 1)!)
  case .tab: return switchScreen(&state, ScreenID(rawValue: (state.screen.rawValue + 1) % ScreenID.allCases.count)!)
  case .backTab:
    let n = ScreenID.allCases.count
    return switchScreen(&state, ScreenID(rawValue: (state.screen.rawValue + n - 1) % n)!)
  default: break
  }
  switch state.screen {
  case .devices: return devicesKey(&state, key)
  case .memory: return memoryKey(&state, key)
  case .options: return optionsKey(&state, key)
  case .flash: return flashKey(&state, key)
  case .log: return logKey(&state, key)
  case .batch: return batchKey(&state, key)
  }
}

/// `q`/Ctrl-C: quits at once when idle, asks while a job or a batch runs.
func quitKey(_ state: inout AppState) -> [Effect] {
  if state.job != nil || state.batch.running {
    state.dialog = .confirmQuit
    return []
  }
  state.quitting = true
  return [.quit(code: 0)]
}

func switchScreen(_ state: inout AppState, _ screen: ScreenID) -> [Effect] {
  state.screen = screen
  switch screen {
  case .options:
    if state.options.read == nil, state.job == nil, !state.batch.running, let d = state.selectedDevice, d.present, d.info.isDFUMode {
      return startRead(&state, .readOptionBytes(deviceID: d.id), kind: .readOptions)
    }
  case .flash:
    if state.flash.entries.isEmpty { return [.listDirectory(state.flash.directory)] }
  default: break
  }
  return []
}

/// Selects a device for the other screens (clears what was read from another one).
func select(_ state: inout AppState, _ device: DeviceSummary) {
  guard device.id != state.selectedDeviceID else { return }
  state.selectedDeviceID = device.id
  state.memory = MemoryState()
  state.options = OptionsState()
  state.status = "Selected \(device.info.path) (\(device.chip.name))."
  markSectorsAgainstFile(&state)
}

func devicesChanged(_ state: inout AppState, _ list: [DeviceSummary]) -> [Effect] {
  let oldIDs = Set(state.devices.filter(\.present).map(\.id))
  let newIDs = Set(list.map(\.id))
  for d in list where !oldIDs.contains(d.id) { state.addLog(.info, "Board \(d.info.path) plugged in (\(d.info.vidPid)).") }
  var merged = list
  for d in state.devices where d.present && !newIDs.contains(d.id) {
    state.addLog(.warning, "Board \(d.info.path) unplugged.")
    if d.id == state.job?.deviceID {
      state.status = "Board \(d.info.path) was UNPLUGGED during the \(state.job!.kind.rawValue); waiting for the job to stop."
      state.addLog(.error, state.status)
    } else if d.id == state.selectedDeviceID {
      state.status = "Board \(d.info.path) was unplugged."
    }
    if d.id == state.selectedDeviceID || d.id == state.job?.deviceID {
      var gone = d
      gone.present = false
      merged.append(gone)
    }
  }
  let added = list.filter { !oldIDs.contains($0.id) }.map(\.info.path)
  if !added.isEmpty && state.status.isEmpty || !added.isEmpty && oldIDs.count > 0 {
    state.status = "Board \(added.joined(separator: ", ")) plugged in."
  }
  state.devices = merged
  state.deviceList.move(0, count: merged.count)
  // A board that came back (same id) replaces its unplugged entry; pick the first one when none is selected.
  if state.selectedDeviceID == nil, let first = merged.first(where: { $0.present && $0.info.isDFUMode }) {
    select(&state, first)
    // The address dialog opened before any board was listed: prefill it with this board's flash start.
    if case .rawAddress(let path, "0x", nil)? = state.dialog { askRawAddress(&state, path: path) }
  }
  return []
}

func startRead(_ state: inout AppState, _ effect: Effect, kind: JobKind) -> [Effect] {
  if refusedForBatch(&state) { return [] }
  guard let d = state.selectedDevice else { return [] }
  state.job = JobState(deviceID: d.id, kind: kind, started: state.now)
  return [effect]
}

func jobProgress(_ state: inout AppState, _ id: String, _ p: OperationProgress, at: Double) {
  guard var job = state.job, job.deviceID == id else { return }
  job.updates += 1
  if let i = job.phases.lastIndex(where: { $0.phase == p.phase }) {
    job.phases[i].completed = p.completedBytes
    job.phases[i].total = p.totalBytes
    job.phases[i].updated = at
  } else {
    job.phases.append(PhaseProgress(phase: p.phase, completed: p.completedBytes, total: p.totalBytes, started: at, updated: at))
  }
  state.job = job
  if job.kind == .flash { markProgress(&state) }
}

func jobFinished(_ state: inout AppState, _ id: String, _ kind: JobKind, _ outcome: JobOutcome, at: Double) -> [Effect] {
  if state.job?.deviceID == id { state.job = nil }
  if state.dialog == .confirmCancel { state.dialog = nil }
  switch outcome {
  case .sectorRead(let address, let bytes):
    state.memory.dumpAddress = address
    state.memory.dump = bytes
    state.memory.dumpScroll = 0
    state.memory.marks[address] = sectorMark(bytes, at: address, file: state.flash.file)
    state.status = "Read \(bytes.count) B at \(hex32(address))."
  case .optionBytesRead(let ob):
    state.options.read = ob
    state.options.edited = ob
    state.options.error = nil
    state.options.readAt = at
    state.status = "Option bytes read."
  case .optionBytesWritten(let verified, let note, let back):
    if let back {
      state.options.read = back
      state.options.edited = back
    }
    state.options.readAt = at
    state.status = (verified ? "Option bytes written and verified: " : "Option bytes written, NOT verified: ") + note
    state.addLog(verified ? .info : .warning, state.status)
  case .flashed(let verified, let summary, let actions, let left, let erase):
    state.flash.result = outcome
    state.flash.resultDevice = id
    for (address, action) in actions {
      state.memory.marks[address] = action == .unchanged ? .same : (verified ? .verified : .written)
    }
    state.status = (verified ? "Flash verified: " : "Flash done, NOT verified: ") + summary + (left.map { " · " + $0 } ?? "")
    if let erase { state.addLog(.info, "erase: " + erase) }
    state.addLog(verified ? .info : .warning, state.status)
  case .cancelled(let why):
    if kind == .flash { state.flash.result = outcome; state.flash.resultDevice = id }
    state.status = "Cancelled: \(why)"
    state.addLog(.warning, state.status)
  case .failed(let message, let hint, _):
    if kind == .flash { state.flash.result = outcome; state.flash.resultDevice = id }
    if kind == .readOptions { state.options.error = message + (hint.isEmpty ? "" : " " + hint) }
    state.status = "\(kind.rawValue) failed: \(message)"
    state.addLog(.error, state.status + (hint.isEmpty ? "" : " — " + hint))
  }
  return []
}

func handleMouse(_ state: inout AppState, _ m: MouseEvent) -> [Effect] {
  guard state.dialog == nil, !state.tooSmall else { return [] }
  if state.showHelp { state.showHelp = false; return [] }
  let layout = FrameLayout(width: state.width, height: state.height)
  if m.kind == .click, m.y == layout.tabs.y, let tab = Tabs(ScreenID.allCases.map(\.title), selected: 0).tab(at: m.x, in: layout.tabs) {
    return switchScreen(&state, ScreenID(rawValue: tab)!)
  }
  let delta = m.kind == .wheelUp ? -3 : 3
  switch state.screen {
  case .devices:
    if m.kind == .click, let row = DevicesView.row(at: m.y, state: state, area: layout.body) {
      state.deviceList.selected = row
      select(&state, state.devices[row])
    } else if m.kind != .click {
      state.deviceList.move(delta / 3, count: state.devices.count)
    }
  case .memory:
    if m.kind != .click { state.memory.dumpScroll = max(0, min(state.memory.dumpScroll + delta, max(0, state.memory.dump.count / 16 - 1))) }
  case .options:
    if m.kind != .click { state.options.fields.move(delta / 3, count: state.optionFields.count) }
  case .flash:
    if m.kind != .click { state.flash.browser.move(delta / 3, count: state.flash.entries.count + 1) }
  case .log:
    if m.kind != .click { scrollLog(&state, delta) }
  case .batch:
    if m.kind != .click { state.batch.list.move(delta / 3, count: state.batch.rows.count) }
  }
  return []
}

func devicesKey(_ state: inout AppState, _ key: Key) -> [Effect] {
  switch key {
  case .up, .char("k"): state.deviceList.move(-1, count: state.devices.count)
  case .down, .char("j"): state.deviceList.move(1, count: state.devices.count)
  case .home, .char("g"): state.deviceList.selected = 0
  case .end, .char("G"): state.deviceList.move(state.devices.count, count: state.devices.count)
  case .enter:
    guard state.deviceList.selected < state.devices.count else { return [] }
    select(&state, state.devices[state.deviceList.selected])
    state.screen = .memory
  case .char("r"): return [.refreshDevices]
  default: break
  }
  return []
}
