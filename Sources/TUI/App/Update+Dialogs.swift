internal import DfuSe

/// Keys while a dialog is open: `y`/Enter yes, `n`/Esc no; text dialogs take typing.
func dialogKey(_ state: inout AppState, _ key: Key) -> [Effect] {
  guard let dialog = state.dialog else { return [] }
  let yes = key == .char("y") || key == .char("Y") || key == .enter
  let no = key == .char("n") || key == .char("N") || key == .escape
  switch dialog {
  case .confirmFlash:
    if yes {
      state.dialog = nil
      return flashEffect(&state).map { [$0] } ?? []
    }
    if no { state.dialog = nil; state.status = "Flash not started." }
  case .confirmQuit:
    if yes {
      state.dialog = nil
      state.quitting = true
      var effects: [Effect] = []
      if let job = state.job { effects.append(.cancelJob(deviceID: job.deviceID)) }
      if state.batch.running { effects.append(.stopBatch(cancelRunning: true)) }
      return effects + [.quit(code: 0)]
    }
    if no || key == .ctrl("c") { state.dialog = nil }
  case .confirmCancel:
    if yes, let job = state.job {
      state.dialog = nil
      state.job?.cancelling = true
      state.status = "Cancelling: the job stops between two USB transfers."
      return [.cancelJob(deviceID: job.deviceID)]
    }
    if no { state.dialog = nil }
  case .confirmBatch(let mode):
    if yes {
      state.dialog = nil
      return startBatch(&state, mode)
    }
    if no { state.dialog = nil; state.status = "Batch not started." }
  case .confirmStopBatch:
    if yes {
      state.dialog = nil
      return stopBatch(&state, cancelRunning: state.batch.mode == .present)
    }
    if no { state.dialog = nil }
  case .editOption(let name, var text, _):
    switch key {
    case .escape: state.dialog = nil
    case .backspace:
      if !text.isEmpty { text.removeLast() }
      state.dialog = .editOption(field: name, text: text, error: nil)
    case .char(let c):
      text.append(c)
      state.dialog = .editOption(field: name, text: text, error: nil)
    case .enter:
      guard var edited = state.options.edited, let field = edited.layout.field(named: name) else { return [] }
      do throws(OptionByteError) {
        try edited.set(field, to: try field.parseValue(text))
        state.options.edited = edited
        state.dialog = nil
        state.status = "\(name) → \(field.meaning(of: edited.value(of: field) ?? 0)) (pending; w writes)"
      } catch {
        state.dialog = .editOption(field: name, text: text, error: error.description)
      }
    default: break
    }
  case .confirmOptions(var phrase, _):
    guard case .success(let plan)? = state.optionPlan, let d = state.selectedDevice else { state.dialog = nil; return [] }
    let needsPhrase = plan.risks.contains(.readProtectionLevel2)
    if needsPhrase {
      switch key {
      case .escape: state.dialog = nil
      case .backspace:
        if !phrase.isEmpty { phrase.removeLast() }
        state.dialog = .confirmOptions(phrase: phrase, error: nil)
      case .char(let c):
        phrase.append(c)
        state.dialog = .confirmOptions(phrase: phrase, error: nil)
      case .enter:
        guard phrase == OptionByteChangePlan.irreversiblePhrase else {
          state.dialog = .confirmOptions(phrase: phrase, error: "type the phrase exactly")
          return []
        }
        state.dialog = nil
        state.job = JobState(deviceID: d.id, kind: .writeOptions, started: state.now)
        return [.writeOptionBytes(deviceID: d.id, before: plan.before, after: plan.after, phrase: phrase)]
      default: break
      }
      return []
    }
    if yes {
      state.dialog = nil
      state.job = JobState(deviceID: d.id, kind: .writeOptions, started: state.now)
      state.addLog(.info, "writing option bytes: " + plan.changes.map(\.line).joined(separator: "; "))
      return [.writeOptionBytes(deviceID: d.id, before: plan.before, after: plan.after, phrase: nil)]
    }
    if no { state.dialog = nil; state.status = "Option bytes not written (still pending)." }
  case .rawAddress(let path, var text, _):
    switch key {
    case .escape:
      state.dialog = nil
      state.status = "No address given: \(path.split(separator: "/").last.map(String.init) ?? path) is not loaded (a sets it)."
    case .backspace:
      if !text.isEmpty { text.removeLast() }
      state.dialog = .rawAddress(path: path, text: text, error: nil)
    case .ctrl("u"): state.dialog = .rawAddress(path: path, text: "", error: nil)
    case .char(let c):
      text.append(c)
      state.dialog = .rawAddress(path: path, text: text, error: nil)
    case .enter:
      switch parseRawAddress(text, map: state.selectedDevice?.map(state.flash.alternate)) {
      case .failure(let problem): state.dialog = .rawAddress(path: path, text: text, error: problem.message)
      case .success(let address):
        state.dialog = nil
        state.flash.rawAddress = address
        state.addLog(.info, "raw data at \(hex32(address)): loading \(path) again")
        return [.loadFile(path: path, rawAddress: address)]
      }
    default: break
    }
  case .gotoAddress(var text, _):
    switch key {
    case .escape: state.dialog = nil
    case .backspace:
      if !text.isEmpty { text.removeLast() }
      state.dialog = .gotoAddress(text: text, error: nil)
    case .char(let c):
      text.append(c)
      state.dialog = .gotoAddress(text: text, error: nil)
    case .enter:
      let t = text.lowercased().hasPrefix("0x") ? String(text.dropFirst(2)) : text
      guard let address = UInt32(t.replacing("_", with: ""), radix: 16) else {
        state.dialog = .gotoAddress(text: text, error: "not a hex address (e.g. 0x08004000)")
        return []
      }
      return goTo(&state, address)
    default: break
    }
  }
  return []
}

/// Opens the "address for raw data" dialog for `path`, prefilled with the current
/// raw address or the start of the selected device's flash (the user confirms it).
func askRawAddress(_ state: inout AppState, path: String) {
  let start = state.selectedDevice?.map(state.flash.alternate)?.segments.first { $0.access.contains(.writable) }?.start
  let prefill = state.flash.rawAddress ?? start
  state.dialog = .rawAddress(path: path, text: prefill.map { "0x" + hex8($0) } ?? "0x", error: nil)
}

/// The raw-data address as the CLI's `--address` takes it, in the dialog's stricter
/// form: `0x`-prefixed hex, inside a writable segment of `map` when a device is selected.
func parseRawAddress(_ text: String, map: MemoryMap?) -> Result<UInt32, PlanProblem> {
  let t = text.filter { $0 != " " && $0 != "_" }
  guard t.lowercased().hasPrefix("0x"), let address = UInt32(t.dropFirst(2), radix: 16) else {
    return .failure(PlanProblem("'\(text)' is not an address: give 0x-prefixed hex, e.g. 0x08000000"))
  }
  guard let map else { return .success(address) }
  guard let segment = map.segments.first(where: { $0.contains(address) }) else {
    let writable = map.segments.filter { $0.access.contains(.writable) }
      .map { "\(hex32($0.start))–\(hex32(UInt32(truncatingIfNeeded: $0.end - 1)))" }
    return .failure(PlanProblem("\(hex32(address)) is outside \"\(map.name)\"; writable: " + writable.joined(separator: ", ")))
  }
  guard segment.access.contains(.writable) else {
    return .failure(PlanProblem("\(hex32(address)) is in a segment of \"\(map.name)\" that is not writable"))
  }
  return .success(address)
}
