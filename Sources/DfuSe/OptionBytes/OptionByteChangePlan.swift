/// Everything a user must see before an option-byte write: the per-field
/// diff with meanings, the risks, the boot path before and after, and the
/// confirmations required (stm32-dfu-facts §5.9). Built before anything is
/// written; ``check(confirmed:irreversiblePhrase:)`` is the gate.
public struct OptionByteChangePlan: Sendable {
  /// The phrase `--irreversible-rdp2` must carry for RDP level 2.
  public static let irreversiblePhrase = "I understand this is permanent"

  public let before: OptionBytes
  public let after: OptionBytes
  public let changes: [Change]
  public let risks: [Risk]
  public let bootBefore: BootPrediction
  public let bootAfter: BootPrediction

  /// One changed field.
  public struct Change: Hashable, Sendable {
    public let field: OptionField
    public let old: UInt32
    public let new: UInt32
    public var line: String {
      "\(field.name): \(field.meaning(of: old)) → \(field.meaning(of: new))"
    }
  }

  /// What can go wrong, strongest first.
  public enum Risk: Hashable, Sendable, CustomStringConvertible {
    case readProtectionLevel2
    case massErase
    case bootloaderUnreachable
    case bootPath(String)
    case geometry(String)
    case writeProtection(String)
    case readProtectionLevel1

    public var description: String {
      switch self {
      case .readProtectionLevel2:
        return "RDP → level 2 is IRREVERSIBLE: debug, RAM boot and the ROM bootloader are disabled forever"
      case .massErase:
        return "RDP level 1 → 0 MASS-ERASES the whole flash"
      case .bootloaderUnreachable:
        return "after this write no BOOT0 pin level reaches the ROM bootloader: DFU will be gone (SWD needed)"
      case .bootPath(let f):
        return "\(f) changes where the chip boots"
      case .geometry(let f):
        return "\(f) changes the flash bank geometry: erase the flash first and re-plan every write"
      case .writeProtection(let f):
        return "\(f) changes write protection: DFU writes and erases of protected sectors are silently skipped"
      case .readProtectionLevel1:
        return "RDP → level 1: flash becomes unreadable over DFU; removing it later mass-erases the flash"
      }
    }
  }

  /// Plans `after` against `before` (same family).
  /// - Throws: ``OptionByteError/readOnlyFamily(_:source:)`` for unconfirmed
  ///   layouts and ``OptionByteError/securityField(_:)`` for fields never written.
  public init(before: OptionBytes, after: OptionBytes, boot0Pin: Bool = false) throws(OptionByteError) {
    self.before = before
    self.after = after
    let layout = before.layout
    guard layout.writable else { throw .readOnlyFamily(before.family, source: layout.source) }
    var changes: [Change] = []
    for field in after.presentFields {
      guard let old = before.value(of: field), let new = after.value(of: field), old != new else { continue }
      if field.danger == .security { throw .securityField(field.name) }
      if let reason = field.readOnlyReason { throw .readOnlyField(field: field.name, reason: reason) }
      changes.append(Change(field: field, old: old, new: new))
    }
    self.changes = changes
    bootBefore = BootPrediction.predict(before, boot0Pin: boot0Pin)
    bootAfter = BootPrediction.predict(after, boot0Pin: boot0Pin)
    var risks: [Risk] = []
    if after.readProtection == .level2 && before.readProtection != .level2 { risks.append(.readProtectionLevel2) }
    if before.readProtection == .level1 && after.readProtection == .level0 { risks.append(.massErase) }
    if bootBefore.bootloaderReachable && !bootAfter.bootloaderReachable && after.readProtection != .level2 {
      risks.append(.bootloaderUnreachable)
    }
    for c in changes {
      switch c.field.danger {
      case .bootPath: risks.append(.bootPath(c.field.name))
      case .geometry: risks.append(.geometry(c.field.name))
      case .writeProtection: risks.append(.writeProtection(c.field.name))
      default: break
      }
    }
    if after.readProtection == .level1 && before.readProtection == .level0 { risks.append(.readProtectionLevel1) }
    self.risks = risks
  }

  /// True when nothing would change.
  public var isEmpty: Bool { changes.isEmpty && before.encoded == after.encoded }

  /// The zones that must be written (each zone write makes the ROM reset).
  public var zonesToWrite: [Int] {
    let old = before.encoded, new = after.encoded
    return new.indices.filter { old.indices.contains($0) ? old[$0] != new[$0] || before.zones[$0] != old[$0] : true }
  }

  /// Refuses unless the user gave what the risks need: `--yes` for any
  /// write, plus the exact phrase for RDP level 2.
  public func check(confirmed: Bool, irreversiblePhrase: String?) throws(OptionByteError) {
    if risks.contains(.readProtectionLevel2), irreversiblePhrase != Self.irreversiblePhrase {
      throw .irreversiblePhraseRequired(expected: Self.irreversiblePhrase)
    }
    guard confirmed else {
      let what = risks.isEmpty ? "writing option bytes resets the device"
        : "this option-byte write is dangerous: " + risks.map(\.description).joined(separator: "; ")
      throw .confirmationRequired(what)
    }
  }
}
