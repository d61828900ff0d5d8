/// Write protection decoded from option bytes. DFU writes and erases of a
/// write-protected sector are silently skipped by the ROM (AN3156 Table 4,
/// stm32-dfu-facts §2.2): a write plan must say so before it starts.
extension OptionBytes {
  /// The sectors of `flashMap` (the "Internal Flash" alternate) that these
  /// option bytes write-protect, in map order. Empty when nothing is
  /// protected, or for a family whose protection encoding is not modelled.
  ///
  /// - F2/F4/F42x/F7: nWRP bit *i* = sector *i* in map order, 0 = protected
  ///   (RM0090 §3.6; F42x second block = sectors 12–23). With SPRMOD=1 the
  ///   bits are PCROP instead and nothing is write-protected.
  /// - F0/F1/F3: WRP bit *i* (0 = protected) covers 4 KiB from the flash base;
  ///   the last bit (WRP3 bit 7) covers the rest (RM0365 §5) [U F0 granularity].
  /// - L4/L4+/G4/WB: WRPxA/WRPxB page ranges STRT…END per bank (start > end:
  ///   off), bank 2 starting half-way through the flash on dual-bank parts (RM0351 §3.5.1).
  /// - H7: WRPSn1 bit *i* = bank 1 sector *i*, 0 = protected.
  /// - L0/L1: WRPROT1 bit *i* = sector *i*, 1 = protected (WPRMOD=0) [U].
  public func writeProtectedSectors(in flashMap: MemoryMap) -> [MemorySector] {
    let sectors = flashMap.sectors
    guard let base = sectors.first?.address else { return [] }
    let ranges = writeProtectedRanges(flashBase: base, flashBytes: sectors.reduce(UInt64(0)) { $0 + UInt64($1.size) },
                                      sectors: sectors)
    return sectors.filter { s in ranges.contains { r in UInt64(s.address) < r.upperBound && s.end > r.lowerBound } }
  }

  /// The protected byte ranges as `[start, end)` pairs.
  func writeProtectedRanges(flashBase: UInt32, flashBytes: UInt64, sectors: [MemorySector]) -> [Range<UInt64>] {
    func sectorRanges(_ mask: UInt32, bits: Int, activeLow: Bool, first: Int) -> [Range<UInt64>] {
      (0..<bits).compactMap { bit in
        let set = (mask >> UInt32(bit)) & 1 == 1
        guard set != activeLow, sectors.indices.contains(first + bit) else { return nil }
        let s = sectors[first + bit]
        return UInt64(s.address)..<s.end
      }
    }
    let base = UInt64(flashBase)
    switch family {
    case .f2f4, .f42x, .f7:
      if value(of: "SPRMOD") == 1 { return [] }
      var r: [Range<UInt64>] = []
      if let m = value(of: "nWRP") { r += sectorRanges(m, bits: family == .f7 ? 8 : 12, activeLow: true, first: 0) }
      if let m = value(of: "nWRP2") { r += sectorRanges(m, bits: 12, activeLow: true, first: 12) }
      return r
    case .h7:
      return value(of: "WRPSn1").map { sectorRanges($0, bits: 8, activeLow: true, first: 0) } ?? []
    case .l0l1:
      if value(of: "WPRMOD") == 1 { return [] }
      let lo = value(of: "WRPROT1_LO") ?? 0, hi = value(of: "WRPROT1_HI") ?? 0
      return sectorRanges(lo | hi << 16, bits: 32, activeLow: false, first: 0)
    case .f0f3, .f1:
      var mask: UInt32 = 0
      for (i, name) in ["WRP0", "WRP1", "WRP2", "WRP3"].enumerated() {
        mask |= (value(of: name) ?? 0xFF) << UInt32(8 * i)
      }
      let unit: UInt64 = 4096
      return (0..<32).compactMap { bit -> Range<UInt64>? in
        guard (mask >> UInt32(bit)) & 1 == 0 else { return nil }
        let start = base + UInt64(bit) * unit
        let end = bit == 31 ? base + flashBytes : min(start + unit, base + flashBytes)
        return start < end ? start..<end : nil
      }
    case .l4, .l47x, .l49x, .l4DualBank, .l4Undecided, .l4Plus, .g4, .wb, .g0:
      let page = UInt64(sectors.first?.size ?? 2048)
      let dual = [.l47x, .l49x, .l4DualBank, .l4Undecided].contains(family) && (value(of: "DUALBANK") ?? 1) == 1
      let bankBytes = dual ? flashBytes / 2 : flashBytes
      var r: [Range<UInt64>] = []
      for bank in [1, 2] {
        let bankBase = base + UInt64(bank - 1) * bankBytes
        for area in ["A", "B"] {
          guard let start = value(of: "WRP\(bank)\(area)_STRT"), let end = value(of: "WRP\(bank)\(area)_END"),
                start <= end else { continue }
          let lo = bankBase + UInt64(start) * page, hi = min(bankBase + UInt64(end + 1) * page, base + flashBytes)
          if lo < hi { r.append(lo..<hi) }
        }
      }
      return r
    }
  }
}
