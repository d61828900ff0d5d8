/// A sparse firmware image: address-sorted, non-overlapping, merged segments,
/// each remembering where its bytes came from. Every file reader produces one;
/// the flash planner consumes it.
///
/// Adding bytes that overlap existing ones is an error naming both sources,
/// unless the bytes are identical (then they merge). An image never wraps past
/// 0xFFFFFFFF.
public struct FirmwareImage: Hashable, Sendable {
  /// Sorted by address; no two overlap or touch (touching segments are merged).
  public private(set) var segments: [ImageSegment] = []
  /// The entry point a file declared (HEX type 05/03, S7/S8/S9, ELF e_entry), if any.
  public var entryPoint: UInt32?

  public init() {}

  /// One segment at `address`.
  public init(bytes: [UInt8], at address: UInt32, origin: ImageOrigin) throws(ImageError) {
    try add(bytes, at: address, origin: origin)
  }

  /// Total bytes of data (not counting gaps).
  public var byteCount: Int { segments.reduce(0) { $0 + $1.bytes.count } }
  public var isEmpty: Bool { segments.isEmpty }
  public var lowestAddress: UInt32? { segments.first?.address }
  /// One past the last byte.
  public var endAddress: UInt64? { segments.last?.end }

  /// Adds `bytes` at `address`.
  /// - Throws: ``ImageError/addressOverflow(address:count:origin:)`` past 4 GiB,
  ///   ``ImageError/overlap(address:existing:new:)`` when different bytes are
  ///   already there.
  public mutating func add(_ bytes: [UInt8], at address: UInt32, origin: ImageOrigin) throws(ImageError) {
    try add(bytes, at: address, origin: origin, lastLocation: nil)
  }

  /// Adds `bytes` that came from several consecutive records of one file
  /// (`origin` is the first, `lastLocation` the last), as the file readers do.
  mutating func add(_ bytes: [UInt8], at address: UInt32, origin: ImageOrigin,
                    lastLocation: ImageOrigin.Location?) throws(ImageError) {
    guard !bytes.isEmpty else { return }
    let end = UInt64(address) + UInt64(bytes.count)
    guard end <= 1 << 32 else { throw .addressOverflow(address: address, count: bytes.count, origin: origin) }
    // Fast path: appending right after the last segment (how HEX/S-record files are laid out).
    if let last = segments.last, last.end == UInt64(address) {
      segments[segments.count - 1].append(bytes, origin: origin, lastLocation: lastLocation)
      return
    }
    if segments.last.map({ $0.end < UInt64(address) }) ?? true {
      segments.append(ImageSegment(address: address, bytes: bytes,
                                   pieces: [ImagePiece(address: address, count: bytes.count, origin: origin,
                                                       lastLocation: lastLocation)]))
      return
    }
    try insert(bytes, at: address, end: end, origin: origin, lastLocation: lastLocation)
  }

  /// Adds every segment of `other`.
  public mutating func merge(_ other: FirmwareImage) throws(ImageError) {
    for segment in other.segments {
      for piece in segment.pieces {
        let offset = Int(piece.address - segment.address)
        try add(Array(segment.bytes[offset..<(offset + piece.count)]), at: piece.address, origin: piece.origin,
                lastLocation: piece.lastLocation)
      }
    }
    if entryPoint == nil { entryPoint = other.entryPoint }
  }

  /// The byte at `address`, or nil in a gap.
  public func byte(at address: UInt32) -> UInt8? {
    guard let i = segmentIndex(containing: address) else { return nil }
    return segments[i].bytes[Int(address - segments[i].address)]
  }

  /// Index of the segment containing `address` (binary search).
  public func segmentIndex(containing address: UInt32) -> Int? {
    var lo = 0, hi = segments.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if segments[mid].end <= UInt64(address) { lo = mid + 1 } else { hi = mid }
    }
    return lo < segments.count && segments[lo].address <= address ? lo : nil
  }

  /// Adds bytes that overlap or touch existing segments. Only the touched segments are
  /// visited (found by binary search), identical overlaps add no piece, and a run that
  /// extends the last segment grows it in place, so a reader adding its runs in address
  /// order stays O(n log n) however many records repeat or overlap (issue 12).
  private mutating func insert(_ bytes: [UInt8], at address: UInt32, end: UInt64, origin: ImageOrigin,
                               lastLocation: ImageOrigin.Location?) throws(ImageError) {
    let begin = UInt64(address)
    // Touched segments: lo ..< hi, those overlapping or touching [begin, end).
    let lo = firstIndex { $0.end >= begin }
    let hi = firstIndex { UInt64($0.address) > end }
    // Check the overlapped bytes first: identical bytes may merge, different ones may not.
    for i in lo..<hi {
      let s = segments[i]
      let from = max(begin, UInt64(s.address)), to = min(end, s.end)
      guard from < to else { continue }
      let base = Int(UInt64(s.address)), offset = Int(begin)
      for a in Int(from)..<Int(to) where s.bytes[a - base] != bytes[a - offset] {
        throw .overlap(address: UInt32(a), existing: s.piece(containing: UInt32(a)), new: origin)
      }
    }
    func piece(_ from: UInt64, _ to: UInt64) -> ImagePiece {
      ImagePiece(address: UInt32(from), count: Int(to - from), origin: origin, lastLocation: lastLocation)
    }
    guard lo < hi else {
      segments.insert(ImageSegment(address: address, bytes: bytes, pieces: [piece(begin, end)]), at: lo)
      return
    }
    // Take the first touched segment out (no copy of its bytes), then grow it.
    var merged = ImageSegment(address: 0, bytes: [], pieces: [])
    swap(&merged, &segments[lo])
    if begin < UInt64(merged.address) {
      let head = Int(UInt64(merged.address) - begin)
      merged.bytes.insert(contentsOf: bytes[..<head], at: 0)
      merged.pieces.insert(piece(begin, UInt64(merged.address)), at: 0)
      merged.address = address
    }
    for i in (lo + 1)..<hi {
      let next = segments[i]
      if merged.end < UInt64(next.address) {  // the new bytes bridge the gap
        merged.pieces.append(piece(merged.end, UInt64(next.address)))
        merged.bytes += bytes[Int(merged.end - begin)..<Int(UInt64(next.address) - begin)]
      }
      merged.bytes += next.bytes
      merged.pieces += next.pieces
    }
    if merged.end < end {
      merged.pieces.append(piece(merged.end, end))
      merged.bytes += bytes[Int(merged.end - begin)...]
    }
    segments[lo] = merged
    if hi - lo > 1 { segments.removeSubrange((lo + 1)..<hi) }
  }

  /// The first segment index where `predicate` holds (it must be false, then true, along the array).
  private func firstIndex(where predicate: (ImageSegment) -> Bool) -> Int {
    var lo = 0, hi = segments.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if predicate(segments[mid]) { hi = mid } else { lo = mid + 1 }
    }
    return lo
  }
}

/// One contiguous run of image bytes.
public struct ImageSegment: Hashable, Sendable {
  public var address: UInt32
  public var bytes: [UInt8]
  /// The sources that make up the run, in address order.
  public var pieces: [ImagePiece]

  public init(address: UInt32, bytes: [UInt8], origin: ImageOrigin) {
    self.address = address
    self.bytes = bytes
    pieces = [ImagePiece(address: address, count: bytes.count, origin: origin)]
  }

  init(address: UInt32, bytes: [UInt8], pieces: [ImagePiece]) {
    self.address = address
    self.bytes = bytes
    self.pieces = pieces
  }

  /// One past the last byte.
  public var end: UInt64 { UInt64(address) + UInt64(bytes.count) }

  /// The piece holding `address` (for error messages).
  public func piece(containing address: UInt32) -> ImagePiece {
    pieces.last { $0.address <= address } ?? pieces.first
      ?? ImagePiece(address: self.address, count: bytes.count, origin: ImageOrigin(file: "?", location: .offset(0)))
  }

  mutating func append(_ more: [UInt8], origin: ImageOrigin, lastLocation: ImageOrigin.Location? = nil) {
    let at = UInt32(end)
    bytes.append(contentsOf: more)
    if var last = pieces.last, last.origin.file == origin.file, UInt64(last.address) + UInt64(last.count) == UInt64(at) {
      last.count += more.count
      last.lastLocation = lastLocation ?? origin.location
      pieces[pieces.count - 1] = last
    } else {
      pieces.append(ImagePiece(address: at, count: more.count, origin: origin, lastLocation: lastLocation))
    }
  }
}

/// Why bytes could not be added to an image.
public enum ImageError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Different bytes for the same address from two places.
  case overlap(address: UInt32, existing: ImagePiece, new: ImageOrigin)
  /// Data that would run past 0xFFFFFFFF.
  case addressOverflow(address: UInt32, count: Int, origin: ImageOrigin)

  public var description: String {
    switch self {
    case .overlap(let address, let existing, let new):
      return "\(new) puts different data at \(hex32(address)), which \(existing.sourceDescription) already fills. "
        + "Fix the linker script or the build so each address is written once"
    case .addressOverflow(let address, let count, let origin):
      return "\(origin): \(count) bytes at \(hex32(address)) run past the end of the 32-bit address space"
    }
  }
}
