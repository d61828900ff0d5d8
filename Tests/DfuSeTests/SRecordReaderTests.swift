import Testing

@testable import DfuSe

/// Motorola S-record reading (stm32-dfu-facts §7).
@Suite struct SRecordReaderTests {
  func read(_ lines: [String]) throws(FileFormatError) -> FirmwareImage {
    try SRecordReader.read(Make.text(lines), file: "t.srec").image
  }

  @Test func allAddressWidthsAndTermination() throws {
    let image = try read([Make.srec(0, address: 0, Array("hdr".utf8)), Make.srec(1, address: 0x1000, [1, 2]),
                          Make.srec(2, address: 0x12_0000, [3]), Make.srec(3, address: 0x0800_0000, [4, 5, 6]),
                          Make.srec(5, address: 3, []), Make.srec(7, address: 0x0800_0101, [])])
    #expect(image.segments.map(\.address) == [0x1000, 0x12_0000, 0x0800_0000])
    #expect(image.entryPoint == 0x0800_0101 && image.byte(at: 0x0800_0002) == 6)
  }

  @Test func s8AndS9Entries() throws {
    #expect(try read([Make.srec(1, address: 0, [1]), Make.srec(9, address: 0x1234, [])]).entryPoint == 0x1234)
    #expect(try read([Make.srec(2, address: 0, [1]), Make.srec(8, address: 0x12_3456, [])]).entryPoint == 0x12_3456)
  }

  @Test func recordCountMismatchIsAnError() {
    #expect(throws: FileFormatError.self) {
      try read([Make.srec(1, address: 0, [1]), Make.srec(5, address: 2, []), Make.srec(9, address: 0, [])])
    }
  }

  @Test func badChecksumAndCountAndTypes() {
    var bad = Make.srec(1, address: 0, [1])
    bad.removeLast(2); bad += "00"
    #expect(throws: FileFormatError.self) { try read([bad, Make.srec(9, address: 0, [])]) }
    do { _ = try read([bad, Make.srec(9, address: 0, [])]) } catch {
      #expect(error.description.contains("t.srec line 1") && error.description.contains("checksum"))
    }
    let cases: [[String]] = [
      ["S1050000FF", Make.srec(9, address: 0, [])],  // count says 5, has 3
      ["S4030000FC", Make.srec(9, address: 0, [])],  // S4 reserved
      ["S102000F", Make.srec(9, address: 0, [])],  // count too small for a 16-bit address
      ["X1030000FC"],  // not S
      ["S"],  // no type
      [Make.srec(1, address: 0, [1])],  // no termination
      [Make.srec(9, address: 0, [])],  // no data
    ]
    for lines in cases { #expect(throws: FileFormatError.self, "\(lines)") { try read(lines) } }
  }
}
