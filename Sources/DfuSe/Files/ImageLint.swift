/// Checks that catch the field-notes §1.2 hazards before flashing: runs that are not
/// whole flash words, two segments sharing one flash word (ECC flash programs each
/// word once per erase), and gaps.
public enum ImageLint {
  public static func warnings(_ image: FirmwareImage, flashWordSize: Int = 8) -> [String] {
    let w = UInt64(max(1, flashWordSize))
    var out: [String] = []
    let segments = image.segments
    for (i, s) in segments.enumerated() {
      let range = "\(hex32(s.address))–\(hex32(UInt32(s.end - 1)))"
      if UInt64(s.address) % w != 0 || UInt64(s.bytes.count) % w != 0 {
        out.append("segment \(range) (\(s.bytes.count) bytes) is not whole \(w)-byte flash words; it will be padded with 0xFF")
      }
      if i + 1 < segments.count {
        let next = segments[i + 1]
        let gap = UInt64(next.address) - s.end
        if (s.end - 1) / w == UInt64(next.address) / w {
          out.append("segments \(range) and \(hex32(next.address))… share the \(w)-byte flash word at "
                     + "\(hex32(UInt32(UInt64(next.address) / w * w))); write them together (dfutui does), never one after the other")
        }
        out.append("gap of \(gap) bytes between \(hex32(UInt32(s.end - 1))) and \(hex32(next.address))")
      }
    }
    return out
  }
}
