import ArgumentParser
import DfuSe

/// `dfutui info`: what a firmware file holds, and what could go wrong flashing it.
struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract: "Show a firmware file's format, targets, segments, CRC32s, entry point and lint warnings.",
    discussion: """
      Lint warnings (field-notes: the STM32L476 DfuSe bricking): segments that are not whole \
      flash words, two segments sharing one flash word, gaps. No device is involved.
      """)

  @Argument(help: "Firmware file (.dfu, .hex, .srec, .elf or raw .bin).") var file: String
  @Option(parsing: .unconditional, help: "Address of a raw binary's first byte, e.g. 0x08000000 (required for raw data).",
          transform: Address.parse) var address: Address?
  @Option(help: FormatChoice.help) var format: FormatChoice = .auto
  @OptionGroup var flashWord: FlashWordOptions
  @Flag(help: "Print the result as JSON on standard output (README: JSON output).") var json = false

  func run() throws {
    JSONOutput.begin("info", enabled: json)
    // The same rule as write and convert: raw data (a .bin, --format raw) needs --address.
    let loaded = try FirmwareFiles.load(file, format: format, rawAddress: address?.value, printNotices: false)
    var lines = ["\(file): \(loaded.format.displayName), \(loaded.targets.count) target\(loaded.targets.count == 1 ? "" : "s")"]
    if let s = loaded.suffix {
      lines.append("  DFU suffix: device \(hex4(s.vendorID)):\(hex4(s.productID)), bcdDevice \(hex4(s.bcdDevice)), "
                   + "bcdDFU \(hex4(s.bcdDFU)), CRC ok")
    }
    let word = flashWord.size.bytes
    var warnings: [String] = []
    var targetsJSON: [InfoJSON.Target] = []
    for (t, target) in loaded.targets.enumerated() {
      let image = target.image
      var head = "Target \(t)"
      if let alt = target.alternateSetting { head += " (alt \(alt)" + (target.name.map { ", \"\($0)\"" } ?? "") + ")" }
      lines.append(head + ": \(image.byteCount) bytes in \(image.segments.count) segment\(image.segments.count == 1 ? "" : "s")")
      for s in image.segments {
        let sources = s.pieces.map(\.sourceDescription)
        let from = sources.count <= 3 ? sources.joined(separator: ", ") : sources.prefix(2).joined(separator: ", ")
          + ", … (\(sources.count) pieces)"
        lines.append("  \(hex32(s.address))–\(hex32(UInt32(s.end - 1)))  \(s.bytes.count) bytes  CRC32 "
                     + "\(hex32(CRC32.checksum(s.bytes)))  from \(from)")
      }
      if let entry = image.entryPoint { lines.append("  entry point: \(hex32(entry))") }
      if let vt = VectorTable(image: image) {
        let verdict = vt.problems.isEmpty ? "looks like a Cortex-M vector table" : vt.problems.joined(separator: "; ")
        lines.append("  vector table at \(hex32(vt.address)): initial SP \(hex32(vt.initialStackPointer)), "
                     + "reset \(hex32(vt.resetVector)) (\(verdict))")
      }
      warnings += ImageLint.warnings(image, flashWordSize: word).map { "target \(t): " + $0 }
      targetsJSON.append(InfoJSON.Target(target, vectorTable: VectorTable(image: image)))
    }
    let notes = loaded.notices.filter { !$0.contains("element") }
    warnings += loaded.notices.filter { $0.contains("element") }
    lines += notes.map { "  note: " + $0 }
    if json {
      return JSONOutput.succeed(InfoJSON(file: file, loaded: loaded,
                                         targets: targetsJSON, flashWordSize: word, warnings: warnings, notes: notes))
    }
    if warnings.isEmpty {
      lines.append("No lint warnings (\(word)-byte flash words).")
    } else {
      lines.append("Lint (\(word)-byte flash words):")
      lines += warnings.map { "  warning: " + $0 }
    }
    for line in lines { Console.out(line) }
  }
}
