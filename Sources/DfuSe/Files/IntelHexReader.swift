/// Reads Intel HEX (stm32-dfu-facts §7): `:LLAAAATT<data>CC` records 00 data,
/// 01 end of file, 02 extended segment address, 03 start segment address,
/// 04 extended linear address, 05 start linear address. Checksums are checked;
/// every error names the line.
public enum IntelHexReader {
  /// Parses `text` into an image (entry point from record 03 or 05) and notices.
  public static func read(_ text: [UInt8], file: String) throws(FileFormatError) -> (image: FirmwareImage, notices: [String]) {
    try text.withUnsafeBufferPointer { (buffer) throws(FileFormatError) in try parse(buffer, file: file) }
  }

  static func parse(_ text: UnsafeBufferPointer<UInt8>, file: String) throws(FileFormatError) -> (image: FirmwareImage, notices: [String]) {
    var builder = ImageBuilder(file: file)
    var notices: [String] = []
    var record = [UInt8](repeating: 0, count: 5 + 255)
    var count = 0
    var line = 1
    var i = 0
    let n = text.count
    var base: UInt64 = 0  // extended linear (04) or segment (02) base
    var segmentMode = false
    var sawEOF = false
    var dataRecords = 0
    while i < n {
      let c = text[i]
      if c == 0x0A { line += 1; i += 1; continue }
      if TextRecords.isLineSpace(c) { i += 1; continue }
      guard c == UInt8(ascii: ":") else {
        throw .malformed(file: file, at: .line(line), expected: "a record starting with ':'",
                         found: TextRecords.quote(text, from: i))
      }
      i = try TextRecords.decodeLine(text, from: i + 1, into: &record, count: &count, file: file, line: line,
                                     what: "an Intel HEX record")
      guard count >= 5 else {
        throw .truncated(file: file, at: .line(line), expected: "at least 5 bytes (length, address, type, checksum) "
                         + "in the record, found \(count)")
      }
      let length = Int(record[0])
      guard count == 5 + length else {
        throw .malformed(file: file, at: .line(line), expected: "\(length) data bytes as the length byte says",
                         found: "\(count - 5)")
      }
      var sum: UInt8 = 0
      for k in 0..<(count - 1) { sum &+= record[k] }
      let computed = 0 &- sum
      guard computed == record[count - 1] else {
        throw .badChecksum(file: file, at: .line(line), stored: record[count - 1], computed: computed)
      }
      let offset = UInt64(record[1]) << 8 | UInt64(record[2])
      let type = record[3]
      switch type {
      case 0x00:
        dataRecords += 1
        try record.withUnsafeBufferPointer { (r) throws(FileFormatError) in
          let data = UnsafeBufferPointer(rebasing: r[4..<(4 + length)])
          if segmentMode, offset + UInt64(length) > 0x10000 {
            // In segment mode (02) the 16-bit offset wraps inside the 64 KiB segment.
            let first = Int(0x10000 - offset)
            try builder.append(UnsafeBufferPointer(rebasing: data[..<first]), at: base + offset, location: .line(line))
            try builder.append(UnsafeBufferPointer(rebasing: data[first...]), at: base, location: .line(line))
          } else {
            try builder.append(data, at: base + offset, location: .line(line))
          }
        }
      case 0x01:
        guard length == 0 else {
          throw .malformed(file: file, at: .line(line), expected: "no data in the end-of-file record (01)", found: "\(length) bytes")
        }
        sawEOF = true
      case 0x02, 0x04:
        guard length == 2 else {
          throw .malformed(file: file, at: .line(line), expected: "2 data bytes in a record of type \(hex8(type))",
                           found: "\(length)")
        }
        let value = UInt64(record[4]) << 8 | UInt64(record[5])
        segmentMode = type == 0x02
        base = segmentMode ? value << 4 : value << 16
      case 0x03, 0x05:
        guard length == 4 else {
          throw .malformed(file: file, at: .line(line), expected: "4 data bytes in a record of type \(hex8(type))",
                           found: "\(length)")
        }
        let hi = UInt32(record[4]) << 8 | UInt32(record[5]), lo = UInt32(record[6]) << 8 | UInt32(record[7])
        builder.entryPoint = type == 0x05 ? hi << 16 | lo : (hi << 4) &+ lo
      default:
        throw .malformed(file: file, at: .line(line), expected: "a record type 00–05", found: hex8(type))
      }
      if sawEOF { break }
    }
    guard sawEOF else {
      throw .truncated(file: file, at: .line(line), expected: "an end-of-file record (:00000001FF)")
    }
    var rest = i
    while rest < n, TextRecords.isLineSpace(text[rest]) || text[rest] == 0x0A || text[rest] == 0x00 || text[rest] == 0x1A {
      rest += 1
    }
    if rest < n {
      notices.append("\(file): ignored \(n - rest) bytes after the end-of-file record on line \(line)")
    }
    guard dataRecords > 0 else { throw .noData(file: file) }
    return (try builder.finish(), notices)
  }
}
