import DfuSe

/// The `result` of `options show --json`. Under read protection level 1 the option bytes
/// cannot be read: the same keys then hold `readable: false`, empty `fields` and `raw`,
/// and a `boot` of null, inside an error envelope (exit 1).
struct OptionsJSON: Encodable {
  var family: String
  var editable: Bool
  var readable: Bool
  var readProtection: Int
  var fields: [Field]
  var boot: Boot?
  var raw: [Zone]

  struct Field: Encodable {
    var name: String
    var value: UInt32
    var meaning: String
    var danger: String
    var zone: Int
    var offset: Int
    var bits: String
  }

  struct Boot: Encodable {
    var boot0: Int
    var target: String
    var bootloaderReachable: Bool
    var warnings: [String]
  }

  struct Zone: Encodable {
    var address: UInt32
    var addressHex: String
    var bytes: String
  }

  init(_ ob: OptionBytes, controller: OptionByteController, boot0: Bool) {
    let prediction = BootPrediction.predict(ob, boot0Pin: boot0)
    family = ob.family.rawValue
    editable = ob.layout.writable
    readable = true
    readProtection = ob.readProtection.rawValue
    fields = ob.decoded.map { d in
      Field(name: d.field.name, value: UInt32(d.value), meaning: d.meaning, danger: d.field.danger.rawValue,
            zone: d.field.zone, offset: d.field.offset, bits: d.field.bitsText)
    }
    boot = Boot(boot0: boot0 ? 1 : 0, target: prediction.target.description,
                bootloaderReachable: prediction.bootloaderReachable, warnings: prediction.warnings)
    raw = ob.zones.enumerated().map { i, z in
      let start = controller.zones[i].start
      return Zone(address: start, addressHex: hex32(start), bytes: z.map { Self.hex2($0) }.joined())
    }
  }

  /// The RDP level 1 case: nothing could be read.
  init(readProtected controller: OptionByteController, boot0: Bool) {
    family = controller.family.rawValue
    editable = false
    readable = false
    readProtection = 1
    fields = []
    boot = nil
    raw = []
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(family, forKey: .family)
    try c.encode(editable, forKey: .editable)
    try c.encode(readable, forKey: .readable)
    try c.encode(readProtection, forKey: .readProtection)
    try c.encode(fields, forKey: .fields)
    try c.encode(boot, forKey: .boot)  // null when unreadable: the key is always there
    try c.encode(raw, forKey: .raw)
  }

  private enum CodingKeys: String, CodingKey { case family, editable, readable, readProtection, fields, boot, raw }

  private static func hex2(_ v: UInt8) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return s.count == 1 ? "0" + s : s
  }
}
