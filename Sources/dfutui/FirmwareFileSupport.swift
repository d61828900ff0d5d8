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
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw Exit.fail("cannot read \(path): \(FileErrorText.errnoText(EISDIR))", code: Exit.inputRejected)
    }
    do { return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
      throw Exit.fail("cannot read \(path): \(FileErrorText.describe(error))", code: Exit.inputRejected)
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

  /// Writes `bytes` to `path` (atomically for regular files; devices and pipes in place; `-` is
  /// stdout); exit 74 on failure.
  static func write(_ bytes: [UInt8], to path: String) throws(ExitCode) {
    if path == stdoutPath {
      FileHandle.standardOutput.write(Data(bytes))
      return
    }
    do {
      var isDirectory: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      let regular = !exists || ((try? FileManager.default.attributesOfItem(atPath: path)[.type]) as? FileAttributeType) == .typeRegular
      try Data(bytes).write(to: URL(fileURLWithPath: path), options: regular ? .atomic : [])
    } catch {
      throw Exit.fail("cannot write \(path): \(FileErrorText.describe(error))", code: Exit.outputFailed)
    }
  }

  /// Why `--sim-state DIR` cannot be a state directory (a file, or under one), or nil.
  static func stateDirectoryProblem(_ path: String) -> String? {
    var prefix = URL(fileURLWithPath: path)
    while prefix.path != "/" {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: prefix.path, isDirectory: &isDirectory) {
        return isDirectory.boolValue ? nil : "--sim-state \(path): \(prefix.path) is a file, not a directory"
      }
      prefix.deleteLastPathComponent()
    }
    return nil
  }

  /// The output path that means standard output.
  static let stdoutPath = "-"

  /// Checks an output path before any device is touched: its directory exists and is writable,
  /// it is not a directory, and an existing regular file is only replaced with `force`
  /// (dfu-util refuses an existing upload file too). Pipes, devices and `-` are fine.
  /// `force == nil` means replacing is allowed (`convert`); `forDevice` adds "Nothing was sent".
  static func checkOutput(_ path: String, force: Bool?, forDevice: Bool = true) throws(ExitCode) {
    if path == stdoutPath { return }
    let nothingSent = forDevice ? ". Nothing was sent to the device" : ""
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      if isDirectory.boolValue {
        throw Exit.fail("cannot write \(path): it is a directory; give a file name\(nothingSent)",
                        code: Exit.outputFailed)
      }
      let type = (try? FileManager.default.attributesOfItem(atPath: path)[.type]) as? FileAttributeType
      guard type == .typeRegular else { return }
      guard force ?? true else {
        throw Exit.fail("\(path) already exists; choose another name, or add --force to replace it\(nothingSent)",
                        code: Exit.inputRejected)
      }
    }
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    var dirIsDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &dirIsDirectory), dirIsDirectory.boolValue else {
      throw Exit.fail("cannot write \(path): the directory \(directory) does not exist\(nothingSent)",
                      code: Exit.outputFailed)
    }
    guard access(directory, W_OK) == 0 else {
      throw Exit.fail("cannot write \(path): \(FileErrorText.errnoText(errno)) for the directory \(directory)\(nothingSent)",
                      code: Exit.outputFailed)
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
