/// Why a firmware file could not be read or written (stm32-dfu-facts §6–§7).
///
/// Every case names the file and, where it applies, the line, record or byte
/// offset; the description says what was expected and what to do.
public enum FileFormatError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file has no bytes at all.
  case empty(file: String)
  /// A raw binary (or a plain DFU file) carries no address, and dfutui never guesses one.
  case needsAddress(file: String, format: FirmwareFormat)
  /// Not a firmware format dfutui reads, and not a `.bin` (or `--format raw`): refused rather
  /// than flashed as raw data (issue 12). `content` says what it looks like.
  case unrecognised(file: String, content: FileContent)
  /// The file ends before a structure it announced.
  case truncated(file: String, at: ImageOrigin.Location, expected: String)
  /// A field holds something else than the format allows.
  case malformed(file: String, at: ImageOrigin.Location, expected: String, found: String)
  /// A HEX or S-record line whose checksum byte does not match its contents.
  case badChecksum(file: String, at: ImageOrigin.Location, stored: UInt8, computed: UInt8)
  /// A DFU suffix whose CRC does not match the file.
  case badCRC(file: String, stored: UInt32, computed: UInt32)
  /// A valid file of a kind dfutui cannot flash (for example an ELF for another CPU).
  case unsupported(file: String, reason: String, advice: String)
  /// The file holds no data to flash.
  case noData(file: String)
  /// The data could not be combined into one image (overlap, address overflow).
  case image(ImageError)
  /// Output could not be produced (for example a gap too large for a `.bin`).
  case cannotWrite(what: String, reason: String, advice: String)

  public var description: String {
    switch self {
    case .empty(let file):
      return "\(file) is empty; a firmware file (.dfu, .hex, .srec, .elf or .bin) was expected"
    case .needsAddress(let file, let format):
      let kind = format == .plainDFU ? "a plain DFU file (raw data with a DFU suffix)" : "a raw binary"
      return "\(file) is \(kind) and holds no address; give the address of its first byte with --address, "
        + "e.g. --address 0x08000000 (the start of STM32 flash); dfutui never guesses it"
    case .unrecognised(let file, let content):
      return "\(file) is not a firmware file dfutui reads: it looks like \(content). \(content.advice)"
    case .truncated(let file, let at, let expected):
      return "\(file) \(at): the file ends early; expected \(expected). The file seems cut off; rebuild or re-download it"
    case .malformed(let file, let at, let expected, let found):
      return "\(file) \(at): expected \(expected), found \(found)"
    case .badChecksum(let file, let at, let stored, let computed):
      return "\(file) \(at): checksum is \(hex8(stored)) but the record's bytes give \(hex8(computed)); "
        + "the file is corrupt (edited by hand, or damaged in transfer). Rebuild it"
    case .badCRC(let file, let stored, let computed):
      return "\(file): the DFU suffix CRC is \(hex32(stored)) but the file's bytes give \(hex32(computed)); "
        + "the file is corrupt or was edited after it was made. Rebuild it (dfutui convert) or re-download it"
    case .unsupported(let file, let reason, let advice):
      return "\(file): \(reason). \(advice)"
    case .noData(let file):
      return "\(file) holds no data to flash"
    case .image(let error):
      return error.description
    case .cannotWrite(let what, let reason, let advice):
      return "cannot write \(what): \(reason). \(advice)"
    }
  }
}

@inline(__always)
func hex8(_ value: UInt8) -> String {
  let s = String(value, radix: 16, uppercase: true)
  return "0x" + (s.count < 2 ? "0" : "") + s
}
