import ArgumentParser

/// A 32-bit address given as `0x08000000`, `0X8000000` or decimal.
/// Declare options with `transform: Address.parse` so a bad value gets its reason
/// ("did you mean 0x08000000?") and `parsing: .unconditional` so `-1` reaches it.
struct Address: ExpressibleByArgument, Equatable {
  let value: UInt32

  init?(argument: String) {
    guard let v = try? Address.parse(argument) else { return nil }
    self = v
  }

  init(_ value: UInt32) { self.value = value }

  /// Parses `text`, or throws the reason it is not an address.
  static func parse(_ text: String) throws(NumberError) -> Address {
    let v = try parseNumber(text, what: "an address")
    guard v <= UInt64(UInt32.max) else {
      throw NumberError("\(text) is beyond the 32-bit address space (0x00000000–0xFFFFFFFF)")
    }
    return Address(UInt32(v))
  }

  static var defaultCompletionKind: CompletionKind { .default }
}

/// A byte count: decimal, `0x…`, or with a `K`/`M` suffix (×1024, ×1048576).
struct ByteCount: ExpressibleByArgument, Equatable {
  let value: Int

  init?(argument: String) {
    guard let v = try? ByteCount.parse(argument) else { return nil }
    self = v
  }

  init(_ value: Int) { self.value = value }

  /// Parses `text`, or throws the reason it is not a byte count.
  static func parse(_ text: String) throws(NumberError) -> ByteCount {
    var digits = text
    var multiplier: UInt64 = 1
    for unit in ["KiB", "KB", "Ki", "kB", "MiB", "MB", "Mi"] where text.hasSuffix(unit) && text.count > unit.count {
      throw NumberError("write \(text.dropLast(unit.count))\(unit.prefix(1).uppercased()) (K = 1024 bytes, M = 1048576 bytes)")
    }
    if let last = digits.last, "kKmM".contains(last) {
      multiplier = "kK".contains(last) ? 1024 : 1024 * 1024
      digits.removeLast()
    }
    let v = try parseNumber(digits, what: "a byte count")
    guard v > 0 else { throw NumberError("a length of 0 bytes does nothing; give at least 1") }
    guard v <= UInt64(UInt32.max) / multiplier else { throw NumberError("\(text) is more than 4 GiB") }
    return ByteCount(Int(v * multiplier))
  }
}

/// Why a number on the command line was refused (shown after ArgumentParser's
/// "The value '…' is invalid for '--address <address>':").
struct NumberError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// `VID:PID` in hex; either side may be empty to match any (`0483:`, `:df11`);
/// a lone `VID` matches every product of that vendor (dfu-util's `-d 0483`).
struct VidPid: ExpressibleByArgument, Equatable {
  let vendor: UInt16?
  let product: UInt16?

  init?(argument: String) {
    let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count <= 2, !argument.isEmpty, argument != ":" || parts.count == 2 else { return nil }
    func hex(_ s: Substring) -> UInt16?? {
      if s.isEmpty || s == "*" { return .some(nil) }
      let digits = s.hasPrefix("0x") || s.hasPrefix("0X") ? s.dropFirst(2) : s
      guard !digits.isEmpty, digits.count <= 4, let v = UInt16(digits, radix: 16) else { return nil }
      return .some(v)
    }
    guard let v = hex(parts[0]) else { return nil }
    vendor = v
    if parts.count == 1 {
      guard v != nil else { return nil }
      product = nil
    } else {
      guard let p = hex(parts[1]) else { return nil }
      product = p
    }
  }

  static var defaultValueDescription: String { "vid:pid" }
}

/// A USB port path as `list` shows it: `BUS-PORT[.PORT…]`, e.g. `1-1.4` (dfu-util `-p`).
enum USBPath {
  /// The reason `text` is not a USB path, or nil when it is one.
  static func problem(_ text: String) -> String? {
    let halves = text.split(separator: "-", omittingEmptySubsequences: false)
    let example = "BUS-PORT[.PORT…] as `dfutui list` shows it, e.g. 1-1 or 3-2.4"
    guard halves.count == 2, let bus = UInt8(halves[0]), bus > 0 else {
      return "'\(text)' is not a USB path; give \(example)"
    }
    let ports = halves[1].split(separator: ".", omittingEmptySubsequences: false)
    // USB allows 5 hub tiers below the root port (USB 2.0 §4.1.1): at most 7 port numbers.
    guard ports.count <= 7, ports.allSatisfy({ UInt8($0).map { $0 > 0 } ?? false }) else {
      return "'\(text)' is not a USB path: ports are numbers from 1 (at most 7 levels); give \(example)"
    }
    return nil
  }
}

/// The reason `text` is not a plausible USB serial number, or nil (a string
/// descriptor holds at most 126 characters, USB 2.0 §9.6.7).
func serialNumberProblem(_ text: String) -> String? {
  if text.isEmpty { return "the serial number is empty; `dfutui list` shows each board's serial" }
  if text.count > 126 { return "the serial number is longer than a USB string can be (126 characters)" }
  if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) {
    return "the serial number '\(text)' contains spaces or control characters; copy it from `dfutui list`"
  }
  return nil
}

/// Parses decimal or `0x…` hex (with `_` separators); refuses what could be
/// misread: a bare leading-zero number (`08000000`: hex or decimal?) and negatives.
func parseNumber(_ text: String, what: String = "a number") throws(NumberError) -> UInt64 {
  let t = text.replacingOccurrences(of: "_", with: "")
  if t.hasPrefix("-") {
    throw NumberError("\(what) cannot be negative")
  }
  if t.hasPrefix("0x") || t.hasPrefix("0X") {
    guard let v = UInt64(t.dropFirst(2), radix: 16) else {
      throw NumberError("'\(text)' is not a hexadecimal number")
    }
    return v
  }
  if t.count > 1, t.hasPrefix("0"), t.allSatisfy(\.isHexDigit) {
    throw NumberError("'\(text)' is ambiguous (hex or decimal?): did you mean 0x\(t)?")
  }
  guard let v = UInt64(t) else {
    if t.allSatisfy(\.isHexDigit) && !t.isEmpty {
      throw NumberError("'\(text)' is not a decimal number: did you mean 0x\(t)?")
    }
    throw NumberError("'\(text)' is not \(what): give decimal or 0x-prefixed hex, e.g. \(what == "an address" ? "0x08000000" : "4096 or 0x1000")")
  }
  return v
}

extension String {
  func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
