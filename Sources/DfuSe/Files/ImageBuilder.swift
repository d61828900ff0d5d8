/// Collects the data records of one file into runs (consecutive records at
/// consecutive addresses) and turns them into a ``FirmwareImage`` in address
/// order, so that files with records in any order build in O(n log n) and
/// a 1 MB HEX file becomes one segment with one copy of its bytes.
struct ImageBuilder {
  struct Run {
    var address: UInt32
    var bytes: [UInt8]
    var first: ImageOrigin.Location
    var last: ImageOrigin.Location
    var end: UInt64 { UInt64(address) + UInt64(bytes.count) }
  }

  let file: String
  private(set) var runs: [Run] = []
  private var current: Run?
  var entryPoint: UInt32?

  init(file: String) { self.file = file }

  /// Adds one record's bytes.
  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, at address: UInt64, location: ImageOrigin.Location)
    throws(FileFormatError)
  {
    guard !bytes.isEmpty else { return }
    guard address + UInt64(bytes.count) <= 1 << 32 else {
      throw .image(.addressOverflow(address: UInt32(truncatingIfNeeded: address), count: bytes.count,
                                    origin: ImageOrigin(file: file, location: location)))
    }
    if current != nil, current!.end == address {
      current!.bytes.append(contentsOf: bytes)
      current!.last = location
      return
    }
    if let run = current { runs.append(run) }
    current = Run(address: UInt32(address), bytes: Array(bytes), first: location, last: location)
  }

  /// Ends the current run, so the next bytes start a new origin even if contiguous
  /// (each DfuSe element keeps its own origin, for `info`'s lint).
  mutating func breakRun() {
    if let run = current { runs.append(run); current = nil }
  }

  /// The image (runs sorted by address, stable), or the overlap/overflow error.
  mutating func finish() throws(FileFormatError) -> FirmwareImage {
    if let run = current { runs.append(run); current = nil }
    var sorted = true
    for i in runs.indices.dropFirst() where runs[i].address < runs[i - 1].address { sorted = false; break }
    if !sorted {
      runs = runs.enumerated().sorted { ($0.element.address, $0.offset) < ($1.element.address, $1.offset) }.map(\.element)
    }
    var image = FirmwareImage()
    image.entryPoint = entryPoint
    do throws(ImageError) {
      for i in runs.indices {
        let run = runs[i]
        runs[i].bytes = []  // hand the only reference to the image: no second copy of the data
        try image.add(run.bytes, at: run.address, origin: ImageOrigin(file: file, location: run.first),
                      lastLocation: run.first == run.last ? nil : run.last)
      }
    } catch {
      throw .image(error)
    }
    runs = []
    return image
  }
}
