public import DfuSe

/// Options screen keys: ↑↓ field, Enter edit, `u` undo the field, `U` undo
/// all, `w` write (confirm), `R` read again, `b` flips the assumed BOOT0 pin.
func optionsKey(_ state: inout AppState, _ key: Key) -> [Effect] {
  let fields = state.optionFields
  switch key {
  case .up, .char("k"): state.options.fields.move(-1, count: fields.count)
  case .down, .char("j"): state.options.fields.move(1, count: fields.count)
  case .pageUp: state.options.fields.move(-10, count: fields.count)
  case .pageDown: state.options.fields.move(10, count: fields.count)
  case .home: state.options.fields.selected = 0
  case .end: state.options.fields.move(fields.count, count: fields.count)
  case .char("b"): state.options.boot0.toggle()
  case .char("R"), .char("r"):
    guard state.job == nil, let d = state.selectedDevice, d.present else { return [] }
    return startRead(&state, .readOptionBytes(deviceID: d.id), kind: .readOptions)
  case .enter:
    guard state.options.fields.selected < fields.count else { return [] }
    let f = fields[state.options.fields.selected]
    guard f.field.danger != .security else {
      state.status = "\(f.field.name) is a security field; dfutui never edits it."
      return []
    }
    state.dialog = .editOption(field: f.field.name, text: "", error: nil)
  case .char("u"):
    guard state.options.fields.selected < fields.count, let read = state.options.read,
          let old = read.value(of: fields[state.options.fields.selected].field) else { return [] }
    try? state.options.edited?.set(fields[state.options.fields.selected].field, to: old)
  case .char("U"): state.options.edited = state.options.read
  case .char("w"):
    guard state.job == nil else { state.status = "A job is running on the device."; return [] }
    switch state.optionPlan {
    case nil: state.status = "Read the option bytes first (R)."
    case .failure(let e)?: state.status = "Cannot write: \(e.description)"
    case .success(let plan)?:
      if plan.isEmpty { state.status = "Nothing changed: edit a field first (Enter)." } else {
        state.dialog = .confirmOptions(phrase: "", error: nil)
      }
    }
  default: break
  }
  return []
}

extension AppState {
  /// The fields in screen order: grouped (protection, boot, banks, write protection, resets…), catalogue order inside a group.
  public var optionFields: [DecodedOptionField] {
    let fields = options.edited?.decoded ?? []
    return fields.enumerated().sorted { a, b in
      let ga = OptionFieldGroup(a.element.field).rawValue, gb = OptionFieldGroup(b.element.field).rawValue
      return ga != gb ? ga < gb : a.offset < b.offset
    }.map(\.element)
  }

  /// The change plan from the read option bytes to the edited ones.
  public var optionPlan: Result<OptionByteChangePlan, OptionByteError>? {
    guard let before = options.read, let after = options.edited else { return nil }
    do throws(OptionByteError) {
      return .success(try OptionByteChangePlan(before: before, after: after, boot0Pin: options.boot0))
    } catch {
      return .failure(error)
    }
  }
}

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

/// The groups of the Options screen, in screen order.
public enum OptionFieldGroup: Int, CaseIterable, Sendable {
  case protection, boot, banks, writeProtection, resets, watchdogs, brownOut, other, security

  public init(_ f: OptionField) {
    switch f.danger {
    case .readProtection: self = .protection
    case .bootPath: self = .boot
    case .geometry: self = .banks
    case .writeProtection: self = .writeProtection
    case .security: self = .security
    case .none:
      let n = f.name.uppercased()
      if n.contains("RST") { self = .resets } else if n.contains("WDG") { self = .watchdogs }
      else if n.contains("BOR") { self = .brownOut } else if n.contains("BOOT") { self = .boot } else { self = .other }
    }
  }

  public var title: String {
    switch self {
    case .protection: return "Protection"
    case .boot: return "Boot"
    case .banks: return "Banks"
    case .writeProtection: return "Write protection"
    case .resets: return "Resets"
    case .watchdogs: return "Watchdogs"
    case .brownOut: return "Brown-out"
    case .other: return "Other"
    case .security: return "Security (never edited here)"
    }
  }
}
