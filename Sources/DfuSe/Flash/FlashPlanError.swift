/// Why a requested write, read or erase was refused before anything was sent
/// to the device.
public enum FlashPlanError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Nothing to write.
  case emptyImage
  /// Zero or negative length.
  case emptyRange
  /// The range runs past 0xFFFFFFFF.
  case addressOverflow(start: UInt32, count: UInt64)
  /// Part of the range is not in memory that allows `needed`.
  case outsideMemory(firstBadAddress: UInt64, start: UInt32, count: UInt64, needed: MemoryAccess, map: MemoryMap)

  public var description: String {
    switch self {
    case .emptyImage:
      return "the image is empty; nothing to write"
    case .emptyRange:
      return "the length must be at least 1 byte"
    case .addressOverflow(let start, let count):
      return "\(count) bytes at \(hex32(start)) run past the end of the 32-bit address space"
    case .outsideMemory(let bad, let start, let count, let needed, let map):
      let end = UInt64(start) + count - 1
      let what = needed.contains(.writable) ? "writable and erasable" : needed.contains(.readable) ? "readable" : "erasable"
      let badText = bad < 1 << 32 ? hex32(UInt32(bad)) : "0x100000000"
      let endText = end < 1 << 32 ? hex32(UInt32(end)) : "beyond 0xFFFFFFFF"
      return "\(hex32(start))–\(endText) is not all \(what) memory: \(badText) is outside \"\(map.name)\". "
        + "Nothing was sent to the device. The memory map is:\n  " + map.summary.joined(separator: "\n  ")
    }
  }
}
