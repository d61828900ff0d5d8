/// One named option field: where it sits in the option-byte block (zone,
/// byte offset of a little-endian 32-bit raw word, bit range) and what its
/// values mean. Positions come from the RM option-byte organisation tables
/// and the CMSIS bit definitions (stm32-dfu-facts §5); each family's catalogue
/// file cites its source.
public struct OptionField: Hashable, Sendable {
  public let name: String
  /// Index of the option-byte zone (alt-setting segment) holding the field.
  public let zone: Int
  /// Byte offset inside the zone of the raw little-endian 32-bit word.
  public let offset: Int
  public let lowBit: Int
  public let width: Int
  /// One line on what the field does.
  public let summary: String
  public let kind: OptionFieldKind
  public let danger: OptionDanger
  /// Why the field is shown but never written (a bit that may be reserved on
  /// the part, ``OptionByteCatalog`` L4 entries); nil when editable.
  public let readOnlyReason: String?

  public init(_ name: String, zone: Int = 0, offset: Int, bits: ClosedRange<Int>, _ summary: String,
              _ kind: OptionFieldKind, danger: OptionDanger = .none, readOnly: String? = nil) {
    readOnlyReason = readOnly
    self.name = name
    self.zone = zone
    self.offset = offset
    lowBit = bits.lowerBound
    width = bits.count
    self.summary = summary
    self.kind = kind
    self.danger = danger
  }

  /// This field, shown but not editable, for `reason`.
  public func readOnly(_ reason: String) -> OptionField {
    OptionField(name, zone: zone, offset: offset, bits: lowBit...(lowBit + width - 1), summary, kind, danger: danger,
                readOnly: reason)
  }

  /// The largest value the field holds.
  public var maxValue: UInt32 { width >= 32 ? .max : (1 << UInt32(width)) - 1 }

  /// "bits 15:8" style description of the position.
  public var bitsText: String { width == 1 ? "bit \(lowBit)" : "bits \(lowBit + width - 1):\(lowBit)" }

  /// What `value` means, in words.
  public func meaning(of value: UInt32) -> String {
    switch kind {
    case .readProtection:
      return ReadProtectionLevel(rdpByte: UInt8(truncatingIfNeeded: value)).description
    case .readProtectionF1:
      return ReadProtectionLevel(f1RdpByte: UInt8(truncatingIfNeeded: value)).description
    case .flag(let zero, let one):
      return value == 0 ? zero : one
    case .choice(let names):
      return names[value] ?? "reserved value"
    case .bootAddress(let shift):
      let address = value << UInt32(shift)
      return "boot from \(hex32(address))" + (BootTarget(address: address).map { " (\($0))" } ?? "")
    case .pageIndex:
      return "page \(value)"
    case .sectorMask(let activeLow):
      let protected = (0..<width).filter { bit in ((value >> UInt32(bit)) & 1 == 0) == activeLow }
      if protected.isEmpty { return "no sector protected" }
      return "protected: " + protected.map(String.init).joined(separator: ",")
    case .number:
      return "\(value)"
    }
  }

  /// The value a user wrote as `text`: a number (decimal or 0x hex) or, for
  /// named values, the name (case-insensitive; RDP also takes level0/1/2).
  public func parseValue(_ text: String) throws(OptionByteError) -> UInt32 {
    let t = text.filter { !$0.isWhitespace }.lowercased()
    if case .readProtection = kind {
      switch t {
      case "level0", "l0": return 0xAA
      case "level1", "l1": return 0xBB
      case "level2", "l2": return 0xCC
      case "0", "1", "2": throw .ambiguousValue(field: name, text: text)
      default: break
      }
    }
    if case .readProtectionF1 = kind {
      switch t {
      case "level0", "l0": return 0xA5
      case "level1", "l1": return 0x00
      default: break
      }
    }
    if case .choice(let names) = kind, let match = names.first(where: { $0.value.lowercased() == t }) {
      return match.key
    }
    let parsed: UInt32? = t.hasPrefix("0x") ? UInt32(t.dropFirst(2), radix: 16) : UInt32(t)
    guard let value = parsed else { throw .badValue(field: name, text: text, reason: "not a number") }
    guard value <= maxValue else {
      throw .badValue(field: name, text: text, reason: "the field has \(width) bit\(width == 1 ? "" : "s") (max \(maxValue))")
    }
    return value
  }
}

/// How a field's value is read.
public enum OptionFieldKind: Hashable, Sendable {
  /// RDP byte: 0xAA level 0, 0xCC level 2, anything else level 1 (PM0059 §2.6.3).
  case readProtection
  /// F1 RDP byte: 0xA5 unprotected, anything else protected (PM0075).
  case readProtectionF1
  case flag(zero: String, one: String)
  case choice([UInt32: String])
  /// A boot address: value shifted left (F7: 14, H7: 16).
  case bootAddress(shift: Int)
  case pageIndex
  /// One bit per sector; `activeLow`: 0 = protected.
  case sectorMask(activeLow: Bool)
  case number
}

/// How much care a change of the field needs (stm32-dfu-facts §5.9).
public enum OptionDanger: String, Hashable, Sendable {
  /// Ordinary configuration (watchdogs, reset behaviour, BOR).
  case none
  /// Can make the ROM bootloader unreachable (nBOOT0/nSWBOOT0, nBOOT_SEL, BOOT_ADD1, BOOT_LOCK, BFB2).
  case bootPath
  /// Changes the flash bank geometry: erase the flash first.
  case geometry
  /// Write protection: DFU writes to protected sectors are silently skipped.
  case writeProtection
  /// Read protection: level 2 is permanent; 1 → 0 mass-erases.
  case readProtection
  /// Security / co-processor areas (H7 SECURITY, WB FUS fields): never edited here.
  case security
}

/// The RDP level an RDP byte stands for.
public enum ReadProtectionLevel: Int, Hashable, Sendable, CustomStringConvertible {
  case level0 = 0, level1 = 1, level2 = 2

  /// 0xAA → 0, 0xCC → 2, else 1 (PM0059 §2.6.3; stm32-dfu-facts §5).
  public init(rdpByte: UInt8) {
    switch rdpByte {
    case 0xAA: self = .level0
    case 0xCC: self = .level2
    default: self = .level1
    }
  }

  /// F1: 0xA5 → 0, else 1; F1 has no level 2 (PM0075).
  public init(f1RdpByte: UInt8) { self = f1RdpByte == 0xA5 ? .level0 : .level1 }

  public var description: String {
    switch self {
    case .level0: return "level 0 (no protection)"
    case .level1: return "level 1 (flash read-protected; removing it mass-erases the flash)"
    case .level2: return "level 2 (PERMANENT: debug, RAM boot and the ROM bootloader disabled for good)"
    }
  }
}
