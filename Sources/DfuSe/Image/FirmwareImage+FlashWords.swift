/// Flash-word padding, shared by the flash planner and the `.dfu` writer.
extension FirmwareImage {
  /// The image's segments widened to whole `word`-byte flash words and filled
  /// with `pad`; segments whose words touch or share a word are joined, so no
  /// word appears twice (ECC flash programs a word once per erase, RM0351
  /// §3.3.7; the STM32L476 ROM corrupts unaligned writes, AN2606).
  public func paddedToFlashWords(_ word: Int, pad: UInt8 = 0xFF) -> [(address: UInt32, bytes: [UInt8])] {
    var result: [(address: UInt32, bytes: [UInt8])] = []
    let w = UInt64(max(1, word))
    for segment in segments {
      let start = UInt64(segment.address) / w * w
      let end = min((segment.end + w - 1) / w * w, 1 << 32)
      if var last = result.last, UInt64(last.address) + UInt64(last.bytes.count) >= start {
        let lastEnd = UInt64(last.address) + UInt64(last.bytes.count)
        last.bytes += [UInt8](repeating: pad, count: Int(end - lastEnd))
        let o = Int(UInt64(segment.address) - UInt64(last.address))
        last.bytes.replaceSubrange(o..<(o + segment.bytes.count), with: segment.bytes)
        result[result.count - 1] = last
        continue
      }
      var bytes = [UInt8](repeating: pad, count: Int(end - start))
      let o = Int(UInt64(segment.address) - start)
      bytes.replaceSubrange(o..<(o + segment.bytes.count), with: segment.bytes)
      result.append((UInt32(start), bytes))
    }
    return result
  }
}
