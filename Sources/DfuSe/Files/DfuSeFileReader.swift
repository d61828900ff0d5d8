/// Reads DfuSe files (UM0391; stm32-dfu-facts §6): the 11-byte prefix, then per
/// target a 274-byte target prefix and its elements, then the 16-byte suffix with
/// bcdDFU 0x011A and the CRC. Also reads plain DFU files (data + suffix).
///
/// Both DFUImageSize conventions (whole file, or file without suffix) are accepted;
/// any other value is reported as a notice, since dfu-util ignores the field.
public enum DfuSeFileReader {
  static let prefixSize = 11
  static let targetPrefixSize = 274
  /// Unaligned elements named one by one; past this, one summary (a file of 64,000 elements
  /// must not print 64,000 lines).
  static let maxElementNotices = 8

  public static func read(_ bytes: [UInt8], file: String) throws(FileFormatError) -> LoadedFirmware {
    var notices: [String] = []
    var unaligned = 0  // elements that are not whole 8-byte words: the first few get a notice each
    let n = bytes.count
    guard n >= prefixSize + DFUSuffix.length else {
      throw .truncated(file: file, at: .offset(n), expected: "an 11-byte DfuSe prefix and a 16-byte suffix")
    }
    guard bytes.starts(with: Array("DfuSe".utf8)) else {
      throw .malformed(file: file, at: .offset(0), expected: "the signature \"DfuSe\"", found: "other bytes")
    }
    guard bytes[5] == 1 else {
      throw .malformed(file: file, at: .offset(5), expected: "bVersion 0x01", found: hex8(bytes[5]))
    }
    guard let suffix = DFUSuffix(endOf: bytes) else {
      throw .malformed(file: file, at: .offset(n - 16), expected: "a DFU suffix (\"UFD\" signature, bLength 16) at the end",
                       found: "other bytes; the file is truncated or not a DfuSe file")
    }
    try DFUSuffix.verifyCRC(of: bytes, file: file)
    if suffix.bcdDFU != DFUSuffix.dfuseVersion {
      notices.append("\(file): bcdDFU is \(hex16(suffix.bcdDFU)) in the suffix; DfuSe files use 011a")
    }
    let imageSize = Int(readLE32(bytes, 6))
    if imageSize != n && imageSize != n - DFUSuffix.length {
      notices.append("\(file): DFUImageSize says \(imageSize) bytes but the file has \(n) (\(n - 16) without the suffix); ignored")
    }
    let targetCount = Int(bytes[10])
    let end = n - DFUSuffix.length
    var at = prefixSize
    var targets: [FirmwareTarget] = []
    for t in 0..<targetCount {
      guard at + targetPrefixSize <= end else {
        throw .truncated(file: file, at: .offset(at), expected: "the 274-byte prefix of target \(t) of \(targetCount) (bTargets)")
      }
      guard bytes[at..<(at + 6)].elementsEqual("Target".utf8) else {
        throw .malformed(file: file, at: .offset(at), expected: "the signature \"Target\" of target \(t)", found: "other bytes")
      }
      let alt = bytes[at + 6]
      let named = readLE32(bytes, at + 7) != 0
      let nameBytes = bytes[(at + 11)..<(at + 266)].prefix { $0 != 0 }
      let name = named ? String(decoding: nameBytes, as: UTF8.self) : nil
      let targetSize = UInt64(readLE32(bytes, at + 266))
      let elementCount = UInt64(readLE32(bytes, at + 270))
      at += targetPrefixSize
      let targetStart = at
      guard targetSize <= UInt64(end - at) else {
        throw .truncated(file: file, at: .offset(at - 8), expected: "\(targetSize) bytes of target \(t) (dwTargetSize), "
                         + "but only \(end - at) remain before the suffix")
      }
      guard elementCount <= targetSize / 8 else {
        throw .malformed(file: file, at: .offset(at - 4), expected: "at most \(targetSize / 8) elements in \(targetSize) bytes",
                         found: "dwNbElements \(elementCount)")
      }
      var builder = ImageBuilder(file: file)
      for e in 0..<Int(elementCount) {
        guard at + 8 <= end else {
          throw .truncated(file: file, at: .offset(at), expected: "the header of target \(t) element \(e)")
        }
        let address = UInt64(readLE32(bytes, at)), size = Int(readLE32(bytes, at + 4))
        guard size <= end - at - 8 else {
          throw .truncated(file: file, at: .offset(at + 4), expected: "\(size) bytes of target \(t) element \(e) (dwElementSize), "
                           + "but only \(end - at - 8) remain before the suffix")
        }
        try bytes.withUnsafeBufferPointer { (all) throws(FileFormatError) in
          try builder.append(UnsafeBufferPointer(rebasing: all[(at + 8)..<(at + 8 + size)]), at: address,
                             location: .element(target: t, element: e))
        }
        builder.breakRun()
        at += 8 + size
        if size % 8 != 0 || address % 8 != 0 {
          unaligned += 1
          guard unaligned <= maxElementNotices else { continue }
          notices.append("\(file) target \(t) element \(e): \(size) bytes at \(hex32(UInt32(address))) "
                         + (address % 8 != 0 ? "do not start on an 8-byte flash word" : "are not a multiple of 8")
                         + "; STM32L4/G4 ROMs corrupt such writes (AN2606). dfutui pads them; `dfutui convert` writes a padded file")
        }
      }
      guard at - targetStart == Int(targetSize) else {
        throw .malformed(file: file, at: .offset(targetStart - 8), expected: "dwTargetSize \(targetSize) = the size of its "
                         + "\(elementCount) elements", found: "\(at - targetStart) bytes of elements")
      }
      targets.append(FirmwareTarget(alternateSetting: alt, name: name, image: try builder.finish()))
    }
    guard at == end else {
      throw .malformed(file: file, at: .offset(at), expected: "the DFU suffix after \(targetCount) targets (bTargets)",
                       found: "\(end - at) more bytes")
    }
    if unaligned > maxElementNotices {
      notices.append("\(file): \(unaligned - maxElementNotices) more elements are not whole 8-byte flash words "
                     + "(\(unaligned) in all); dfutui pads them")
    }
    guard targets.contains(where: { !$0.image.isEmpty }) else { throw .noData(file: file) }
    return LoadedFirmware(format: .dfuse, targets: targets, suffix: suffix, notices: notices)
  }

  /// A plain DFU file: everything before the suffix is raw data for `address`.
  public static func readPlain(_ bytes: [UInt8], file: String, address: UInt32?) throws(FileFormatError) -> LoadedFirmware {
    guard let suffix = DFUSuffix(endOf: bytes) else {
      throw .malformed(file: file, at: .offset(max(0, bytes.count - 16)), expected: "a DFU suffix", found: "other bytes")
    }
    try DFUSuffix.verifyCRC(of: bytes, file: file)
    guard let address else { throw .needsAddress(file: file, format: .plainDFU) }
    let data = Array(bytes[..<(bytes.count - DFUSuffix.length)])
    guard !data.isEmpty else { throw .noData(file: file) }
    do throws(ImageError) {
      let image = try FirmwareImage(bytes: data, at: address, origin: ImageOrigin(file: file, location: .offset(0)))
      return LoadedFirmware(format: .plainDFU, targets: [FirmwareTarget(image: image)], suffix: suffix,
                            notices: ["\(file): plain DFU file (no DfuSe prefix); its \(data.count) bytes go to \(hex32(address))"])
    } catch {
      throw .image(error)
    }
  }
}
