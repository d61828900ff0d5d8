import Foundation
import Testing

@testable import DfuSe

/// DfuSe files (UM0391, stm32-dfu-facts §6): writer, reader, suffix, CRC and device matching.
@Suite struct DfuSeFileTests {
  func image(_ parts: [(UInt32, [UInt8])]) throws -> FirmwareImage {
    var image = FirmwareImage()
    for (a, b) in parts { try image.add(b, at: a, origin: Make.origin()) }
    return image
  }

  @Test func crcMatchesZlibConvention() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.dfuCRC(Array("123456789".utf8)) == ~UInt32(0xCBF4_3926))
    #expect(CRC32.checksum([UInt8]()) == 0)
    // Slicing-by-8 and the byte loop agree on every length.
    let data = Make.bytes(37)
    var crc: UInt32 = 0xFFFF_FFFF
    for b in data { crc = CRC32.table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
    #expect(CRC32.checksum(data) == ~crc)
  }

  @Test func writeThenReadRoundTripsTargetsNamesAndSuffix() throws {
    let t0 = FirmwareTarget(alternateSetting: 0, name: "Internal Flash", image: try image([(0x0800_0000, Make.bytes(64))]))
    let t1 = FirmwareTarget(alternateSetting: 2, name: nil, image: try image([(0x1FFF_C000, [0xAA, 0x55, 0xAA, 0x55, 1, 2, 3, 4])]))
    let suffix = DFUSuffix(bcdDevice: 0x2200, productID: 0xDF11, vendorID: 0x0483)
    let (bytes, notices) = try DfuSeFileWriter.encode([t0, t1], suffix: suffix)
    #expect(notices.isEmpty)
    #expect(readLE32(bytes, 6) == UInt32(bytes.count), "DFUImageSize = whole file")
    let loaded = try DfuSeFileReader.read(bytes, file: "x.dfu")
    #expect(loaded.format == .dfuse && loaded.suffix == suffix && loaded.notices.isEmpty)
    #expect(loaded.targets.map(\.alternateSetting) == [0, 2] && loaded.targets.map(\.name) == ["Internal Flash", nil])
    #expect(loaded.targets[0].image.segments.map(\.bytes) == [Make.bytes(64)])
    #expect(loaded.targets[1].image.segments[0].address == 0x1FFF_C000)
  }

  @Test func elementsArePaddedToTheFlashWordWithANotice() throws {
    let t = FirmwareTarget(image: try image([(0x0800_0003, [1, 2, 3]), (0x0800_000C, [4]), (0x0800_0100, [5])]))
    let (bytes, notices) = try DfuSeFileWriter.encode([t])
    #expect(notices.count == 1 && notices[0].contains("0xFF") && notices[0].contains("8-byte"))
    let read = try DfuSeFileReader.read(bytes, file: "x.dfu").targets[0].image
    // 0x08000003..0x0800000C share words 0x08000000 and 0x08000008 → one element 0x08000000..0x08000010.
    #expect(read.segments.map(\.address) == [0x0800_0000, 0x0800_0100])
    #expect(read.segments[0].bytes == [0xFF, 0xFF, 0xFF, 1, 2, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 4, 0xFF, 0xFF, 0xFF])
    #expect(read.segments.allSatisfy { $0.bytes.count % 8 == 0 && $0.address % 8 == 0 })
    let (h7, _) = try DfuSeFileWriter.encode([t], flashWordSize: 32)
    #expect(try DfuSeFileReader.read(h7, file: "x.dfu").targets[0].image.segments[0].bytes.count == 32)
  }

  @Test func familyFlashWords() {
    #expect(DfuSeFileWriter.flashWordSize(family: "L476") == 8)
    #expect(DfuSeFileWriter.flashWordSize(family: "h743") == 32)
    #expect(DfuSeFileWriter.flashWordSize(family: "H7A3") == 16)
    #expect(DfuSeFileWriter.flashWordSize(family: "u575") == 16)
    #expect(DfuSeFileWriter.flashWordSize(family: "esp32") == nil)
  }

  @Test func bothImageSizeConventionsAreAcceptedOthersNoted() throws {
    let (bytes, _) = try DfuSeFileWriter.encode([FirmwareTarget(image: try image([(0x0800_0000, Make.bytes(8))]))])
    func withImageSize(_ v: UInt32) -> [UInt8] {
      var b = bytes
      b.replaceSubrange(6..<10, with: Make.le32(v))
      b.removeLast(4)
      b += Make.le32(CRC32.dfuCRC(b))
      return b
    }
    #expect(try DfuSeFileReader.read(withImageSize(UInt32(bytes.count - 16)), file: "x").notices.isEmpty)
    #expect(try DfuSeFileReader.read(withImageSize(UInt32(bytes.count)), file: "x").notices.isEmpty)
    #expect(try DfuSeFileReader.read(withImageSize(7), file: "x").notices.count == 1)
  }

  @Test func badCRCIsRefused() throws {
    var (bytes, _) = try DfuSeFileWriter.encode([FirmwareTarget(image: try image([(0x0800_0000, Make.bytes(8))]))])
    bytes[300] ^= 1
    do { _ = try DfuSeFileReader.read(bytes, file: "x.dfu"); Issue.record("accepted") } catch {
      guard case .badCRC = error else { Issue.record("wrong error \(error)"); return }
      #expect(error.description.contains("x.dfu") && error.description.contains("CRC"))
    }
  }

  @Test func unpaddedElementsFromOtherToolsGetANotice() throws {
    // Built by hand like DFU File Manager: one 5-byte element.
    var b: [UInt8] = Array("DfuSe".utf8) + [1] + Make.le32(0) + [1]
    b += Array("Target".utf8) + [0] + Make.le32(1) + Array("ST...".utf8) + [UInt8](repeating: 0, count: 250)
    b += Make.le32(13) + Make.le32(1) + Make.le32(0x0800_0000) + Make.le32(5) + [1, 2, 3, 4, 5]
    b += Make.le16(0) + Make.le16(0xDF11) + Make.le16(0x0483) + Make.le16(0x011A) + Array("UFD".utf8) + [16]
    b += Make.le32(CRC32.dfuCRC(b))
    let loaded = try DfuSeFileReader.read(b, file: "fm.dfu")
    #expect(loaded.notices.contains { $0.contains("element 0") && $0.contains("multiple of 8") })
    #expect(loaded.targets[0].name == "ST..." && loaded.targets[0].image.byteCount == 5)
  }

  @Test func plainDFUFileNeedsAnAddress() throws {
    var b: [UInt8] = [1, 2, 3, 4]
    DFUSuffix(bcdDevice: 0xFFFF, productID: 0xFFFF, vendorID: 0xFFFF, bcdDFU: DFUSuffix.plainVersion).append(to: &b)
    #expect(FirmwareLoader.detectFormat(b, fileName: "p.dfu") == .plainDFU)
    #expect(throws: FileFormatError.needsAddress(file: "p.dfu", format: .plainDFU)) {
      try FirmwareLoader.load(b, fileName: "p.dfu", rawAddress: nil)
    }
    let loaded = try FirmwareLoader.load(b, fileName: "p.dfu", rawAddress: 0x0800_0000)
    #expect(loaded.format == .plainDFU && loaded.onlyImage?.segments[0].bytes == [1, 2, 3, 4])
  }

  func device(vid: UInt16 = 0x0483, pid: UInt16 = 0xDF11, bcd: UInt16 = 0x2200) -> DFUDeviceInfo {
    DFUDeviceInfo(vendorID: vid, productID: pid, deviceRelease: bcd, manufacturer: nil, product: nil, serialNumber: nil,
                  busNumber: 1, portNumbers: [1], deviceAddress: 2, interfaceNumber: 0, interfaceProtocol: 2,
                  alternateSettings: [], functionalDescriptor: nil)
  }

  @Test func suffixMatchingTreatsFFFFAndZeroBcdAsWildcards() {
    #expect(DFUSuffix(bcdDevice: 0xFFFF, productID: 0xFFFF, vendorID: 0xFFFF).mismatch(with: device()) == nil)
    #expect(DFUSuffix(bcdDevice: 0x0000).mismatch(with: device()) == nil)
    #expect(DFUSuffix(bcdDevice: 0x2200).mismatch(with: device()) == nil)
    let wrongID = DFUSuffix(productID: 0x0008, vendorID: 0x0694).mismatch(with: device())
    #expect(wrongID?.contains("0694:0008") == true && wrongID?.contains("0483:df11") == true)
    #expect(DFUSuffix(bcdDevice: 0x2100).mismatch(with: device())?.contains("2100") == true)
  }

  @Test func writerRefusesWhatItCannotEncode() throws {
    #expect(throws: FileFormatError.self) { try DfuSeFileWriter.encode([]) }
    #expect(throws: FileFormatError.self) { try DfuSeFileWriter.encode([FirmwareTarget(image: FirmwareImage())]) }
    let long = FirmwareTarget(name: String(repeating: "x", count: 255), image: try image([(0, [1])]))
    #expect(throws: FileFormatError.self) { try DfuSeFileWriter.encode([long]) }
  }

  @Test func dfuSuffixToolAcceptsOurFiles() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/dfu-suffix") else {
      print("skipped: dfu-suffix (Debian package dfu-util) is not installed; `make test` installs it")
      return
    }
    let dir = try FirmwareTempDir()
    let t = FirmwareTarget(alternateSetting: 0, name: "ST...", image: try image([(0x0800_0000, Make.bytes(1001))]))
    let (bytes, _) = try DfuSeFileWriter.encode([t])
    let path = try dir.write("x.dfu", bytes)
    let result = runTool("dfu-suffix", ["--check", path])
    #expect(result?.status == 0)
    #expect(result?.output.contains("Vendor ID:\t0x0483") == true && result?.output.contains("BCD DFU:\t0x011A") == true)
  }
}
