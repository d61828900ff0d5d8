/// Reads Motorola S-records (stm32-dfu-facts §7): S0 header, S1/S2/S3 data with
/// 16/24/32-bit addresses, S5/S6 record counts (checked), S7/S8/S9 termination
/// with the entry point. Checksums are checked; every error names the line.
///
/// A file without a termination record is cut off, unless its last record is an S5/S6
/// count that matches: Python's bincopy (`as_srec`) writes such files when there is no
/// start address (bincopy.py `as_srec`: the S7/S8/S9 footer only `if self.execution_start_address
/// is not None`), and the count proves no data record is missing (accepted with a notice).
/// A count that does not match there, or a last line cut short, is refused as cut off.
public enum SRecordReader {
  public static func read(_ text: [UInt8], file: String) throws(FileFormatError) -> (image: FirmwareImage, notices: [String]) {
    try text.withUnsafeBufferPointer { (buffer) throws(FileFormatError) in try parse(buffer, file: file) }
  }

  static func parse(_ text: UnsafeBufferPointer<UInt8>, file: String) throws(FileFormatError) -> (image: FirmwareImage, notices: [String]) {
    var builder = ImageBuilder(file: file)
    var notices: [String] = []
    var record = [UInt8](repeating: 0, count: 256)
    var count = 0
    var line = 1
    var i = 0
    let n = text.count
    var dataRecords = 0
    var terminated = false
    var endsWithMatchingCount = false
    var countLine = 0
    while i < n {
      let c = text[i]
      if c == 0x0A { line += 1; i += 1; continue }
      if TextRecords.isLineSpace(c) { i += 1; continue }
      guard c == UInt8(ascii: "S") || c == UInt8(ascii: "s") else {
        throw .malformed(file: file, at: .line(line), expected: "a record starting with 'S'", found: TextRecords.quote(text, from: i))
      }
      guard i + 1 < n, let type = Int(exactly: text[i + 1]).flatMap({ $0 >= 0x30 && $0 <= 0x39 ? $0 - 0x30 : nil }) else {
        throw .malformed(file: file, at: .line(line), expected: "a record type digit S0–S9", found: TextRecords.quote(text, from: i))
      }
      i = try TextRecords.decodeLine(text, from: i + 2, into: &record, count: &count, file: file, line: line,
                                     what: "an S-record")
      let addressLength: Int
      switch type {
      case 0, 1, 5, 9: addressLength = 2
      case 2, 6, 8: addressLength = 3
      case 3, 7: addressLength = 4
      default:
        throw .malformed(file: file, at: .line(line), expected: "a record type S0–S3 or S5–S9", found: "S\(type)")
      }
      guard count >= 1 else { throw .truncated(file: file, at: .line(line), expected: "a byte count after S\(type)") }
      let declared = Int(record[0])
      guard count - 1 == declared else {
        if count - 1 < declared && i >= n {  // the last line stops short: the file was cut
          throw .truncated(file: file, at: .line(line), expected: "\(declared) bytes after the count of this S\(type) record, "
                           + "found \(count - 1) before the end of the file")
        }
        throw .malformed(file: file, at: .line(line), expected: "\(declared) bytes after the count as the count byte says",
                         found: "\(count - 1)")
      }
      guard declared >= addressLength + 1 else {
        throw .malformed(file: file, at: .line(line), expected: "a count of at least \(addressLength + 1) for S\(type)",
                         found: "\(declared)")
      }
      var sum: UInt8 = 0
      for k in 0..<(count - 1) { sum &+= record[k] }
      guard ~sum == record[count - 1] else {
        throw .badChecksum(file: file, at: .line(line), stored: record[count - 1], computed: ~sum)
      }
      var address: UInt64 = 0
      for k in 0..<addressLength { address = address << 8 | UInt64(record[1 + k]) }
      let dataLength = declared - addressLength - 1
      switch type {
      case 1, 2, 3:
        dataRecords += 1
        try record.withUnsafeBufferPointer { (r) throws(FileFormatError) in
          try builder.append(UnsafeBufferPointer(rebasing: r[(1 + addressLength)..<(1 + addressLength + dataLength)]),
                             at: address, location: .line(line))
        }
      case 5, 6:
        guard address == UInt64(dataRecords) else {
          if i >= n || !text[i...].contains(where: { !TextRecords.isLineSpace($0) && $0 != 0x0A }) {
            throw .truncated(file: file, at: .line(line), expected: "a termination record (S7, S8 or S9); the last record "
                             + "counts \(address) data records (S\(type)) but the file holds \(dataRecords)")
          }
          throw .malformed(file: file, at: .line(line), expected: "a record count (S\(type)) of \(dataRecords) data records",
                           found: "\(address); records are missing or extra")
        }
      case 7, 8, 9:
        builder.entryPoint = UInt32(address)
        terminated = true
      default:
        break  // S0 header: a name or comment, not flashed
      }
      endsWithMatchingCount = type == 5 || type == 6
      if endsWithMatchingCount { countLine = line }
      if terminated { break }
    }
    if !terminated && endsWithMatchingCount {
      notices.append("\(file): no termination record (S7/S8/S9) and so no entry point; the S5/S6 count on line \(countLine) "
                     + "matches the \(dataRecords) data records, so the file is complete (bincopy writes such files)")
    } else if !terminated {
      throw .truncated(file: file, at: .line(line), expected: "a termination record (S7, S8 or S9)")
    }
    var rest = i
    while rest < n, TextRecords.isLineSpace(text[rest]) || text[rest] == 0x0A || text[rest] == 0 { rest += 1 }
    if rest < n { notices.append("\(file): ignored \(n - rest) bytes after the termination record on line \(line)") }
    guard dataRecords > 0 else { throw .noData(file: file) }
    return (try builder.finish(), notices)
  }
}
