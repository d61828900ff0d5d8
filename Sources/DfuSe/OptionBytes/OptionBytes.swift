/// A family's option bytes as read from the device: raw zones plus the
/// decoded fields. Edits change only the field's bits; reserved and unknown
/// bits are kept as read and the complements are recomputed on encode
/// (stm32-dfu-facts §5).
public struct OptionBytes: Equatable, Sendable {
  public let family: OptionByteFamily
  /// Raw bytes per zone, as read (or as edited, complements not yet recomputed).
  public private(set) var zones: [[UInt8]]

  /// - Throws: ``OptionByteError/sizeMismatch(zone:expected:got:)`` when a zone
  ///   is shorter than the fields of the family need.
  public init(family: OptionByteFamily, zones: [[UInt8]]) throws(OptionByteError) {
    self.family = family
    self.zones = zones
    for field in family.layout.fields where field.zone < zones.count {
      if field.offset + 4 > zones[field.zone].count && field.offset < 0x40 {
        throw .sizeMismatch(zone: field.zone, expected: field.offset + 4, got: zones[field.zone].count)
      }
    }
  }

  /// The family's factory defaults (for `reset-defaults`), cut to `zoneCount` zones.
  public static func factoryDefaults(_ family: OptionByteFamily, zoneCount: Int? = nil) -> OptionBytes {
    let zones = family.layout.zones.prefix(zoneCount ?? family.layout.zones.count).map(\.factoryDefault)
    return OptionBytes(unchecked: family, zones: Array(zones))
  }

  init(unchecked family: OptionByteFamily, zones: [[UInt8]]) {
    self.family = family
    self.zones = zones
  }

  public var layout: OptionByteLayout { family.layout }

  /// Fields present in the bytes read (a single-bank part has no bank-2 zone;
  /// a short block lacks the WB secure words).
  public var presentFields: [OptionField] {
    layout.fields.filter { $0.zone < zones.count && $0.offset + 4 <= zones[$0.zone].count }
  }

  /// The value of `field`, nil when its bytes are not present.
  public func value(of field: OptionField) -> UInt32? {
    guard field.zone < zones.count, field.offset + 4 <= zones[field.zone].count else { return nil }
    return (OptionWords.read(zones[field.zone], at: field.offset) >> UInt32(field.lowBit)) & field.maxValue
  }

  /// The value of the field called `name`.
  public func value(of name: String) -> UInt32? { layout.field(named: name).flatMap { value(of: $0) } }

  /// Sets `field` to `value`, leaving every other bit alone.
  public mutating func set(_ field: OptionField, to value: UInt32) throws(OptionByteError) {
    if let reason = field.readOnlyReason { throw .readOnlyField(field: field.name, reason: reason) }
    guard value <= field.maxValue else {
      throw .badValue(field: field.name, text: "\(value)", reason: "the field has \(field.width) bits (max \(field.maxValue))")
    }
    guard field.zone < zones.count, field.offset + 4 <= zones[field.zone].count else {
      throw .fieldNotPresent(field: field.name, family: family)
    }
    var word = OptionWords.read(zones[field.zone], at: field.offset)
    let mask = field.maxValue << UInt32(field.lowBit)
    word = (word & ~mask) | (value << UInt32(field.lowBit))
    OptionWords.write(word, into: &zones[field.zone], at: field.offset)
  }

  /// Applies a `FIELD=VALUE` edit.
  public mutating func apply(_ edit: OptionEdit) throws(OptionByteError) {
    guard let field = layout.field(named: edit.field) else {
      throw .unknownField(edit.field, family: family, known: layout.fields.map(\.name))
    }
    try set(field, to: try field.parseValue(edit.value))
  }

  /// The zones as they must be written: complements recomputed from values.
  public var encoded: [[UInt8]] { zones.map { layout.complements.applied(to: $0) } }

  /// Offsets (per zone) whose stored complement does not match its value.
  public var complementMismatches: [[Int]] { zones.map { layout.complements.mismatches(in: $0) } }

  /// RDP level (0 when the RDP byte is not present).
  public var readProtection: ReadProtectionLevel {
    guard let field = layout.readProtectionField, let v = value(of: field) else { return .level0 }
    if case .readProtectionF1 = field.kind { return ReadProtectionLevel(f1RdpByte: UInt8(v)) }
    return ReadProtectionLevel(rdpByte: UInt8(truncatingIfNeeded: v))
  }

  /// Every present field with its value and meaning, in catalogue order.
  public var decoded: [DecodedOptionField] {
    presentFields.compactMap { f in value(of: f).map { DecodedOptionField(field: f, value: $0) } }
  }
}

/// One field with its current value.
public struct DecodedOptionField: Hashable, Sendable {
  public let field: OptionField
  public let value: UInt32
  public var meaning: String { field.meaning(of: value) }

  /// `RDP: level 0 (no protection)`-style line.
  public var line: String { "\(field.name): \(meaning) [\(Self.hex(value, bits: field.width))]" }

  static func hex(_ v: UInt32, bits: Int) -> String {
    let digits = max(1, (bits + 3) / 4)
    let s = String(v, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s
  }
}

/// A requested change, `FIELD=VALUE` as typed.
public struct OptionEdit: Hashable, Sendable {
  public let field: String
  public let value: String

  public init(field: String, value: String) {
    self.field = field
    self.value = value
  }

  /// Parses `FIELD=VALUE`.
  public init(parsing text: String) throws(OptionByteError) {
    guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
      throw .badEdit(text)
    }
    field = String(text[..<eq]).filter { !$0.isWhitespace }
    value = String(text[text.index(after: eq)...])
  }
}
