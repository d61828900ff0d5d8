/// What a file that is not a firmware format dfutui reads seems to hold, so the
/// refusal can say it ("app.zip looks like a ZIP archive: unpack it…") instead of
/// flashing it as raw data (issue 12). Decided from magic numbers and the text's shape.
public enum FileContent: Hashable, Sendable, CustomStringConvertible {
  case empty
  /// ZIP, gzip, tar, xz, bzip2, 7-Zip: named in `kind`.
  case archive(kind: String)
  /// A program for a desktop OS (PE/COFF, Mach-O), named in `kind`.
  case hostExecutable(kind: String)
  /// A document of a kind named in `kind` (PDF, HTML: a download page saved instead of the file).
  case document(kind: String)
  /// UTF-16 text (a BOM, or every other byte zero).
  case utf16Text
  /// Text whose later lines are Intel HEX or S-records but whose first record line is not.
  case brokenRecords(format: FirmwareFormat, firstRecordLine: Int)
  /// C, C++ or assembly source, or a header.
  case sourceCode
  /// Other printable text.
  case text
  /// Binary data of no known kind.
  case binary

  public var description: String {
    switch self {
    case .empty: return "empty"
    case .archive(let kind): return "a \(kind) archive"
    case .hostExecutable(let kind): return "a \(kind) (a program for a computer, not a microcontroller)"
    case .document(let kind): return "a \(kind) document"
    case .utf16Text: return "UTF-16 text"
    case .brokenRecords(let format, let line):
      return "an \(format.displayName) file with a broken start (the first valid-looking record is on line \(line))"
    case .sourceCode: return "source code"
    case .text: return "text"
    case .binary: return "binary data of no known firmware format"
    }
  }

  /// What to do about it.
  public var advice: String {
    let raw = "A raw image must be named .bin (or given --format raw) and needs --address, e.g. --address 0x08000000"
    switch self {
    case .empty: return "Rebuild or re-download the firmware"
    case .archive: return "Unpack it and flash the .elf, .hex, .srec, .dfu or .bin inside"
    case .hostExecutable: return "Flash the firmware built for the STM32 (arm-none-eabi), not a host program"
    case .document: return "Download the firmware file itself (for GitHub, the \"Raw\" link), not the page about it"
    case .utf16Text: return "Save the file as ASCII/UTF-8 (some Windows editors write UTF-16), then retry"
    case .brokenRecords(let format, _):
      let flag = format == .srec ? "srec" : "hex"
      return "Repair or rebuild the file; --format \(flag) shows the reader's exact error"
    case .sourceCode: return "Build it first and flash the .elf, .hex or .bin the build writes"
    case .text, .binary: return "dfutui reads DfuSe .dfu, Intel HEX, S-record and ELF files. " + raw
    }
  }

  /// Classifies `bytes` (only the first few KiB are looked at).
  public static func classify(_ bytes: [UInt8]) -> FileContent {
    guard !bytes.isEmpty else { return .empty }
    func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
      bytes.count >= offset + magic.count && bytes[offset..<(offset + magic.count)].elementsEqual(magic)
    }
    if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .archive(kind: "ZIP") }
    if starts([0x1F, 0x8B]) { return .archive(kind: "gzip") }
    if starts(Array("ustar".utf8), at: 257) { return .archive(kind: "tar") }
    if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .archive(kind: "xz") }
    if starts(Array("BZh".utf8)) { return .archive(kind: "bzip2") }
    if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .archive(kind: "7-Zip") }
    if starts(Array("MZ".utf8)) { return .hostExecutable(kind: "Windows (PE) executable") }
    for magic: [UInt8] in [[0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF], [0xCE, 0xFA, 0xED, 0xFE],
                           [0xCF, 0xFA, 0xED, 0xFE]] where starts(magic) {
      return .hostExecutable(kind: "macOS (Mach-O) executable")
    }
    if starts(Array("%PDF".utf8)) { return .document(kind: "PDF") }
    if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]) { return .utf16Text }
    let head = Array(bytes.prefix(4096))
    if head.count >= 4 {
      func printable(_ c: UInt8) -> Bool { (0x20..<0x7F).contains(c) || c == 0x09 || c == 0x0A || c == 0x0D }
      let pairs = stride(from: 0, to: head.count - 1, by: 2).filter {
        (head[$0] == 0 && printable(head[$0 + 1])) || (head[$0 + 1] == 0 && printable(head[$0]))
      }.count
      if pairs * 10 >= head.count / 2 * 9 { return .utf16Text }
    }
    var text = head
    if text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }
    // Text: printable ASCII, whitespace, or UTF-8 (bytes ≥ 0x80); no NULs or other control bytes.
    let isText = text.allSatisfy { $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C }
    guard isText else { return .binary }
    let string = String(decoding: text, as: UTF8.self)
    let lower = string.lowercased()
    if lower.contains("<!doctype html") || lower.contains("<html") { return .document(kind: "HTML (web page)") }
    let lines = string.split(separator: "\n", omittingEmptySubsequences: false)
    for (index, line) in lines.enumerated().prefix(64) where index > 0 {
      let trimmed = Array(line.utf8.drop { $0 == 0x20 || $0 == 0x09 }.prefix(4))
      let hex = TextRecords.hexValue
      guard trimmed.count >= 3 else { continue }
      if trimmed[0] == UInt8(ascii: ":"), hex[Int(trimmed[1])] <= 15, hex[Int(trimmed[2])] <= 15 {
        return .brokenRecords(format: .intelHex, firstRecordLine: index + 1)
      }
      if trimmed.count >= 4, trimmed[0] == UInt8(ascii: "S"), (0x30...0x39).contains(trimmed[1]),
         hex[Int(trimmed[2])] <= 15, hex[Int(trimmed[3])] <= 15 {
        return .brokenRecords(format: .srec, firstRecordLine: index + 1)
      }
    }
    let sourceMarks = ["#include", "#define", "#pragma", "int main", "void ", "return ", "};", ".section", ".global",
                       ".syntax", "/*", "//", "static ", "#!/"]
    if sourceMarks.contains(where: { string.contains($0) }) { return .sourceCode }
    return .text
  }
}
