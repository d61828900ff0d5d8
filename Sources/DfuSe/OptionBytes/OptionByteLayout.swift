/// Everything the tool knows about one family's option-byte block: the zones
/// the DFU "Option Bytes" alternate exposes, where complements are stored,
/// every field, the factory defaults, and whether editing is allowed.
public struct OptionByteLayout: Sendable {
  public let family: OptionByteFamily
  /// Expected zones (address and size); a device may expose fewer (single-bank parts).
  public let zones: [Zone]
  public let complements: ComplementScheme
  public let fields: [OptionField]
  /// False when the byte layout is not confirmed by a reference manual or a
  /// real dump: decode is shown, writing is refused.
  public let writable: Bool
  /// Where the layout comes from, and what is unconfirmed.
  public let source: String

  /// One option-byte zone of the alt setting (stm32-dfu-facts §3.3).
  public struct Zone: Hashable, Sendable {
    public let address: UInt32
    public let size: Int
    public let factoryDefault: [UInt8]

    public init(address: UInt32, factoryDefault: [UInt8]) {
      self.address = address
      size = factoryDefault.count
      self.factoryDefault = factoryDefault
    }
  }

  /// The field called `name` (case-insensitive).
  public func field(named name: String) -> OptionField? {
    fields.first { $0.name.lowercased() == name.lowercased() }
  }

  /// The RDP field (every catalogued family has one).
  public var readProtectionField: OptionField? {
    fields.first {
      if case .readProtection = $0.kind { return true }
      if case .readProtectionF1 = $0.kind { return true }
      return false
    }
  }
}

/// Where a family stores the complement of each option value.
///
/// The block is cut into groups of `stride` bytes; the first `valueBytes` of
/// each group are the value, the next `valueBytes` its bitwise complement,
/// the rest reserved (kept as read).
/// - F0/F1/F3: stride 2, 1 value byte (`nOB1:OB1:nOB0:OB0`, RM0091 §4 Table 10) [C].
/// - L0/L1: stride 4, 2 value bytes (RM0367 option byte format) [C for L0].
/// - F2/F4/F7: stride 8, 2 value bytes, 4 reserved (RM0090 organisation; the
///   F405 dump word 0x5513AAEC; F7 defaults 0xFF7F0080) [U F4 / O F7].
/// - L4/G0/G4/WB: stride 8, 4 value bytes (64-bit words, RM0444 "complementary
///   values are automatically computed") [C G0 / U L4].
/// - H7: none (a window onto FLASH option registers, stm32-dfu-facts §5.7).
public struct ComplementScheme: Hashable, Sendable {
  public let stride: Int
  public let valueBytes: Int

  public static let none = ComplementScheme(stride: 0, valueBytes: 0)
  public static let byteWise = ComplementScheme(stride: 2, valueBytes: 1)
  public static let halfWordPairs = ComplementScheme(stride: 4, valueBytes: 2)
  public static let halfWordIn64 = ComplementScheme(stride: 8, valueBytes: 2)
  public static let wordIn64 = ComplementScheme(stride: 8, valueBytes: 4)

  /// `zone` with every complement recomputed from its value; reserved bytes kept.
  public func applied(to zone: [UInt8]) -> [UInt8] {
    guard stride > 0 else { return zone }
    var b = zone
    for group in Swift.stride(from: 0, to: b.count - 2 * valueBytes + 1, by: stride) {
      for i in 0..<valueBytes { b[group + valueBytes + i] = ~b[group + i] }
    }
    return b
  }

  /// Byte offsets whose complement does not match (both bytes 0xFF, the erased
  /// state, is accepted as the RM0091 OBL does).
  public func mismatches(in zone: [UInt8]) -> [Int] {
    guard stride > 0 else { return [] }
    var bad: [Int] = []
    for group in Swift.stride(from: 0, to: zone.count - 2 * valueBytes + 1, by: stride) {
      for i in 0..<valueBytes {
        let v = zone[group + i], c = zone[group + valueBytes + i]
        if v != ~c && !(v == 0xFF && c == 0xFF) { bad.append(group + i) }
      }
    }
    return bad
  }

  /// True when `offset` is a complement byte (never a field).
  public func isComplement(_ offset: Int) -> Bool {
    guard stride > 0 else { return false }
    let inGroup = offset % stride
    return inGroup >= valueBytes && inGroup < 2 * valueBytes
  }
}

/// Little-endian helpers for option words.
enum OptionWords {
  static func read(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    var v: UInt32 = 0
    for i in 0..<4 where offset + i < bytes.count { v |= UInt32(bytes[offset + i]) << UInt32(8 * i) }
    return v
  }

  static func write(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
    for i in 0..<4 where offset + i < bytes.count { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> UInt32(8 * i)) }
  }

  static func bytes(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> UInt32(8 * $0)) }
  }

  /// 64-bit option words (value, complement) from register values (L4/G0/G4/WB).
  static func words64(_ values: [UInt32]) -> [UInt8] { values.flatMap { bytes($0) + bytes(~$0) } }

  /// F2/F4/F7 groups: 16-bit value, its complement, 4 reserved 0xFF.
  static func groups16(_ values: [UInt16]) -> [UInt8] {
    values.flatMap { v -> [UInt8] in
      [UInt8(v & 0xFF), UInt8(v >> 8), ~UInt8(v & 0xFF), ~UInt8(v >> 8), 0xFF, 0xFF, 0xFF, 0xFF]
    }
  }

  /// F0/F1/F3 bytes: value, complement for each option byte.
  static func bytePairs(_ values: [UInt8]) -> [UInt8] { values.flatMap { [$0, ~$0] } }

  /// L0/L1 words: two value bytes, then their complements.
  static func halfWordPairs(_ values: [UInt16]) -> [UInt8] {
    values.flatMap { v -> [UInt8] in [UInt8(v & 0xFF), UInt8(v >> 8), ~UInt8(v & 0xFF), ~UInt8(v >> 8)] }
  }
}
