import Testing

@testable import DfuSe

/// The sparse image model (issue #3 "Image model"): sorting, merging, origins, overlap and overflow.
@Suite struct FirmwareImageTests {
  let a = Make.origin("a.hex", .line(2))
  let b = Make.origin("b.hex", .line(7))

  @Test func emptyImageHasNoSegments() {
    let image = FirmwareImage()
    #expect(image.isEmpty && image.byteCount == 0 && image.lowestAddress == nil && image.endAddress == nil)
    #expect(image.byte(at: 0) == nil && image.segmentIndex(containing: 0) == nil)
  }

  @Test func addingNothingChangesNothing() throws {
    var image = FirmwareImage()
    try image.add([], at: 0xFFFF_FFFF, origin: a)
    #expect(image.isEmpty)
  }

  @Test func segmentsAreSortedWhateverTheOrderOfAdds() throws {
    var image = FirmwareImage()
    try image.add([3], at: 0x300, origin: a)
    try image.add([1], at: 0x100, origin: a)
    try image.add([2], at: 0x200, origin: a)
    #expect(image.segments.map(\.address) == [0x100, 0x200, 0x300])
    #expect(image.lowestAddress == 0x100 && image.endAddress == 0x301 && image.byteCount == 3)
  }

  @Test func touchingRunsMergeInEitherOrder() throws {
    var up = FirmwareImage()
    try up.add([1, 2], at: 0x10, origin: a)
    try up.add([3, 4], at: 0x12, origin: b)
    var down = FirmwareImage()
    try down.add([3, 4], at: 0x12, origin: b)
    try down.add([1, 2], at: 0x10, origin: a)
    for image in [up, down] {
      #expect(image.segments.count == 1)
      #expect(image.segments[0].address == 0x10 && image.segments[0].bytes == [1, 2, 3, 4])
      #expect(image.segments[0].pieces.map(\.origin) == [a, b])
    }
  }

  @Test func aRunBridgingTwoSegmentsJoinsThem() throws {
    var image = FirmwareImage()
    try image.add([1], at: 0x10, origin: a)
    try image.add([4], at: 0x13, origin: a)
    try image.add([2, 3], at: 0x11, origin: b)
    #expect(image.segments.count == 1 && image.segments[0].bytes == [1, 2, 3, 4])
    #expect(image.segments[0].piece(containing: 0x12).origin == b)
    #expect(image.segments[0].piece(containing: 0x13).origin == a)
  }

  @Test func identicalOverlapMerges() throws {
    var image = FirmwareImage()
    try image.add([1, 2, 3, 4], at: 0x100, origin: a)
    try image.add([2, 3], at: 0x101, origin: b)
    try image.add([4, 5], at: 0x103, origin: b)
    #expect(image.segments.count == 1 && image.segments[0].bytes == [1, 2, 3, 4, 5])
  }

  /// An identical overlap adds a piece only for its new bytes, so pieces stay disjoint and
  /// each byte is attributed to the source that first put it there.
  @Test func identicalOverlapKeepsPiecesDisjoint() throws {
    var image = FirmwareImage()
    try image.add([1, 2, 3, 4], at: 0x100, origin: a)
    try image.add([3, 4, 5, 6], at: 0x102, origin: b)
    try image.add([0, 1], at: 0xFF, origin: b)
    try image.add([2, 3], at: 0x101, origin: b)
    let pieces = image.segments[0].pieces
    #expect(pieces.map(\.address) == [0xFF, 0x100, 0x104] && pieces.map(\.count) == [1, 4, 2])
    #expect(image.segments[0].piece(containing: 0x103).origin == a)
    #expect(image.segments[0].piece(containing: 0x105).origin == b)
    do {
      try image.add([9], at: 0x103, origin: Make.origin("c.hex", .line(9)))
      Issue.record("accepted a different byte")
    } catch {
      #expect(error.description.contains("a.hex line 2") && error.description.contains("c.hex line 9"))
    }
  }

  @Test func aRunSpanningSeveralSegmentsFillsTheGapsAndKeepsTheirOrigins() throws {
    var image = FirmwareImage()
    try image.add([2], at: 0x12, origin: a)
    try image.add([4, 5], at: 0x14, origin: a)
    try image.add([9], at: 0x30, origin: a)
    try image.add([1, 2, 3, 4, 5, 6], at: 0x11, origin: b)
    #expect(image.segments.map(\.address) == [0x11, 0x30] && image.segments[0].bytes == [1, 2, 3, 4, 5, 6])
    #expect(image.segments[0].pieces.map(\.origin) == [b, a, b, a, b])
    #expect(image.segments[0].pieces.map(\.address) == [0x11, 0x12, 0x13, 0x14, 0x16])
  }

  @Test func differentOverlapNamesBothSources() throws {
    var image = FirmwareImage()
    try image.add([1, 2, 3, 4], at: 0x0800_0000, origin: a)
    #expect(throws: ImageError.self) { try image.add([2, 9], at: 0x0800_0001, origin: b) }
    do {
      try image.add([2, 9], at: 0x0800_0001, origin: b)
    } catch {
      guard case .overlap(let address, let existing, let new) = error else { Issue.record("wrong error \(error)"); return }
      #expect(address == 0x0800_0002 && existing.origin == a && new == b)
      #expect(error.description.contains("a.hex line 2") && error.description.contains("b.hex line 7"))
      #expect(error.description.contains("0x08000002"))
    }
    #expect(image.segments[0].bytes == [1, 2, 3, 4], "a failed add leaves the image unchanged")
  }

  @Test func overflowIsAnErrorNotAWrap() throws {
    var image = FirmwareImage()
    try image.add([1, 2], at: 0xFFFF_FFFE, origin: a)
    #expect(image.endAddress == 1 << 32)
    #expect(throws: ImageError.addressOverflow(address: 0xFFFF_FFFF, count: 2, origin: b)) {
      try image.add([1, 2], at: 0xFFFF_FFFF, origin: b)
    }
    #expect(ImageError.addressOverflow(address: 0xFFFF_FFFF, count: 2, origin: b).description.contains("32-bit"))
  }

  @Test func byteLookupAndBinarySearch() throws {
    var image = FirmwareImage()
    for k in 0..<50 { try image.add([UInt8(k)], at: UInt32(k * 10), origin: a) }
    #expect(image.segments.count == 50)
    #expect(image.byte(at: 250) == 25 && image.byte(at: 251) == nil && image.byte(at: 0) == 0)
    #expect(image.segmentIndex(containing: 490) == 49 && image.segmentIndex(containing: 5) == nil)
  }

  @Test func consecutiveRecordsOfOneFileFormOnePieceWithARange() throws {
    var image = FirmwareImage()
    try image.add([1], at: 0, origin: Make.origin("x.hex", .line(2)))
    try image.add([2], at: 1, origin: Make.origin("x.hex", .line(3)))
    try image.add([3], at: 2, origin: Make.origin("x.hex", .line(4)))
    #expect(image.segments[0].pieces.count == 1)
    #expect(image.segments[0].pieces[0].sourceDescription == "x.hex line 2 – line 4")
  }

  @Test func mergeCombinesImagesAndKeepsTheFirstEntryPoint() throws {
    var one = try FirmwareImage(bytes: [1, 2], at: 0x100, origin: a)
    one.entryPoint = 0x101
    var two = try FirmwareImage(bytes: [3, 4], at: 0x102, origin: b)
    two.entryPoint = 0x999
    try one.merge(two)
    #expect(one.segments.count == 1 && one.segments[0].bytes == [1, 2, 3, 4] && one.entryPoint == 0x101)
    var three = FirmwareImage()
    try three.merge(two)
    #expect(three.entryPoint == 0x999)
    let clash = try FirmwareImage(bytes: [9], at: 0x100, origin: b)
    #expect(throws: ImageError.self) { try one.merge(clash) }
  }

  @Test func pieceLookupNeverTrapsEvenWithoutPieces() {
    var segment = ImageSegment(address: 0x10, bytes: [1], origin: a)
    segment.pieces = []
    #expect(segment.piece(containing: 0x10).address == 0x10)
  }

  @Test func originDescriptions() {
    #expect(ImageOrigin(file: "f", location: .offset(255)).description == "f offset 0xFF")
    #expect(ImageOrigin(file: "f", location: .record(3)).description == "f record 3")
    #expect(ImageOrigin(file: "f", location: .section(".data")).description == "f section .data")
    #expect(ImageOrigin(file: "f", location: .element(target: 1, element: 2)).description == "f target 1 element 2")
  }
}
