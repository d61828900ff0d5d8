import ArgumentParser

/// A 32-bit address given as `0x08000000`, `0X8000000` or decimal.
struct Address: ExpressibleByArgument, Equatable {
  let value: UInt32

  init?(argument: String) {
    guard let v = parseNumber(argument), v <= UInt64(UInt32.max) else { return nil }
    value = UInt32(v)
  }

  static var defaultCompletionKind: CompletionKind { .default }
}

/// A byte count: decimal, `0x…`, or with a `K`/`M` suffix (×1024, ×1048576).
struct ByteCount: ExpressibleByArgument, Equatable {
  let value: Int

  init?(argument: String) {
    var text = argument
    var multiplier: UInt64 = 1
    if let last = text.last, "kKmM".contains(last) {
      multiplier = "kK".contains(last) ? 1024 : 1024 * 1024
      text.removeLast()
      if text.hasSuffix("i") { return nil }
    }
    guard let v = parseNumber(text), v > 0, v * multiplier <= UInt64(UInt32.max) else { return nil }
    value = Int(v * multiplier)
  }
}

/// `VID:PID` in hex; either side may be empty to match any (`0483:`).
struct VidPid: ExpressibleByArgument, Equatable {
  let vendor: UInt16?
  let product: UInt16?

  init?(argument: String) {
    let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return nil }
    func hex(_ s: Substring) -> UInt16?? {
      if s.isEmpty || s == "*" { return .some(nil) }
      let digits = s.hasPrefix("0x") ? s.dropFirst(2) : s
      guard let v = UInt16(digits, radix: 16) else { return nil }
      return .some(v)
    }
    guard let v = hex(parts[0]), let p = hex(parts[1]) else { return nil }
    vendor = v
    product = p
  }
}

func parseNumber(_ text: String) -> UInt64? {
  let t = text.replacingOccurrences(of: "_", with: "")
  if t.hasPrefix("0x") || t.hasPrefix("0X") { return UInt64(t.dropFirst(2), radix: 16) }
  return UInt64(t)
}

extension String {
  func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
