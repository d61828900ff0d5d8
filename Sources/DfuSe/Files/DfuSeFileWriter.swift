/// Writes DfuSe files (UM0391; stm32-dfu-facts §6) that dfu-util, DfuSe Demo and
/// STM32CubeProgrammer accept, with every element padded to whole flash words
/// (field-notes §1.2: DFU File Manager does not pad, which breaks STM32L476 ROMs).
///
/// DFUImageSize is written as the whole file length (UM0391's text, dfuse-pack.py).
public enum DfuSeFileWriter {
  /// The flash word (bytes) of a family name, or nil if unknown (stm32-dfu-facts §4,
  /// field-notes §1.2): 8 for F0–F7/L4/G0/G4/WB/L5, 16 for U5/H7A3/H7B3, 32 for H7.
  public static func flashWordSize(family: String) -> Int? {
    ChipFamily(partName: family)?.flashWordSize
  }

  /// The file bytes and notices (padding added). Each target's segments become its
  /// elements after padding each to whole `flashWordSize`-byte words with 0xFF
  /// (segments that would then share a word are joined into one element).
  /// - Throws: ``FileFormatError/cannotWrite(what:reason:advice:)`` for more than 255
  ///   targets, names longer than 254 bytes, or an empty image.
  public static func encode(_ targets: [FirmwareTarget], suffix: DFUSuffix = DFUSuffix(),
                            flashWordSize: Int = 8) throws(FileFormatError) -> (bytes: [UInt8], notices: [String]) {
    guard !targets.isEmpty, targets.count <= 255 else {
      throw .cannotWrite(what: "the DfuSe file", reason: "\(targets.count) targets (1 to 255 are possible)",
                         advice: "Give one image per alternate setting")
    }
    let word = max(1, flashWordSize)
    var notices: [String] = []
    var out: [UInt8] = Array("DfuSe".utf8) + [1, 0, 0, 0, 0, UInt8(targets.count)]
    for (t, target) in targets.enumerated() {
      let nameBytes = Array((target.name ?? "").utf8)
      guard nameBytes.count <= 254 else {
        throw .cannotWrite(what: "the DfuSe file", reason: "target name \"\(target.name ?? "")\" is \(nameBytes.count) bytes long",
                           advice: "Use a name of at most 254 bytes")
      }
      let elements = target.image.paddedToFlashWords(word)
      guard !elements.isEmpty else {
        throw .cannotWrite(what: "the DfuSe file", reason: "target \(t) has no data", advice: "Give a non-empty image")
      }
      let padding = elements.reduce(0) { $0 + $1.bytes.count } - target.image.byteCount
      if padding > 0 {
        notices.append("target \(t): padded with \(padding) bytes of 0xFF to whole \(word)-byte flash words"
                       + (word == 8 ? " (the default; use --family for H7/U5)" : ""))
      }
      out += Array("Target".utf8)
      out.append(target.alternateSetting ?? 0)
      appendLE32(&out, target.name == nil ? 0 : 1)
      out += nameBytes + [UInt8](repeating: 0, count: 255 - nameBytes.count)
      let targetSize = elements.reduce(UInt64(0)) { $0 + 8 + UInt64($1.bytes.count) }
      guard targetSize <= UInt64(UInt32.max) else {
        throw .cannotWrite(what: "the DfuSe file", reason: "target \(t) holds more than 4 GiB", advice: "Split the image")
      }
      appendLE32(&out, UInt32(targetSize))
      appendLE32(&out, UInt32(elements.count))
      out.reserveCapacity(out.count + Int(targetSize) + 16)
      for element in elements {
        appendLE32(&out, element.address)
        appendLE32(&out, UInt32(element.bytes.count))
        out += element.bytes
      }
    }
    let total = UInt32(truncatingIfNeeded: out.count + DFUSuffix.length)
    out[6] = UInt8(total & 0xFF); out[7] = UInt8(total >> 8 & 0xFF); out[8] = UInt8(total >> 16 & 0xFF); out[9] = UInt8(total >> 24)
    var s = suffix
    s.bcdDFU = DFUSuffix.dfuseVersion
    s.append(to: &out)
    return (out, notices)
  }
}
