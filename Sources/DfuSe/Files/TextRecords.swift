/// Helpers shared by the line-oriented text formats (Intel HEX, S-record; stm32-dfu-facts §7).
enum TextRecords {
  /// 0–15 for hex digits, 0xFF otherwise.
  static let hexValue: [UInt8] = {
    var t = [UInt8](repeating: 0xFF, count: 256)
    for (i, c) in "0123456789".utf8.enumerated() { t[Int(c)] = UInt8(i) }
    for (i, c) in "abcdef".utf8.enumerated() { t[Int(c)] = UInt8(10 + i); t[Int(c) - 32] = UInt8(10 + i) }
    return t
  }()

  @inline(__always) static func isLineSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }

  /// A short, printable rendering of `bytes` for error messages.
  static func quote(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, maxCount: Int = 24) -> String {
    guard from < bytes.count else { return "the end of the file" }
    var end = from
    while end < bytes.count, end - from < maxCount, bytes[end] != 0x0A { end += 1 }
    var s = ""
    for i in from..<end {
      let c = bytes[i]
      s += (0x20...0x7E).contains(c) ? String(UnicodeScalar(c)) : "\\x" + (c < 16 ? "0" : "") + String(c, radix: 16)
    }
    if end == from { return "the end of the line" }
    return "\"" + s + (end < bytes.count && bytes[end] != 0x0A ? "…" : "") + "\""
  }

  /// Decodes the hex digits of one record (from `start` to the end of the line) into
  /// `out`; returns the index just past the line's digits (trailing spaces/CR skipped) or
  /// throws naming the first bad character.
  @inline(__always)
  static func decodeLine(_ text: UnsafeBufferPointer<UInt8>, from start: Int, into out: inout [UInt8], count: inout Int,
                         file: String, line: Int, what: String) throws(FileFormatError) -> Int {
    var i = start
    count = 0
    let n = text.count
    return try hexValue.withUnsafeBufferPointer { (table) throws(FileFormatError) -> Int in
      while i + 1 < n {
        let hi = table[Int(text[i])], lo = table[Int(text[i + 1])]
        if hi | lo > 15 { break }
        if count == out.count {
          throw FileFormatError.malformed(file: file, at: .line(line), expected: "at most \(out.count) bytes in \(what)",
                                          found: "a longer line")
        }
        out[count] = hi << 4 | lo
        count += 1
        i += 2
      }
      var j = i
      while j < n, isLineSpace(text[j]) { j += 1 }
      if j < n, text[j] != 0x0A {
        let odd = table[Int(text[i])] <= 15
        throw FileFormatError.malformed(file: file, at: .line(line),
                                        expected: odd ? "an even number of hex digits in \(what)" : "hex digits in \(what)",
                                        found: quote(text, from: odd ? i : j, maxCount: 8) + " at column \(j - lineStart(text, start) + 1)")
      }
      if j == n, i < n, !isLineSpace(text[i]), table[Int(text[i])] <= 15 {
        throw FileFormatError.malformed(file: file, at: .line(line), expected: "an even number of hex digits in \(what)",
                                        found: "a lone digit at the end of the file")
      }
      return j
    }
  }

  @inline(__always) static func lineStart(_ text: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
    var s = i
    while s > 0, text[s - 1] != 0x0A { s -= 1 }
    return s
  }
}
