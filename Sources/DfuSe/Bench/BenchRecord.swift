import Foundation

/// One board's line in the bench's audit record (`--record FILE`): a JSON
/// object per board, every field present (`null` when unknown), keys sorted.
public struct BenchRecord: Encodable, Sendable {
  /// The write options that applied to every board of the run.
  public struct Options: Encodable, Sendable, Hashable {
    public var verify: Bool
    public var diff: Bool
    public var preserve: Bool
    public var massErase: Bool
    public var leave: Bool

    public init(_ options: FlashOptions, leave: Bool) {
      verify = options.verify
      diff = options.differential
      preserve = options.preserve
      massErase = options.allowMassErase
      self.leave = leave
    }
  }

  /// ISO 8601 UTC time the board's job started, to the millisecond (`2026-12-01T16:13:24.512Z`).
  public var time: String
  public var port: String
  public var serial: String?
  public var chip: String?
  public var bootloader: String?
  public var file: String
  /// CRC-32 (IEEE) of the whole file as read, 8 upper-case hex digits.
  public var fileCRC32: String
  public var options: Options
  /// `verified` or `failed`.
  public var result: String
  public var verified: Bool
  /// Seconds spent in each phase (`prepare`, `erase`, `write`, `verify`, `leave`…).
  public var phases: [String: Double]
  public var durationSeconds: Double
  public var error: String?

  public init(_ outcome: BenchOutcome, file: String, fileCRC32: UInt32, options: Options) {
    time = outcome.startedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    port = outcome.board.portPath
    serial = outcome.board.serialNumber
    chip = outcome.chip
    bootloader = outcome.bootloaderVersion
    self.file = file
    self.fileCRC32 = Self.hex(fileCRC32)
    self.options = options
    verified = outcome.verified
    result = verified ? "verified" : "failed"
    var phases: [String: Double] = [:]
    for entry in outcome.phases { phases[entry.phase.rawValue, default: 0] += Self.seconds(entry.duration) }
    self.phases = phases
    durationSeconds = Self.seconds(outcome.duration)
    error = outcome.errorText
  }

  enum CodingKeys: String, CodingKey {
    case time, port, serial, chip, bootloader, file, fileCRC32, options, result, verified, phases, durationSeconds, error
  }

  /// Every key written, unknown values as `null` (a record reader need not guess).
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(time, forKey: .time)
    try c.encode(port, forKey: .port)
    try c.encode(serial, forKey: .serial)
    try c.encode(chip, forKey: .chip)
    try c.encode(bootloader, forKey: .bootloader)
    try c.encode(file, forKey: .file)
    try c.encode(fileCRC32, forKey: .fileCRC32)
    try c.encode(options, forKey: .options)
    try c.encode(result, forKey: .result)
    try c.encode(verified, forKey: .verified)
    try c.encode(phases, forKey: .phases)
    try c.encode(durationSeconds, forKey: .durationSeconds)
    try c.encode(error, forKey: .error)
  }

  /// The record as one line of JSON (no newline).
  public var jsonLine: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(self) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }

  /// `1A2B3C4D`
  public static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }

  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }
}
