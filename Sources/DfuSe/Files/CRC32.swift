/// CRC-32 (reflected polynomial 0xEDB88320), slicing-by-8 for speed.
///
/// ``checksum(_:)`` is the usual zlib/PNG CRC32; the DFU suffix `dwCRC` is its
/// complement (init 0xFFFFFFFF, no final XOR; stm32-dfu-facts §6).
public enum CRC32 {
  /// Eight 256-entry tables, one after the other (table k at k × 256).
  static let table: [UInt32] = {
    var t = [UInt32](repeating: 0, count: 8 * 256)
    for i in 0..<256 {
      var c = UInt32(i)
      for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
      t[i] = c
    }
    for k in 1..<8 {
      for i in 0..<256 { t[k * 256 + i] = (t[(k - 1) * 256 + i] >> 8) ^ t[Int(t[(k - 1) * 256 + i] & 0xFF)] }
    }
    return t
  }()

  /// Continues a raw (un-complemented) CRC register over `bytes`.
  static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var c = crc
    return table.withUnsafeBufferPointer { t in
      var i = 0
      let n = bytes.count
      while i + 8 <= n {
        let lo = c ^ (UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int(lo >> 8 & 0xFF)]
          ^ t[5 * 256 + Int(lo >> 16 & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
          ^ t[3 * 256 + Int(bytes[i + 4])] ^ t[2 * 256 + Int(bytes[i + 5])]
          ^ t[1 * 256 + Int(bytes[i + 6])] ^ t[Int(bytes[i + 7])]
        i += 8
      }
      while i < n {
        c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
        i += 1
      }
      return c
    }
  }

  /// The standard CRC32 (zlib `crc32`) of `bytes`.
  public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
    let raw: UInt32? = bytes.withContiguousStorageIfAvailable { update(0xFFFF_FFFF, UnsafeRawBufferPointer($0)) }
    if let raw { return ~raw }
    return Array(bytes).withUnsafeBytes { ~update(0xFFFF_FFFF, $0) }
  }

  /// The DFU suffix CRC of `bytes` (everything but the file's last 4 bytes).
  public static func dfuCRC<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
    ~checksum(bytes)
  }
}
