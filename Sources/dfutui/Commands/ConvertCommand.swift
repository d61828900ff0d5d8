import ArgumentParser
import DfuSe

/// `dfutui convert`: any firmware file to `.dfu`, `.hex` or `.bin` (replaces DFU File Manager).
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert .elf/.hex/.srec/.bin/.dfu firmware to .dfu, .hex or .bin.",
    discussion: """
      The output format follows OUT's extension. .dfu files get every element padded with 0xFF \
      to whole flash words (8 bytes unless --family or --flash-word says otherwise), which \
      ST's DFU File Manager does not do and STM32L4 ROMs need. A raw input (a .bin, or --format \
      raw) needs --address; other unrecognised files are refused. \
      No device is involved.
      """)

  @Argument(help: "Input firmware file (format detected from its content).") var input: String
  @Argument(help: "Output file: .dfu, .hex or .bin.") var output: String
  @Option(parsing: .unconditional, help: "Address of a raw binary's first byte, e.g. 0x08000000 (required for raw data).",
          transform: Address.parse)
  var address: Address?
  @Option(help: FormatChoice.help) var format: FormatChoice = .auto
  @Option(help: "Alternate setting for the .dfu target (default 0); with a multi-target input, the target to export.")
  var alt: UInt8?
  @Option(help: "Target name written into the .dfu (default \"ST...\").") var name: String?
  @Option(help: ArgumentHelp("USB vendor ID for the .dfu suffix, hex (default 0483; ffff = any).", valueName: "hex"))
  var vid: HexWord?
  @Option(help: ArgumentHelp("USB product ID for the .dfu suffix, hex (default df11; ffff = any).", valueName: "hex"))
  var pid: HexWord?
  @OptionGroup var flashWord: FlashWordOptions

  func validate() throws {
    guard FirmwareFiles.outputKind(output) != nil else {
      throw ValidationError("cannot tell the output format from '\(output)'; name it .dfu, .hex or .bin")
    }
  }

  func run() throws {
    try FirmwareFiles.checkOutput(output, force: nil, forDevice: false)
    let loaded = try FirmwareFiles.load(input, format: format, rawAddress: address?.value)
    let bytes: [UInt8]
    var summary: String
    switch FirmwareFiles.outputKind(output)! {
    case .dfu:
      var targets = loaded.targets
      for i in targets.indices {
        if targets[i].alternateSetting == nil || (alt != nil && targets.count == 1) { targets[i].alternateSetting = alt ?? 0 }
        if targets[i].name == nil { targets[i].name = name ?? "ST..." } else if let name, targets.count == 1 { targets[i].name = name }
      }
      var suffix = loaded.suffix ?? DFUSuffix()
      if let vid { suffix.vendorID = vid.value }
      if let pid { suffix.productID = pid.value }
      let word = flashWord.size
      do throws(FileFormatError) {
        let (file, notices) = try DfuSeFileWriter.encode(targets, suffix: suffix, flashWordSize: word.bytes)
        for n in notices { Console.error("note: " + n) }
        bytes = file
      } catch {
        throw Exit.fail(error.description, code: Exit.inputRejected)
      }
      summary = "DfuSe file, \(targets.count) target\(targets.count == 1 ? "" : "s") (alt "
        + targets.map { String($0.alternateSetting ?? 0) }.joined(separator: ", ")
        + "), \(word.bytes)-byte flash words, for \(hex4(suffix.vendorID)):\(hex4(suffix.productID))"
    case .hex:
      let image = try chooseImage(loaded)
      bytes = ImageExport.intelHex(image)
      summary = "Intel HEX, \(image.byteCount) data bytes in \(image.segments.count) segment\(image.segments.count == 1 ? "" : "s")"
    case .bin:
      let image = try chooseImage(loaded)
      do throws(FileFormatError) {
        let (file, start, gap) = try ImageExport.binary(image)
        if gap > 0 { Console.error("note: \(gap) bytes of gaps between segments are filled with 0xFF") }
        bytes = file
        summary = "raw binary starting at \(hex32(start)) (flash it with --address \(hex32(start)))"
      } catch {
        throw Exit.fail(error.description, code: Exit.inputRejected)
      }
    }
    try FirmwareFiles.write(bytes, to: output)
    Console.out("Wrote \(output): \(summary), \(bytes.count) bytes.")
  }

  /// The one image to export as .hex/.bin: the only target, or the one `--alt` picks.
  private func chooseImage(_ loaded: LoadedFirmware) throws(ExitCode) -> FirmwareImage {
    if let image = loaded.image(forAlternate: loaded.targets.count > 1 ? alt : nil) { return image }
    let alts = loaded.targets.map { String($0.alternateSetting ?? 0) }.joined(separator: ", ")
    throw Exit.fail("\(input) has \(loaded.targets.count) targets (alt \(alts)); pick one with --alt N, "
                    + "or convert to .dfu to keep them all", code: Exit.usage)
  }
}

/// A 16-bit value given in hex (`0483`, `0x0483`).
struct HexWord: ExpressibleByArgument, Equatable {
  let value: UInt16
  init?(argument: String) {
    let digits = argument.hasPrefix("0x") || argument.hasPrefix("0X") ? String(argument.dropFirst(2)) : argument
    guard let v = UInt16(digits, radix: 16) else { return nil }
    value = v
  }
}

func hex4(_ v: UInt16) -> String {
  let s = String(v, radix: 16)
  return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
