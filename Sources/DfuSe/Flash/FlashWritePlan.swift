/// What a write will do, computed and validated before the device is touched:
/// the sectors to erase and the data to program, padded with 0xFF to whole
/// flash words.
///
/// Padding: the STM32L476/486 ROM corrupts writes longer than 256 bytes that
/// are not a multiple of 8 (AN2606 known limitation; field-notes §1.1), and
/// ECC flash programs each 64-bit word once per erase (RM0351 §3.3.7), so every
/// write starts and ends on an 8-byte boundary. The padding lands in sectors
/// that are erased anyway, so it reads back as 0xFF.
public struct FlashWritePlan: Equatable, Sendable {
  /// The image as given.
  public let imageAddress: UInt32
  public let imageCount: Int
  /// The padded range actually programmed.
  public let address: UInt32
  public let data: [UInt8]
  /// Sectors touched by the image, in address order; each is erased first.
  public let sectorsToErase: [MemorySector]
  /// Bytes inside erased sectors that are not part of the image: their old
  /// content is lost (the write does not preserve them).
  public let bytesErasedOutsideImage: UInt64
  public let flashWordSize: Int

  /// Plans writing `image` at `address` into memory described by `map`.
  /// - Throws: ``FlashPlanError`` when the image is empty, overflows, or any
  ///   byte falls outside erasable-and-writable segments.
  public init(image: [UInt8], at address: UInt32, map: MemoryMap, flashWordSize: Int = 8) throws(FlashPlanError) {
    guard !image.isEmpty else { throw .emptyImage }
    let count = UInt64(image.count)
    guard UInt64(address) + count <= 1 << 32 else { throw .addressOverflow(start: address, count: count) }
    let needed: MemoryAccess = [.erasable, .writable]
    if let bad = map.firstUncoveredAddress(from: address, count: count, requiring: needed) {
      throw .outsideMemory(firstBadAddress: bad, start: address, count: count, needed: needed, map: map)
    }
    let word = UInt64(max(1, flashWordSize))
    let start = UInt64(address) / word * word
    let end = (UInt64(address) + count + word - 1) / word * word
    var padded = [UInt8](repeating: 0xFF, count: Int(end - start))
    let offset = Int(UInt64(address) - start)
    padded.replaceSubrange(offset..<(offset + image.count), with: image)
    imageAddress = address
    imageCount = image.count
    self.address = UInt32(start)
    data = padded
    sectorsToErase = map.sectors(overlapping: address, count: count)
    let erased = sectorsToErase.reduce(UInt64(0)) { $0 + UInt64($1.size) }
    bytesErasedOutsideImage = erased - count
    self.flashWordSize = Int(word)
  }
}

/// Address ranges where `actual` differs from `expected` (both starting at `address`).
public func mismatchedRanges(expected: [UInt8], actual: [UInt8], at address: UInt32) -> [ClosedRange<UInt32>] {
  var ranges: [ClosedRange<UInt32>] = []
  var runStart: Int?
  let n = max(expected.count, actual.count)
  for i in 0...n {
    let differs = i < n && (i >= expected.count || i >= actual.count || expected[i] != actual[i])
    if differs, runStart == nil { runStart = i }
    if !differs, let s = runStart {
      ranges.append((address + UInt32(s))...(address + UInt32(i - 1)))
      runStart = nil
    }
  }
  return ranges
}
