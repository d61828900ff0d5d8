import DfuSe
import Foundation

/// `--json` output: one object per run on stdout, the same envelope for every command
/// (README "JSON output"):
///
///     {"command": "read", "ok": true, "device": {…}, "result": {…}}
///     {"command": "read", "ok": false, "device": {…}, "error": {"code": 65, "message": "…"}}
///
/// Numbers are JSON numbers (addresses too, with a `…Hex` string beside them), slashes
/// are not escaped. In JSON mode ``Exit/fail(_:code:)`` prints the error object, so a
/// failing command still prints exactly one object and keeps its exit code.
enum JSONOutput {
  /// The command name while `--json` is active (nil otherwise).
  nonisolated(unsafe) static var command: String?
  /// The selected device, once known, for the envelope.
  nonisolated(unsafe) static var device: DFUDeviceInfo?
  /// A result to carry in an error envelope (e.g. `options show` under RDP 1).
  nonisolated(unsafe) static var partialResult: (any Encodable)?

  static var isActive: Bool { command != nil }

  /// Turns JSON mode on for `command` when `enabled`.
  static func begin(_ command: String, enabled: Bool) {
    guard enabled else { return }
    self.command = command
    Console.stdoutReserved = true
  }

  /// Prints the success envelope with `result`.
  static func succeed(_ result: some Encodable) {
    guard let command else { return }
    emit(Envelope(command: command, ok: true, device: device.map(JSONDevice.init), result: AnyEncodable(result), error: nil))
  }

  /// Prints the error envelope (called by ``Exit/fail(_:code:)``); once per run.
  static func fail(code: Int32, message: String) {
    guard let command else { return }
    emit(Envelope(command: command, ok: false, device: device.map(JSONDevice.init),
                  result: partialResult.map(AnyEncodable.init), error: JSONError(code: code, message: message)))
    self.command = nil
  }

  /// The encoder every JSON output uses: sorted keys, readable, `/` unescaped.
  static func encode(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }

  private static func emit(_ envelope: Envelope) {
    Console.data(encode(envelope))
  }

  struct Envelope: Encodable {
    var command: String
    var ok: Bool
    var device: JSONDevice?
    var result: AnyEncodable?
    var error: JSONError?
  }

  struct JSONError: Encodable {
    var code: Int32
    var message: String
  }

  struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
  }
}

/// The device in every envelope: USB identity as numbers, plus the `list` strings.
struct JSONDevice: Encodable {
  var vendorID: UInt16
  var productID: UInt16
  var usbID: String
  var path: String
  var serial: String?
  var product: String?
  var bcdDevice: UInt16

  init(_ d: DFUDeviceInfo) {
    vendorID = d.vendorID
    productID = d.productID
    usbID = d.vidPid
    path = d.path
    serial = d.serialNumber
    product = d.product
    bcdDevice = d.deviceRelease
  }
}

/// A memory range: `{"address": 134217728, "addressHex": "0x08000000", "length": 16384}`.
struct JSONRange: Encodable {
  var address: UInt32
  var addressHex: String
  var length: UInt64

  init(address: UInt32, length: UInt64) {
    self.address = address
    addressHex = hex32(address)
    self.length = length
  }
}

extension Duration {
  /// The duration in seconds, as a JSON-friendly number.
  var seconds: Double {
    let (s, atto) = components
    return Double(s) + Double(atto) / 1e18
  }
}
