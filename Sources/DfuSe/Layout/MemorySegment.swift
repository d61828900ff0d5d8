/// A run of equal-size sectors with the same access, starting at `start`:
/// one `NN*SSS<mult><type>` item of a DfuSe memory map.
public struct MemorySegment: Hashable, Sendable {
  public var start: UInt32
  public var sectorSize: UInt32
  public var sectorCount: Int
  public var access: MemoryAccess

  public init(start: UInt32, sectorSize: UInt32, sectorCount: Int, access: MemoryAccess) {
    self.start = start
    self.sectorSize = sectorSize
    self.sectorCount = sectorCount
    self.access = access
  }

  /// Bytes covered.
  public var byteCount: UInt64 { UInt64(sectorSize) * UInt64(sectorCount) }
  /// One past the last byte (64-bit so a segment ending at 4 GiB is representable).
  public var end: UInt64 { UInt64(start) + byteCount }

  public func contains(_ address: UInt32) -> Bool { UInt64(address) >= UInt64(start) && UInt64(address) < end }

  /// The sector holding `address`, if inside this segment.
  public func sector(containing address: UInt32) -> MemorySector? {
    guard contains(address) else { return nil }
    let index = Int((UInt64(address) - UInt64(start)) / UInt64(sectorSize))
    return MemorySector(address: start + UInt32(index) * sectorSize, size: sectorSize, access: access)
  }
}

/// One erasable unit: a page or sector.
public struct MemorySector: Hashable, Sendable, CustomStringConvertible {
  public var address: UInt32
  public var size: UInt32
  public var access: MemoryAccess

  public init(address: UInt32, size: UInt32, access: MemoryAccess) {
    self.address = address
    self.size = size
    self.access = access
  }

  public var end: UInt64 { UInt64(address) + UInt64(size) }
  public var description: String { "\(hex32(address)) (\(formatByteCount(UInt64(size))))" }
}

/// `16 KiB`, `2 MiB`, `528 B`: sizes as people read them.
public func formatByteCount(_ n: UInt64) -> String {
  if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
  if n >= 1 << 10, n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
  return "\(n) B"
}
