/// A DfuSe memory map parsed from an alternate-setting string
/// (UM0424 Table 28; dfu-util `dfuse_mem.c` grammar; stm32-dfu-facts §3):
/// `@Name/0xADDR/NN*SSS<mult><type>[,…][/0xADDR/…]`.
///
/// Tolerates what real ROMs send: a space for the byte multiplier (`01*016 e`),
/// a type letter straight after the size (`01*528e`, `1536*128g`), leading
/// zeros (`0256*0002Kg`), two or three padding spaces after the name, several
/// zones, and uppercase type codes. The V2.1 F4 "Device Feature" alternate
/// claims `g` but is only readable and writable; it is forced to `e`, as
/// dfu-util does.
public struct MemoryMap: Hashable, Sendable {
  /// The name with its padding trimmed, such as `Internal Flash`.
  public var name: String
  /// Segments in the order given, each with its absolute start address.
  public var segments: [MemorySegment]

  public init(name: String, segments: [MemorySegment]) {
    self.name = name
    self.segments = segments
  }

  public init(parsing text: String) throws(MemoryMapError) {
    // `isNewline` also matches "\r\n", which Swift keeps as one Character.
    let trimmed = text.trimmingTrailing { $0 == "\0" || $0 == " " || $0.isNewline }
    guard trimmed.first == "@", let slash = trimmed.firstIndex(of: "/") else {
      throw .notAMemoryMap(text: text)
    }
    let rawName = trimmed[trimmed.index(after: trimmed.startIndex)..<slash]
    name = String(rawName).trimmingTrailing { $0 == " " }
    let forceReadWrite = name == "Device Feature"
    // Alternating address / sector list; the first item is always an address.
    let parts = trimmed[trimmed.index(after: slash)...].split(separator: "/", omittingEmptySubsequences: false)
    guard parts != [""] else { throw .notAMemoryMap(text: text) }
    var segments: [MemorySegment] = []
    for zone in stride(from: 0, to: parts.count, by: 2) {
      let addressText = String(parts[zone])
      var address = UInt64(try Self.parseAddress(addressText))
      guard zone + 1 < parts.count, !parts[zone + 1].allSatisfy({ $0 == " " }) else {
        throw .emptyZone(address: addressText)
      }
      for spec in parts[zone + 1].split(separator: ",", omittingEmptySubsequences: false) {
        // A previous item may have ended exactly at 4 GiB: nothing can follow it.
        guard address < 1 << 32 else { throw .addressOverflow(text: "\(addressText)/\(spec)") }
        var segment = try Self.parseSectors(String(spec), start: UInt32(address))
        if forceReadWrite { segment.access = [.readable, .writable] }
        guard segment.end <= 1 << 32 else { throw .addressOverflow(text: "\(addressText)/\(spec)") }
        segments.append(segment)
        address = segment.end
      }
    }
    self.segments = segments
  }

  /// The segment holding `address`.
  public func segment(containing address: UInt32) -> MemorySegment? {
    segments.first { $0.contains(address) }
  }

  /// The sector holding `address`.
  public func sector(containing address: UInt32) -> MemorySector? {
    segment(containing: address)?.sector(containing: address)
  }

  /// Every sector, in map order.
  public var sectors: [MemorySector] {
    segments.flatMap { s in
      (0..<s.sectorCount).map { MemorySector(address: s.start + UInt32($0) * s.sectorSize, size: s.sectorSize, access: s.access) }
    }
  }

  /// The sectors that share at least one byte with `[start, start + count)`.
  public func sectors(overlapping start: UInt32, count: UInt64) -> [MemorySector] {
    let end = Self.rangeEnd(start, count)
    guard end > UInt64(start) else { return [] }
    var result: [MemorySector] = []
    for s in segments where UInt64(s.start) < end && s.end > UInt64(start) {
      let first = UInt64(max(UInt64(start), UInt64(s.start)) - UInt64(s.start)) / UInt64(s.sectorSize)
      let last = (min(end, s.end) - 1 - UInt64(s.start)) / UInt64(s.sectorSize)
      for i in first...last {
        result.append(MemorySector(address: s.start + UInt32(i) * s.sectorSize, size: s.sectorSize, access: s.access))
      }
    }
    return result
  }

  /// The first address in `[start, start + count)` that no segment with all of
  /// `access` covers, or nil when the whole range is covered.
  public func firstUncoveredAddress(from start: UInt32, count: UInt64, requiring access: MemoryAccess) -> UInt64? {
    var cursor = UInt64(start)
    let end = Self.rangeEnd(start, count)
    while cursor < end {
      guard cursor < 1 << 32, let s = segment(containing: UInt32(cursor)), s.access.isSuperset(of: access) else {
        return cursor
      }
      cursor = s.end
    }
    return nil
  }

  /// One past the end of `[start, start + count)`, saturated so a huge count cannot overflow.
  private static func rangeEnd(_ start: UInt32, _ count: UInt64) -> UInt64 {
    UInt64(start) + min(count, UInt64.max - UInt64(UInt32.max))
  }

  /// `0x08000000–0x080FFFFF 512 × 2 KiB rew` lines, for error messages and `list`.
  public var summary: [String] {
    segments.map { s in
      "\(hex32(s.start))–\(hex32(UInt32(s.end - 1)))  \(s.sectorCount) × \(formatByteCount(UInt64(s.sectorSize)))  \(s.access)"
    }
  }

  static func parseAddress(_ text: String) throws(MemoryMapError) -> UInt32 {
    let t = text.trimmingCharacters(in: " ")
    guard t.hasPrefix("0x") || t.hasPrefix("0X") else { throw .badAddress(text: text) }
    let digits = t.dropFirst(2)
    // `UInt32(_:radix:)` alone would accept a sign ("0x+8000000").
    guard (1...8).contains(digits.count), digits.allSatisfy(\.isASCIIHexDigit), let value = UInt32(digits, radix: 16) else { throw .badAddress(text: text) }
    return value
  }

  static func parseSectors(_ text: String, start: UInt32) throws(MemoryMapError) -> MemorySegment {
    let chars = Array(text.utf8)
    var i = 0
    func number() -> UInt64? {
      let begin = i
      while i < chars.count, chars[i] >= 0x30, chars[i] <= 0x39, i - begin < 9 { i += 1 }
      guard i > begin else { return nil }
      return UInt64(String(decoding: chars[begin..<i], as: UTF8.self))
    }
    while i < chars.count, chars[i] == 0x20 { i += 1 }
    guard let count = number() else { throw .badSectors(text: text, reason: "expected a sector count") }
    guard i < chars.count, chars[i] == UInt8(ascii: "*") else { throw .badSectors(text: text, reason: "expected '*' after the count") }
    i += 1
    guard let size = number() else { throw .badSectors(text: text, reason: "expected a sector size after '*'") }
    var multiplier: UInt64 = 1
    if i < chars.count {
      switch chars[i] {
      case UInt8(ascii: "K"): multiplier = 1024; i += 1
      case UInt8(ascii: "M"): multiplier = 1024 * 1024; i += 1
      case UInt8(ascii: "B"), UInt8(ascii: " "): i += 1
      default: break
      }
    }
    guard i < chars.count else { throw .badSectors(text: text, reason: "missing type letter (a–g)") }
    let letter = chars[i]
    let bits: UInt8
    switch letter {
    case UInt8(ascii: "a")...UInt8(ascii: "g"), UInt8(ascii: "A")...UInt8(ascii: "G"): bits = letter & 0x7
    default:
      throw .badSectors(text: text, reason: "'\(Character(Unicode.Scalar(letter)))' is not a multiplier (B, K, M, space) or a type letter (a–g)")
    }
    i += 1
    while i < chars.count, chars[i] == 0x20 { i += 1 }
    guard i == chars.count else {
      throw .badSectors(text: text, reason: "unexpected \"\(String(decoding: chars[i...], as: UTF8.self))\" after the type letter")
    }
    guard count > 0 else { throw .badSectors(text: text, reason: "sector count is zero") }
    let bytes = size * multiplier
    guard bytes > 0 else { throw .badSectors(text: text, reason: "sector size is zero") }
    guard bytes <= UInt64(UInt32.max), count * bytes <= 1 << 32 else { throw .addressOverflow(text: text) }
    return MemorySegment(start: start, sectorSize: UInt32(bytes), sectorCount: Int(count), access: MemoryAccess(rawValue: bits))
  }
}

extension Character {
  fileprivate var isASCIIHexDigit: Bool { isASCII && isHexDigit }
}

extension StringProtocol {
  func trimmingTrailing(where predicate: (Character) -> Bool) -> String {
    var s = Substring(self)
    while let last = s.last, predicate(last) { s.removeLast() }
    return String(s)
  }

  func trimmingCharacters(in character: Character) -> String {
    var s = Substring(self)
    while s.first == character { s.removeFirst() }
    while s.last == character { s.removeLast() }
    return String(s)
  }
}
