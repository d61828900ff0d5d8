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
    if let reason = f.field.readOnlyReason {
      state.status = "\(f.field.name) is read-only: it \(reason)."
      return []
    }
    state.dialog = .editOption(field: f.field.name, text: "", error: nil)
  case .char("u"):
    guard state.options.fields.selected < fields.count, let read = state.options.read,
          let old = read.value(of: fields[state.options.fields.selected].field) else { return [] }
    try? state.options.edited?.set(fields[state.options.fields.selected].field, to: old)
  case .char("U"): state.options.edited = state.options.read
  case .char("w"):
    if refusedForBatch(&state) { return [] }
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
