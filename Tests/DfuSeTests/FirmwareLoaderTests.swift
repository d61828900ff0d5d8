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
