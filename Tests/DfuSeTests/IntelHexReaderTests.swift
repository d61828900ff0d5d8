import Testing

@testable import DfuSe

/// Intel HEX reading and writing (stm32-dfu-facts §7).
@Suite struct IntelHexReaderTests {
  func read(_ lines: [String]) throws(FileFormatError) -> FirmwareImage {
    try IntelHexReader.read(Make.text(lines), file: "t.hex").image
  }

  @Test func dataWithExtendedLinearAddressAndEntry() throws {
    let image = try read([Make.hexRecord(4, 0, [0x08, 0x00]), Make.hexRecord(0, 0x0010, [1, 2, 3]),
                          Make.hexRecord(0, 0x0013, [4]), Make.hexRecord(5, 0, [0x08, 0x00, 0x01, 0x23]),
                          ":00000001FF"])
    #expect(image.segments.count == 1 && image.segments[0].address == 0x0800_0010 && image.segments[0].bytes == [1, 2, 3, 4])
    #expect(image.entryPoint == 0x0800_0123)
    #expect(image.segments[0].pieces[0].sourceDescription == "t.hex line 2 – line 3")
  }

  @Test func segmentAddressingAndStartSegment() throws {
    let image = try read([Make.hexRecord(2, 0, [0x10, 0x00]), Make.hexRecord(0, 0x0004, [9]),
                          Make.hexRecord(3, 0, [0x10, 0x00, 0x00, 0x05]), ":00000001FF"])
    #expect(image.segments[0].address == 0x10004 && image.entryPoint == 0x10005)
  }

  @Test func segmentModeOffsetWrapsInsideTheSegment() throws {
    let image = try read([Make.hexRecord(2, 0, [0x10, 0x00]), Make.hexRecord(0, 0xFFFF, [1, 2]), ":00000001FF"])
    #expect(image.byte(at: 0x1FFFF) == 1 && image.byte(at: 0x10000) == 2)
  }

  @Test func lowercaseCRLFBlankLinesAndTrailingJunkAreTolerated() throws {
    let text = Array(("\r\n" + Make.hexRecord(0, 0, [0xAB]).lowercased() + "\r\n\r\n:00000001ff\r\nextra").utf8)
    let (image, notices) = try IntelHexReader.read(text, file: "t.hex")
    #expect(image.segments[0].bytes == [0xAB])
    #expect(notices.count == 1 && notices[0].contains("ignored 5 bytes"))
  }

  @Test func badChecksumNamesTheLine() {
    #expect(throws: FileFormatError.badChecksum(file: "t.hex", at: .line(2), stored: 0x00, computed: 0xFE)) {
      try read([Make.hexRecord(0, 0, [1]), ":0100000001" + "00", ":00000001FF"])
    }
  }

  @Test func missingEndOfFileIsTruncation() {
    #expect(throws: FileFormatError.self) { try read([Make.hexRecord(0, 0, [1])]) }
    do { _ = try read([Make.hexRecord(0, 0, [1])]) } catch {
      #expect(error.description.contains(":00000001FF") && error.description.contains("t.hex"))
    }
  }

  @Test func wrongLengthUnknownTypeAndBadCharacters() {
    let cases: [[String]] = [
      [":0300000001FC", ":00000001FF"],  // says 3 bytes, has 0
      [Make.hexRecord(6, 0, []), ":00000001FF"],  // type 06
      [Make.hexRecord(4, 0, [1]), ":00000001FF"],  // 04 with 1 byte
      [Make.hexRecord(5, 0, [1, 2]), ":00000001FF"],  // 05 with 2 bytes
      [":01000000GG00", ":00000001FF"],  // not hex
      [":010000000", ":00000001FF"],  // odd digits
      ["01000000FF"],  // no colon
      [":0000", ":00000001FF"],  // too short
      [Make.hexRecord(1, 0, [1])],  // EOF with data
    ]
    for lines in cases {
      #expect(throws: FileFormatError.self, "\(lines)") { try read(lines) }
    }
  }

  @Test func errorTextSaysWhereAndWhat() {
    do { _ = try read([Make.hexRecord(0, 0, [1]), ":01000000GG00"]) } catch {
      #expect(error.description.contains("t.hex line 2") && error.description.contains("hex digits"))
    }
  }

  @Test func noDataIsAnError() {
    #expect(throws: FileFormatError.noData(file: "t.hex")) { try read([":00000001FF"]) }
  }

  @Test func overflowPastFourGiBIsAnError() {
    #expect(throws: FileFormatError.self) {
      try read([Make.hexRecord(4, 0, [0xFF, 0xFF]), Make.hexRecord(0, 0xFFFF, [1, 2]), ":00000001FF"])
    }
  }

  @Test func overlappingRecordsNameBothLines() {
    do {
      _ = try read([Make.hexRecord(0, 0x10, [1, 2, 3, 4]), Make.hexRecord(0, 0x12, [9]), ":00000001FF"])
      Issue.record("expected an overlap error")
    } catch {
      #expect(error.description.contains("t.hex line 1") && error.description.contains("t.hex line 2"))
    }
  }

  @Test func exportRoundTripsAcrossA64KBoundaryWithGaps() throws {
    var image = FirmwareImage()
    try image.add(Make.bytes(100), at: 0x0800_FFD0, origin: Make.origin())
    try image.add(Make.bytes(7, seed: 3), at: 0x2000_0000, origin: Make.origin())
    image.entryPoint = 0x0801_0001
    let text = ImageExport.intelHex(image)
    let back = try IntelHexReader.read(text, file: "x.hex").image
    #expect(back.segments.map(\.bytes) == image.segments.map(\.bytes))
    #expect(back.segments.map(\.address) == image.segments.map(\.address) && back.entryPoint == 0x0801_0001)
    let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
    #expect(lines.last == ":00000001FF")
    #expect(lines.allSatisfy { $0.count <= 11 + 32 }, "at most 16 data bytes per record")
  }
}
