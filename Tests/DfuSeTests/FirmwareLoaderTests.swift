import Testing

@testable import DfuSe

/// Format detection from content, and the loader entry point.
@Suite struct FirmwareLoaderTests {
  @Test func detectsFromContentWhateverTheName() throws {
    let hex = Make.text([Make.hexRecord(0, 0, [1]), ":00000001FF"])
    let srec = Make.text([Make.srec(1, address: 0, [1]), Make.srec(9, address: 0, [])])
    let elf = Make.elf(loads: [.init(vaddr: 0, paddr: 0, data: [1])])
    let (dfu, _) = try DfuSeFileWriter.encode([FirmwareTarget(image: try FirmwareImage(bytes: [1], at: 0, origin: Make.origin()))])
    for name in ["a.bin", "noext", "a.hex"] {
      #expect(FirmwareLoader.detectFormat(hex, fileName: name) == .intelHex)
      #expect(FirmwareLoader.detectFormat(srec, fileName: name) == .srec)
      #expect(FirmwareLoader.detectFormat(elf, fileName: name) == .elf)
      #expect(FirmwareLoader.detectFormat(dfu, fileName: name) == .dfuse)
    }
    #expect(FirmwareLoader.detectFormat([0x00, 0x20, 0x00, 0x20, 0x43, 0x00, 0x00, 0x08], fileName: "app.bin") == .raw)
  }

  @Test func damagedTextFilesAreReportedNotFlashedAsBinary() {
    #expect(FirmwareLoader.detectFormat(Array("garbage".utf8), fileName: "app.hex") == .intelHex)
    #expect(FirmwareLoader.detectFormat(Array("garbage".utf8), fileName: "app.S19") == .srec)
    #expect(FirmwareLoader.detectFormat(Array("garbage".utf8), fileName: "app.elf") == .elf)
    #expect(FirmwareLoader.detectFormat(Array("garbage".utf8), fileName: "app.dfu") == .dfuse)
    #expect(throws: FileFormatError.self) { try FirmwareLoader.load(Array("garbage".utf8), fileName: "app.hex", rawAddress: 0) }
  }

  @Test func rawNeedsAnAddressAndNamesTheFile() throws {
    #expect(throws: FileFormatError.needsAddress(file: "app.bin", format: .raw)) {
      try FirmwareLoader.load([1, 2, 3], fileName: "app.bin", rawAddress: nil)
    }
    #expect(FileFormatError.needsAddress(file: "app.bin", format: .raw).description.contains("--address"))
    let loaded = try FirmwareLoader.load([1, 2, 3], fileName: "app.bin", rawAddress: 0x0800_0000)
    #expect(loaded.format == .raw && loaded.targets.count == 1 && loaded.targets[0].alternateSetting == nil)
    #expect(loaded.onlyImage?.segments[0].address == 0x0800_0000)
    #expect(throws: FileFormatError.self) { try FirmwareLoader.load([1, 2], fileName: "a.bin", rawAddress: 0xFFFF_FFFF) }
  }

  /// Issue 12: `write garbage.txt`, `write app.c`, `write app.zip` flashed them as raw data at
  /// 0x08000000. Only a .bin (or `--format raw`) is raw; anything else unknown is refused,
  /// saying what it looks like.
  @Test(arguments: [
    ("garbage.txt", Array("just some notes\nnothing to flash\n".utf8), FileContent.text),
    ("app.c", Array("#include <stdint.h>\nint main(void) { return 0; }\n".utf8), .sourceCode),
    ("app.zip", [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0], .archive(kind: "ZIP")),
    ("app.tgz", [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0], .archive(kind: "gzip")),
    ("app.exe", Array("MZ".utf8) + [0x90, 0, 3, 0, 0, 0], .hostExecutable(kind: "Windows (PE) executable")),
    ("app", [0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1], .hostExecutable(kind: "macOS (Mach-O) executable")),
    ("app.html", Array("<!DOCTYPE html>\n<html><body>firmware</body></html>".utf8), .document(kind: "HTML (web page)")),
    ("notes.txt", [0xFF, 0xFE] + Array("h\0i\0".utf8), .utf16Text),
    ("notes.txt", Array("h\0e\0l\0l\0o\0\n\0".utf8), .utf16Text),
    ("app.ihx.txt", Array("xx:100000\n:0400000001020304F2\n:00000001FF\n".utf8), .brokenRecords(format: .intelHex, firstRecordLine: 2)),
    ("app.txt", Array("header\nS1040000010A\n".utf8), .brokenRecords(format: .srec, firstRecordLine: 2)),
    ("app.img", [0x00, 0x20, 0x00, 0x20, 0x43, 0x00, 0x00, 0x08, 0, 1, 2], .binary),
  ])
  func unknownFilesAreRefusedSayingWhatTheyLookLike(name: String, bytes: [UInt8], content: FileContent) {
    #expect(FirmwareLoader.detectFormat(bytes, fileName: name) == nil)
    #expect(FileContent.classify(bytes) == content)
    #expect(throws: FileFormatError.unrecognised(file: name, content: content)) {
      try FirmwareLoader.load(bytes, fileName: name, rawAddress: 0x0800_0000)
    }
    let message = FileFormatError.unrecognised(file: name, content: content).description
    #expect(message.contains(name) && message.contains(content.description) && message.contains(content.advice))
  }

  @Test func rawIsABinFileOrAnExplicitFormatAndAlwaysNeedsAnAddress() throws {
    let data: [UInt8] = [0x00, 0x20, 0x00, 0x20, 0x43, 0x00, 0x00, 0x08]
    #expect(FirmwareLoader.detectFormat(data, fileName: "dir.v2/app.BIN") == .raw)
    #expect(FirmwareLoader.detectFormat(data, fileName: "dir.v2/app") == nil, "a dot in a folder name is no extension")
    #expect(throws: FileFormatError.needsAddress(file: "app.img", format: .raw)) {
      try FirmwareLoader.load(data, fileName: "app.img", format: .raw, rawAddress: nil)
    }
    let forced = try FirmwareLoader.load(data, fileName: "app.img", format: .raw, rawAddress: 0x0800_4000)
    #expect(forced.format == .raw && forced.onlyImage?.lowestAddress == 0x0800_4000)
    // --format raw also takes a file that looks like text, byte for byte.
    let text = Array(":00000001FF\n".utf8)
    #expect(try FirmwareLoader.load(text, fileName: "x.hex", format: .raw, rawAddress: 0).onlyImage?.segments[0].bytes == text)
    #expect(FileFormatError.needsAddress(file: "a.bin", format: .raw).description.contains("--address 0x08000000"))
  }

  @Test func anExplicitFormatRunsThatReader() throws {
    let hex = Make.text([Make.hexRecord(0, 0x10, [1]), ":00000001FF"])
    #expect(try FirmwareLoader.load(hex, fileName: "fw.txt", format: .intelHex, rawAddress: nil).format == .intelHex)
    #expect(throws: FileFormatError.self) { try FirmwareLoader.load(hex, fileName: "fw.txt", format: .srec, rawAddress: nil) }
    #expect(throws: FileFormatError.self) { try FirmwareLoader.load(hex, fileName: "fw.txt", format: .elf, rawAddress: nil) }
    var plain: [UInt8] = [1, 2, 3, 4]
    DFUSuffix(bcdDFU: DFUSuffix.plainVersion).append(to: &plain)
    let loaded = try FirmwareLoader.load(plain, fileName: "p.dfu", format: .dfuse, rawAddress: 0x0800_0000)
    #expect(loaded.format == .plainDFU && loaded.onlyImage?.byteCount == 4)
  }

  @Test func emptyFileIsItsOwnError() {
    #expect(throws: FileFormatError.empty(file: "x")) { try FirmwareLoader.load([], fileName: "x", rawAddress: 0) }
  }

  @Test func addressIsIgnoredWithANoticeForFormatsThatCarryAddresses() throws {
    let hex = Make.text([Make.hexRecord(0, 0, [1]), ":00000001FF"])
    let loaded = try FirmwareLoader.load(hex, fileName: "a.hex", rawAddress: 0x0800_0000)
    #expect(loaded.onlyImage?.lowestAddress == 0 && loaded.notices.contains { $0.contains("ignored") })
  }

  @Test func lintFindsSharedWordsPartialWordsAndGaps() throws {
    var image = FirmwareImage()
    try image.add([UInt8](repeating: 0, count: 0x14), at: 0x0800_0000, origin: Make.origin())
    try image.add([1, 2, 3, 4], at: 0x0800_0016, origin: Make.origin())
    let warnings = ImageLint.warnings(image)
    #expect(warnings.contains { $0.contains("share the 8-byte flash word at 0x08000010") })
    #expect(warnings.contains { $0.contains("not whole 8-byte flash words") })
    #expect(warnings.contains { $0.contains("gap of 2 bytes") })
    let clean = try FirmwareImage(bytes: [UInt8](repeating: 0, count: 16), at: 0x0800_0000, origin: Make.origin())
    #expect(ImageLint.warnings(clean).isEmpty)
  }

  @Test func vectorTableCheck() throws {
    let good = try FirmwareImage(bytes: Make.le32(0x2002_0000) + Make.le32(0x0800_01C5), at: 0x0800_0000, origin: Make.origin())
    #expect(VectorTable(image: good)?.problems == [])
    let erased = try FirmwareImage(bytes: [UInt8](repeating: 0xFF, count: 8), at: 0x0800_0000, origin: Make.origin())
    #expect(VectorTable(image: erased)?.problems == ["the vector table at 0x08000000 is erased (0xFFFFFFFF): there is no application"])
    #expect(VectorTable(image: try FirmwareImage(bytes: [1], at: 0, origin: Make.origin())) == nil)
  }
}
