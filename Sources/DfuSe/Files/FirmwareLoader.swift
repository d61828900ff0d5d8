/// The one entry point for reading firmware files: detects the format from the
/// content (the extension only breaks ties) and runs the right reader
/// (stm32-dfu-facts §6–§7).
public enum FirmwareLoader {
  /// Detects the format from content: "DfuSe" prefix, ELF magic, ':' + hex digits,
  /// 'S' + digit + hex digits, a DFU suffix ("UFD", bLength 16); then the extension
  /// (.hex/.ihx, .srec/.s19/.s28/.s37/.mot, .elf/.axf, .dfu), so a damaged text file is
  /// reported as such instead of being flashed as a binary; else raw.
  public static func detectFormat(_ bytes: [UInt8], fileName: String) -> FirmwareFormat {
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
    let ext = fileName.split(separator: ".").last.map { $0.lowercased() } ?? ""
    switch ext {
    case "hex", "ihx", "ihex": return .intelHex
    case "srec", "s19", "s28", "s37", "mot", "sx": return .srec
    case "elf", "axf", "out": return .elf
    case "dfu": return .dfuse
    default: return .raw
    }
  }

  /// Reads a firmware file of any supported format.
  /// - Parameter rawAddress: where a raw binary (or plain DFU file) starts; required for those.
  /// - Throws: ``FileFormatError`` naming the file and the line, record or offset.
  public static func load(_ bytes: [UInt8], fileName: String, rawAddress: UInt32?) throws(FileFormatError) -> LoadedFirmware {
    guard !bytes.isEmpty else { throw .empty(file: fileName) }
    let format = detectFormat(bytes, fileName: fileName)
    switch format {
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
      return single(format, image, notices, rawAddress, fileName)
    case .srec:
      let (image, notices) = try SRecordReader.read(bytes, file: fileName)
      return single(format, image, notices, rawAddress, fileName)
    case .elf:
      let (image, notices) = try ELFReader.read(bytes, file: fileName)
      return single(format, image, notices, rawAddress, fileName)
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
