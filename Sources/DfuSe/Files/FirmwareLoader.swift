/// The one entry point for reading firmware files: detects the format from the
/// content (the extension only breaks ties) and runs the right reader
/// (stm32-dfu-facts §6–§7).
public enum FirmwareLoader {
  /// Detects the format from content: "DfuSe" prefix, ELF magic, ':' + hex digits,
  /// 'S' + digit + hex digits, a DFU suffix ("UFD", bLength 16); then the extension
  /// (.hex/.ihx, .srec/.s19/.s28/.s37/.mot, .elf/.axf, .dfu), so a damaged text file is
  /// reported by its reader; then `.bin` is raw. Anything else is nil: not a firmware
  /// file (never flashed as raw data by accident, issue 12; ``FileContent`` says what it is).
  public static func detectFormat(_ bytes: [UInt8], fileName: String) -> FirmwareFormat? {
    if bytes.starts(with: Array("DfuSe".utf8)) { return .dfuse }
    if bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return .elf }
    var i = 0
    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
    let hex = TextRecords.hexValue
    func isHex(_ k: Int) -> Bool { k < bytes.count && hex[Int(bytes[k])] <= 15 }
    if i < bytes.count, bytes[i] == UInt8(ascii: ":"), isHex(i + 1), isHex(i + 2) { return .intelHex }
    if i < bytes.count, bytes[i] == UInt8(ascii: "S"), i + 1 < bytes.count, (0x30...0x39).contains(bytes[i + 1]),
       isHex(i + 2), isHex(i + 3) { return .srec }
    if DFUSuffix(endOf: bytes) != nil { return .plainDFU }
    let name = fileName.split(separator: "/").last ?? ""
    let ext = name.contains(".") ? name.split(separator: ".").last.map { $0.lowercased() } ?? "" : ""
    switch ext {
    case "hex", "ihx", "ihex": return .intelHex
    case "srec", "s19", "s28", "s37", "mot", "sx": return .srec
    case "elf", "axf", "out": return .elf
    case "dfu": return .dfuse
    case "bin": return .raw
    default: return nil
    }
  }

  /// Reads a firmware file of any supported format.
  /// - Parameters:
  ///   - format: the format the user named (`--format`), or nil to detect it (``detectFormat(_:fileName:)``).
  ///   - rawAddress: where a raw binary (or plain DFU file) starts; required for those, never guessed.
  /// - Throws: ``FileFormatError`` naming the file and the line, record or offset;
  ///   ``FileFormatError/unrecognised(file:content:)`` for a file of no known format,
  ///   ``FileFormatError/needsAddress(file:format:)`` for raw data without an address.
  public static func load(_ bytes: [UInt8], fileName: String, format requested: FirmwareFormat? = nil,
                          rawAddress: UInt32?) throws(FileFormatError) -> LoadedFirmware {
    guard !bytes.isEmpty else { throw .empty(file: fileName) }
    var format = requested ?? detectFormat(bytes, fileName: fileName)
    // `--format dfuse` on a plain DFU file (data + suffix, no prefix) reads it as such.
    if requested == .dfuse, !bytes.starts(with: Array("DfuSe".utf8)), DFUSuffix(endOf: bytes) != nil { format = .plainDFU }
    switch format {
    case nil:
      throw .unrecognised(file: fileName, content: FileContent.classify(bytes))
    case .dfuse:
      var loaded = try DfuSeFileReader.read(bytes, file: fileName)
      if rawAddress != nil {
        loaded.notices.append("\(fileName): --address is ignored; a DfuSe file carries its own addresses")
      }
      return loaded
    case .plainDFU:
      return try DfuSeFileReader.readPlain(bytes, file: fileName, address: rawAddress)
    case .intelHex:
      let (image, notices) = try IntelHexReader.read(bytes, file: fileName)
      return single(.intelHex, image, notices, rawAddress, fileName)
    case .srec:
      let (image, notices) = try SRecordReader.read(bytes, file: fileName)
      return single(.srec, image, notices, rawAddress, fileName)
    case .elf:
      let (image, notices) = try ELFReader.read(bytes, file: fileName)
      return single(.elf, image, notices, rawAddress, fileName)
    case .raw:
      guard let rawAddress else { throw .needsAddress(file: fileName, format: .raw) }
      do throws(ImageError) {
        let image = try FirmwareImage(bytes: bytes, at: rawAddress, origin: ImageOrigin(file: fileName, location: .offset(0)))
        return LoadedFirmware(format: .raw, targets: [FirmwareTarget(image: image)])
      } catch {
        throw .image(error)
      }
    }
  }

  private static func single(_ format: FirmwareFormat, _ image: FirmwareImage, _ notices: [String], _ rawAddress: UInt32?,
                             _ file: String) -> LoadedFirmware {
    var notices = notices
    if rawAddress != nil {
      notices.append("\(file): --address is ignored; \(format.displayName) files carry their own addresses")
    }
    return LoadedFirmware(format: format, targets: [FirmwareTarget(image: image)], notices: notices)
  }
}
