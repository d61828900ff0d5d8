import ArgumentParser
import DfuSe
import Foundation

/// Reading and writing firmware files for `convert`, `info` and `read`.
enum FirmwareFiles {
  /// Reads `path` and parses it; unreadable, empty, malformed or unrecognised files (and raw
  /// data without `--address`) exit 65 with the loader's message.
  static func load(_ path: String, format: FormatChoice = .auto, rawAddress: UInt32?,
                   printNotices: Bool = true) throws(ExitCode) -> LoadedFirmware {
    try parse(try readBytes(path), path: path, format: format, rawAddress: rawAddress, printNotices: printNotices)
  }

  static func readBytes(_ path: String) throws(ExitCode) -> [UInt8] {
    do { return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
      throw Exit.fail("cannot read \(path): \(error.localizedDescription)", code: Exit.inputRejected)
    }
  }

  static func parse(_ bytes: [UInt8], path: String, format: FormatChoice = .auto, rawAddress: UInt32?,
                    printNotices: Bool = true) throws(ExitCode) -> LoadedFirmware {
    do throws(FileFormatError) {
      let loaded = try FirmwareLoader.load(bytes, fileName: path, format: format.format, rawAddress: rawAddress)
      if printNotices { for notice in loaded.notices { Console.error("note: " + notice) } }
      return loaded
    } catch {
      throw Exit.fail(error.description, code: Exit.inputRejected)
    }
  }

  /// Writes `bytes` to `path` (atomically for regular files; devices and pipes in place); exit 74 on failure.
  static func write(_ bytes: [UInt8], to path: String) throws(ExitCode) {
    do {
      var isDirectory: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      let regular = !exists || ((try? FileManager.default.attributesOfItem(atPath: path)[.type]) as? FileAttributeType) == .typeRegular
      try Data(bytes).write(to: URL(fileURLWithPath: path), options: regular ? .atomic : [])
    } catch {
      throw Exit.fail("cannot write \(path): \(error.localizedDescription)", code: Exit.outputFailed)
    }
  }

  /// The output kind from a file name's extension.
  enum OutputKind { case dfu, hex, bin }

  static func outputKind(_ path: String) -> OutputKind? {
    let ext = path.split(separator: "/").last?.split(separator: ".").dropFirst().last?.lowercased() ?? ""
    switch ext {
    case "dfu": return .dfu
    case "hex", "ihx": return .hex
    case "bin": return .bin
    default: return nil
    }
  }
}

/// `--format`: the input's format, detected from its content unless named. Raw data is only
/// read as raw when the file is a `.bin` or `--format raw` says so, and always needs `--address`.
enum FormatChoice: String, ExpressibleByArgument, CaseIterable {
  case auto, dfuse, hex, srec, elf, raw

  static let help = ArgumentHelp(
    "Input format; auto detects it from the content, and a .bin is raw. Raw data needs --address.",
    valueName: "format")

  /// The format to force, or nil to detect.
  var format: FirmwareFormat? {
    switch self {
    case .auto: return nil
    case .dfuse: return .dfuse
    case .hex: return .intelHex
    case .srec: return .srec
    case .elf: return .elf
    case .raw: return .raw
    }
  }
}

/// `--family` / `--flash-word`: the flash word elements are padded to (stm32-dfu-facts §4).
struct FlashWordOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Target family (f4, l4, g4, h7, u5, …): sets the flash word for padding.", valueName: "family"))
  var family: String?
  @Option(name: .customLong("flash-word"), help: ArgumentHelp("Flash word in bytes (8, 16 or 32); default 8.", valueName: "bytes"))
  var flashWord: Int?

  func validate() throws {
    if let family, DfuSeFileWriter.flashWordSize(family: family) == nil {
      throw ValidationError("unknown family '\(family)'; use f0…f7, l0, l1, l4, l5, g0, g4, wb, wl, c0, h7, h7a3, u5")
    }
    if let flashWord, ![1, 2, 4, 8, 16, 32].contains(flashWord) {
      throw ValidationError("--flash-word must be 1, 2, 4, 8, 16 or 32")
    }
  }

  /// The word size, and whether it is the default (worth a notice).
  var size: (bytes: Int, isDefault: Bool) {
    if let flashWord { return (flashWord, false) }
    if let family, let w = DfuSeFileWriter.flashWordSize(family: family) { return (w, false) }
    return (8, true)
  }
}
