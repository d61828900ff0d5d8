/// Writes images as Intel HEX or raw binary (stm32-dfu-facts §7).
public enum ImageExport {
  /// Intel HEX: 16 data bytes per record, an 04 record whenever the upper 16 address
  /// bits change (records never cross a 64 KiB boundary), 05 for the entry point, 01 at the end.
  public static func intelHex(_ image: FirmwareImage) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(image.byteCount * 45 / 16 + 64)
    var upper: UInt32? = nil
    func record(_ type: UInt8, _ offset: UInt16, _ data: ArraySlice<UInt8>) {
      var sum = UInt8(truncatingIfNeeded: data.count) &+ UInt8(offset >> 8) &+ UInt8(offset & 0xFF) &+ type
      out.append(UInt8(ascii: ":"))
      appendHex(&out, UInt8(data.count)); appendHex(&out, UInt8(offset >> 8)); appendHex(&out, UInt8(offset & 0xFF))
      appendHex(&out, type)
      for b in data { appendHex(&out, b); sum &+= b }
      appendHex(&out, 0 &- sum)
      out.append(0x0A)
    }
    for segment in image.segments {
      var i = 0
      while i < segment.bytes.count {
        let address = segment.address + UInt32(i)
        if upper != address >> 16 {
          upper = address >> 16
          record(0x04, 0, [UInt8(address >> 24), UInt8(address >> 16 & 0xFF)])
        }
        let room = 0x10000 - Int(address & 0xFFFF)
        let n = min(16, segment.bytes.count - i, room)
        record(0x00, UInt16(address & 0xFFFF), segment.bytes[i..<(i + n)])
        i += n
      }
    }
    if let e = image.entryPoint {
      record(0x05, 0, [UInt8(e >> 24), UInt8(e >> 16 & 0xFF), UInt8(e >> 8 & 0xFF), UInt8(e & 0xFF)])
    }
    record(0x01, 0, [])
    return out
  }

  /// The image as one raw binary from its lowest address, gaps filled with `fill`.
  /// - Throws: ``FileFormatError/cannotWrite(what:reason:advice:)`` when empty or when
  ///   the span (with gaps) is larger than `maxSpan`.
  public static func binary(_ image: FirmwareImage, fill: UInt8 = 0xFF,
                            maxSpan: Int = 256 << 20) throws(FileFormatError) -> (bytes: [UInt8], address: UInt32, gapBytes: Int) {
    guard let low = image.lowestAddress, let end = image.endAddress else {
      throw .cannotWrite(what: "a .bin", reason: "the image is empty", advice: "Give a file with data")
    }
    let span = end - UInt64(low)
    guard span <= UInt64(maxSpan) else {
      throw .cannotWrite(what: "a .bin", reason: "the image spans \(span) bytes from \(hex32(low)) (its segments are far apart)",
                         advice: "Write .hex or .dfu instead, which keep the gaps out of the file")
    }
    var out = [UInt8](repeating: fill, count: Int(span))
    for s in image.segments {
      let o = Int(s.address - low)
      out.replaceSubrange(o..<(o + s.bytes.count), with: s.bytes)
    }
    return (out, low, Int(span) - image.byteCount)
  }

  private static let digits = Array("0123456789ABCDEF".utf8)
  @inline(__always) private static func appendHex(_ out: inout [UInt8], _ b: UInt8) {
    out.append(digits[Int(b >> 4)])
    out.append(digits[Int(b & 0xF)])
  }
}
