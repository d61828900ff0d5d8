/// Follows a job's progress events, so that when the link fails the job can
/// say how far each phase got.
struct ProgressTrail {
  private(set) var last: OperationProgress?
  /// Start addresses of the sectors whose erase completed, in order.
  private(set) var erased: [UInt32] = []
  private(set) var written = 0
  private(set) var writeTotal = 0
  private(set) var writeReached: UInt32?

  mutating func record(_ p: OperationProgress) {
    last = p
    switch p.phase {
    case .erase:
      if let a = p.reachedAddress, erased.last != a, p.completedBytes > 0 { erased.append(a) }
    case .write:
      written = p.completedBytes
      writeTotal = p.totalBytes
      if p.completedBytes > 0 { writeReached = p.reachedAddress }
    default: break
    }
  }

  /// "sectors 0x08000000–0x0800BFFF erased, 40 KiB of 64 KiB written (up to 0x0800A000)".
  func flashState(map: MemoryMap) -> String {
    let sectors = erased.compactMap { map.sector(containing: $0) }.sorted { $0.address < $1.address }
    var ranges: [(UInt32, UInt64)] = []
    for s in sectors {
      if let r = ranges.last, r.1 == UInt64(s.address) { ranges[ranges.count - 1].1 = s.end } else { ranges.append((s.address, s.end)) }
    }
    if ranges.isEmpty && written == 0 { return "nothing was erased or written" }
    var parts: [String] = []
    if !ranges.isEmpty {
      let list = ranges.map { "\(hex32($0.0))–\(hex32(UInt32($0.1 - 1)))" }.joined(separator: ", ")
      parts.append("sector\(sectors.count == 1 ? "" : "s") \(list) erased")
    }
    var w = "\(Self.size(written)) of \(Self.size(writeTotal)) written"
    if let writeReached { w += " (up to \(hex32(writeReached)))" }
    parts.append(written == 0 ? "nothing written yet" : w)
    return parts.joined(separator: ", ")
  }

  static func size(_ bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) bytes" }
    if bytes % 1024 == 0 { return "\(bytes / 1024) KiB" }
    let tenths = bytes * 10 / 1024
    return tenths % 10 == 0 ? "\(tenths / 10) KiB" : "\(tenths / 10).\(tenths % 10) KiB"
  }
}
