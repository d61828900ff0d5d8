/// What a flash will do, computed and validated before anything touches the
/// device: image × memory map × chip profile (issue #4, field-notes §1.2).
///
/// - Only sectors the image touches are erased.
/// - Writes are coalesced into contiguous runs (one SET_ADDRESS each, then
///   increasing wBlockNum), padded with the erased value to whole flash words
///   (8 B minimum; 16 B U5/H7A3; 32 B H7), so no flash word is written twice
///   (ECC flash programs a word once per erase, RM0351 §3.3.7) and no write has
///   an odd length (STM32L476 ROM erratum, AN2606).
/// - Runs never cross a bank boundary.
/// - The sector holding the vector table is erased first and written last, so
///   an interrupted flash leaves no half application behind a valid vector table.
public struct FlashPlan: Sendable {
  /// One contiguous, padded write.
  public struct Run: Hashable, Sendable {
    public var address: UInt32
    public var data: [UInt8]
    public var end: UInt64 { UInt64(address) + UInt64(data.count) }
  }

  /// One sector the image touches.
  public struct Sector: Hashable, Sendable {
    public var sector: MemorySector
    /// Image bytes inside the sector.
    public var imageBytes: Int
    /// Bytes of the sector the image does not cover: erased unless preserved.
    public var bytesOutsideImage: Int
  }

  public let image: FirmwareImage
  public let map: MemoryMap
  public let chip: ChipProfile
  /// Touched sectors in address order.
  public let sectors: [Sector]
  /// Padded runs in address order (split at bank boundaries and at the end of the boot sector).
  public let runs: [Run]
  /// The sector with the vector table: erased first, written last.
  public let bootSector: MemorySector?
  public let flashWordSize: Int
  /// The value padding bytes get (the erased value of the family).
  public let padByte: UInt8

  /// Plans writing `image` into `map` on `chip`.
  /// - Throws: ``FlashPlanError`` when the image is empty or any byte lies
  ///   outside erasable-and-writable memory (the message names the address and
  ///   shows the segment map). Nothing has been sent to the device.
  public init(image: FirmwareImage, map: MemoryMap, chip: ChipProfile) throws(FlashPlanError) {
    guard !image.isEmpty else { throw .emptyImage }
    let needed: MemoryAccess = [.erasable, .writable]
    for s in image.segments {
      if let bad = map.firstUncoveredAddress(from: s.address, count: UInt64(s.bytes.count), requiring: needed) {
        throw .outsideMemory(firstBadAddress: bad, start: s.address, count: UInt64(s.bytes.count), needed: needed, map: map)
      }
    }
    self.image = image
    self.map = map
    self.chip = chip
    flashWordSize = max(8, chip.flashWordSize)
    padByte = chip.family.erasedByte

    var touched: [Sector] = []
    for s in image.segments {
      for sector in map.sectors(overlapping: s.address, count: UInt64(s.bytes.count)) {
        let from = max(UInt64(sector.address), UInt64(s.address)), to = min(sector.end, s.end)
        let covered = Int(to - from)
        if let i = touched.firstIndex(where: { $0.sector == sector }) {
          touched[i].imageBytes += covered
          touched[i].bytesOutsideImage -= covered
        } else {
          touched.append(Sector(sector: sector, imageBytes: covered, bytesOutsideImage: Int(sector.size) - covered))
        }
      }
    }
    let sorted = touched.sorted { $0.sector.address < $1.sector.address }
    sectors = sorted

    let flashBase = map.segments.first { $0.access.contains(.erasable) }?.start
    let lowest = image.lowestAddress!
    let boot = flashBase.flatMap { base in sorted.first { $0.sector.address == base }?.sector }
      ?? map.sector(containing: lowest)
    bootSector = boot
    var cuts = chip.bankBoundaries
    if let boot { cuts.append(UInt32(clamping: boot.end)) }
    runs = Self.paddedRuns(image, word: UInt64(flashWordSize), pad: padByte, cuts: cuts)
  }

  /// The image padded to flash words (``FirmwareImage/paddedToFlashWords(_:pad:)``), cut at `cuts`.
  static func paddedRuns(_ image: FirmwareImage, word: UInt64, pad: UInt8, cuts: [UInt32]) -> [Run] {
    var runs = image.paddedToFlashWords(Int(word), pad: pad).map { Run(address: $0.address, data: $0.bytes) }
    for cut in cuts.sorted() {
      runs = runs.flatMap { r -> [Run] in
        guard UInt64(cut) > UInt64(r.address), UInt64(cut) < r.end else { return [r] }
        let n = Int(cut - r.address)
        return [Run(address: r.address, data: Array(r.data[..<n])), Run(address: cut, data: Array(r.data[n...]))]
      }
    }
    return runs
  }

  /// Total bytes that erasing the touched sectors destroys outside the image.
  public var bytesErasedOutsideImage: Int { sectors.reduce(0) { $0 + $1.bytesOutsideImage } }

  /// Bytes programmed including padding.
  public var programmedBytes: Int { runs.reduce(0) { $0 + $1.data.count } }

  /// The errata that apply to this chip.
  public var errata: [Erratum] { chip.errata }
}
