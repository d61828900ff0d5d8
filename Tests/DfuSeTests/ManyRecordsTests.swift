import Testing

@testable import DfuSe

/// Files with 20,000 repeated or overlapping records (issue 12: parsing was quadratic in
/// them; the timing is `ParseBenchmark --pathological`). These check only the result:
/// identical overlaps merge into one run of the right bytes, a different byte is refused
/// naming both records, in every reader.
@Suite struct ManyRecordsTests {
  static let count = 20_000

  /// The byte every record puts at `address`, so overlapping records agree.
  static func byte(_ address: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: (address &* 2_654_435_761) >> 13) }

  /// `count` records of 16 bytes, each `step` bytes after the previous (0: all at one address).
  static func records(step: UInt32, reversed: Bool = false, conflictAtEnd: Bool = false) -> [(UInt32, [UInt8])] {
    var out = (0..<count).map { k -> (UInt32, [UInt8]) in
      let address = 0x0800_0000 + UInt32(k) * step
      return (address, (0..<16).map { byte(address + UInt32($0)) })
    }
    if reversed { out.reverse() }
    if conflictAtEnd { out[count - 1].1[5] ^= 0xFF }
    return out
  }

  /// One text record: `lead` ("S3", ":"), then `body` and its checksum in hex digits
  /// (built directly; String(format:) per byte would dominate the test's time).
  static func line(_ lead: String, _ body: [UInt8], checksum: UInt8) -> [UInt8] {
    let digits = Array("0123456789ABCDEF".utf8)
    var out = Array(lead.utf8)
    for b in body + [checksum] { out += [digits[Int(b >> 4)], digits[Int(b & 15)]] }
    return out + [0x0A]
  }

  static func hex(_ records: [(UInt32, [UInt8])]) -> [UInt8] {
    func record(_ type: UInt8, _ offset: UInt32, _ data: [UInt8]) -> [UInt8] {
      let body = [UInt8(data.count), UInt8(offset >> 8 & 0xFF), UInt8(offset & 0xFF), type] + data
      return line(":", body, checksum: 0 &- body.reduce(0, &+))
    }
    var out: [UInt8] = []
    var upper: UInt32?
    for (address, data) in records {
      if upper != address >> 16 {
        upper = address >> 16
        out += record(4, 0, [UInt8(address >> 24), UInt8(address >> 16 & 0xFF)])
      }
      out += record(0, address, data)
    }
    return out + Array(":00000001FF\n".utf8)
  }

  static func srec(_ records: [(UInt32, [UInt8])]) -> [UInt8] {
    var out: [UInt8] = []
    for (address, data) in records {
      let body = [UInt8(data.count + 5)] + Make.le32(address).reversed() + data
      out += line("S3", body, checksum: ~body.reduce(0, &+))
    }
    return out + Array((Make.srec(7, address: 0x0800_0000, []) + "\n").utf8)
  }

  /// One target, one element per record (UM0391).
  static func dfuse(_ records: [(UInt32, [UInt8])]) -> [UInt8] {
    var elements: [UInt8] = []
    for (address, data) in records { elements += Make.le32(address) + Make.le32(UInt32(data.count)) + data }
    var out = Array("DfuSe".utf8) + [1] + Make.le32(UInt32(11 + 274 + elements.count + 16)) + [1]
    out += Array("Target".utf8) + [0] + Make.le32(0) + [UInt8](repeating: 0, count: 255)
    out += Make.le32(UInt32(elements.count)) + Make.le32(UInt32(records.count)) + elements
    DFUSuffix().append(to: &out)
    return out
  }

  static func elf(_ records: [(UInt32, [UInt8])]) -> [UInt8] {
    Make.elf(loads: records.enumerated().map { k, r in .init(vaddr: r.0, paddr: r.0, data: r.1, name: ".s\(k)") })
  }

  static let files = ["m.hex", "m.srec", "m.dfu", "m.elf"]

  /// The file named `file`, in its format, holding `records`.
  static func make(_ file: String, _ records: [(UInt32, [UInt8])]) -> [UInt8] {
    switch file {
    case "m.hex": return hex(records)
    case "m.srec": return srec(records)
    case "m.dfu": return dfuse(records)
    default: return elf(records)
    }
  }

  static func image(_ file: String, _ bytes: [UInt8]) throws -> FirmwareImage {
    try #require(try FirmwareLoader.load(bytes, fileName: file, rawAddress: nil).targets.first).image
  }

  @Test(arguments: files)
  func repeatedRecordsMergeIntoOneRun(file: String) throws {
    let image = try Self.image(file, Self.make(file, Self.records(step: 0)))
    #expect(image.segments.count == 1 && image.segments[0].address == 0x0800_0000)
    #expect(image.segments[0].bytes == (0..<16).map { Self.byte(0x0800_0000 + UInt32($0)) })
    #expect(image.segments[0].pieces.count == 1, "a repeat adds no origin of its own")
  }

  @Test(arguments: files, [false, true])
  func overlappingRecordsInEitherOrderMergeIntoOneRun(file: String, reversed: Bool) throws {
    let image = try Self.image(file, Self.make(file, Self.records(step: 8, reversed: reversed)))
    let length = (Self.count - 1) * 8 + 16
    #expect(image.segments.count == 1 && image.byteCount == length)
    #expect(image.segments[0].bytes == (0..<length).map { Self.byte(0x0800_0000 + UInt32($0)) })
    // Pieces stay disjoint and sorted, so each byte's origin is the record that first put it there.
    let pieces = image.segments[0].pieces
    #expect(zip(pieces, pieces.dropFirst()).allSatisfy { UInt64($0.address) + UInt64($0.count) <= UInt64($1.address) })
    #expect(pieces.reduce(0) { $0 + $1.count } == length)
  }

  @Test(arguments: files)
  func aDifferentByteAfterManyRepeatsNamesBothRecords(file: String) throws {
    do {
      _ = try Self.image(file, Self.make(file, Self.records(step: 0, conflictAtEnd: true)))
      Issue.record("\(file): accepted a conflicting record")
    } catch let error as FileFormatError {
      guard case .image(.overlap(let address, let existing, let new)) = error else {
        Issue.record("\(file): \(error)")
        return
      }
      #expect(address == 0x0800_0005)
      // The first record put the byte there; the last (20,000th) one differs.
      let (first, last): (ImageOrigin.Location, ImageOrigin.Location) = switch file {
      case "m.hex": (.line(2), .line(Self.count + 1))
      case "m.srec": (.line(1), .line(Self.count))
      case "m.dfu": (.element(target: 0, element: 0), .element(target: 0, element: Self.count - 1))
      default: (.section(".s0"), .section(".s\(Self.count - 1)"))
      }
      #expect(existing.origin.location == first && new.location == last, "\(error)")
      #expect(error.description.contains(first.description) && error.description.contains(last.description))
    }
  }

  @Test func unalignedElementsAreNamedOnlyUpToALimitThenSummed() throws {
    let records = (0..<Self.count).map { _ in (UInt32(0x0800_0000), [UInt8]([1, 2, 3, 4, 5])) }
    let loaded = try FirmwareLoader.load(Self.dfuse(records), fileName: "m.dfu", rawAddress: nil)
    let perElement = loaded.notices.filter { $0.contains("multiple of 8") }
    #expect(perElement.count == DfuSeFileReader.maxElementNotices)
    #expect(loaded.notices.contains { $0.contains("\(Self.count - DfuSeFileReader.maxElementNotices) more elements") })
    #expect(loaded.notices.count == DfuSeFileReader.maxElementNotices + 1)
  }
}
