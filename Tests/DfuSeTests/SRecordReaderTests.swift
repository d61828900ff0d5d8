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

  /// bincopy's `as_srec` docstring output (eerimoq/bincopy, bincopy.py): no start address, so
  /// no S7/S8/S9, but an S5 count of its 2 data records. Complete: accepted with a notice.
  @Test func bincopyFileWithoutTerminationButMatchingCountIsAccepted() throws {
    let file = Make.text([
      "S32500000100214601360121470136007EFE09D219012146017E17C20001FF5F16002148011973",
      "S32500000120194E79234623965778239EDA3F01B2CA3F0156702B5E712B722B73214601342199",
      "S5030002FA",
    ])
    let (image, notices) = try SRecordReader.read(file, file: "b.srec")
    #expect(image.segments.count == 1 && image.segments[0].address == 0x100 && image.byteCount == 64)
    #expect(image.byte(at: 0x100) == 0x21 && image.byte(at: 0x13F) == 0x21 && image.entryPoint == nil)
    #expect(notices.contains { $0.contains("no termination record") && $0.contains("line 3") && $0.contains("2 data records") })
    // S6 (24-bit count) works the same.
    let s6 = try SRecordReader.read(Make.text([Make.srec(1, address: 0, [1]), Make.srec(6, address: 1, [])]), file: "c.srec")
    #expect(s6.image.byteCount == 1 && s6.notices.contains { $0.contains("no termination record") })
  }

  @Test func withoutTerminationAMismatchedCountOrACutLastLineIsCutOff() {
    let data = [Make.srec(1, address: 0, [1]), Make.srec(1, address: 1, [2]), Make.srec(1, address: 2, [3])]
    func expectCutOff(_ bytes: [UInt8], _ what: Comment) {
      do {
        _ = try SRecordReader.read(bytes, file: "t.srec")
        Issue.record("accepted: \(what)")
      } catch {
        guard case .truncated = error else { Issue.record("\(what): \(error)"); return }
        #expect(error.description.contains("cut off"), what)
      }
    }
    // A data record lost with the end of the file: the count says 3, 2 remain.
    expectCutOff(Make.text(Array(data.prefix(2)) + [Make.srec(5, address: 3, [])]), "count 3, 2 records")
    // The count record itself cut mid-line (no newline after it).
    let count = Make.srec(5, address: 3, [])
    expectCutOff(Array((data.joined(separator: "\n") + "\n" + count.prefix(count.count - 2)).utf8), "cut S5 line")
    // A data record cut mid-line.
    expectCutOff(Array((data.joined(separator: "\n") + "\nS1050003").utf8), "cut S1 line")
    // No count and no termination.
    expectCutOff(Make.text(data), "no count, no termination")
    // A count record that is not the last record does not make the file complete.
    expectCutOff(Make.text([data[0], Make.srec(5, address: 1, []), data[1]]), "count in the middle")
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
