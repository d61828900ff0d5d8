import Foundation
import Testing

@testable import DfuSe

/// Fixtures made by the real toolchain (issue #3): Debian's gcc-arm-none-eabi builds
/// Tests/Fixtures/cortexm/app.c with link.ld in a temp dir, objcopy writes .hex/.srec/.bin, and
/// every reader must give the same bytes. Skipped with a message when the toolchain is
/// missing; `make test` installs it.
@Suite struct ToolchainFixtureTests {
  struct Built {
    let dir: FirmwareTempDir
    func bytes(_ name: String) throws -> [UInt8] { try dir.read(name) }
  }

  static let fixtureDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/cortexm")

  static func build() throws -> Built? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/arm-none-eabi-gcc") else {
      print("skipped: arm-none-eabi-gcc is not installed (Debian gcc-arm-none-eabi binutils-arm-none-eabi; `make test` installs them)")
      return nil
    }
    let dir = try FirmwareTempDir()
    let gcc = runTool("arm-none-eabi-gcc", ["-mcpu=cortex-m4", "-mthumb", "-Os", "-nostdlib", "-ffreestanding",
                                             "-T", fixtureDir.appendingPathComponent("link.ld").path,
                                             fixtureDir.appendingPathComponent("app.c").path, "-o", "app.elf"], in: dir.url)
    try #require(gcc?.status == 0, "arm-none-eabi-gcc failed: \(gcc?.output ?? "")")
    for (format, out, extra) in [("ihex", "app.hex", [String]()), ("srec", "app.srec", []),
                                 ("binary", "app.bin", ["--gap-fill", "0xff"])] {
      let r = runTool("arm-none-eabi-objcopy", ["-O", format] + extra + ["app.elf", out], in: dir.url)
      try #require(r?.status == 0, "objcopy -O \(format) failed: \(r?.output ?? "")")
    }
    return Built(dir: dir)
  }

  /// `nm` value of a symbol in the fixture.
  static func symbol(_ name: String, in built: Built) -> UInt32? {
    guard let r = runTool("arm-none-eabi-nm", ["app.elf"], in: built.dir.url) else { return nil }
    for line in r.output.split(separator: "\n") {
      let parts = line.split(separator: " ")
      if parts.count == 3, parts[2] == name { return UInt32(parts[0], radix: 16) }
    }
    return nil
  }

  @Test func elfHexSrecAndBinAgreeByteForByte() throws {
    guard let built = try Self.build() else { return }
    let elf = try FirmwareLoader.load(try built.bytes("app.elf"), fileName: "app.elf", rawAddress: nil)
    let hex = try FirmwareLoader.load(try built.bytes("app.hex"), fileName: "app.hex", rawAddress: nil)
    let srec = try FirmwareLoader.load(try built.bytes("app.srec"), fileName: "app.srec", rawAddress: nil)
    #expect((elf.format, hex.format, srec.format) == (.elf, .intelHex, .srec))
    let e = try #require(elf.onlyImage), h = try #require(hex.onlyImage), s = try #require(srec.onlyImage)
    #expect(e.segments.map(\.address) == h.segments.map(\.address) && e.segments.map(\.bytes) == h.segments.map(\.bytes))
    #expect(e.segments.map(\.address) == s.segments.map(\.address) && e.segments.map(\.bytes) == s.segments.map(\.bytes))
    #expect(e.entryPoint == h.entryPoint && e.entryPoint == s.entryPoint && e.entryPoint != nil)
    let bin = try #require(try FirmwareLoader.load(try built.bytes("app.bin"), fileName: "app.bin", rawAddress: 0x0800_0000).onlyImage)
    #expect(try ImageExport.binary(e).bytes == bin.segments[0].bytes)
  }

  @Test func dataIsAtItsLoadAddressAndBssAndRAMAreNotFlashed() throws {
    guard let built = try Self.build() else { return }
    let image = try #require(try ELFReader.read(try built.bytes("app.elf"), file: "app.elf").image as FirmwareImage?)
    let sidata = try #require(Self.symbol("_sidata", in: built))
    #expect((0..<4).map { image.byte(at: sidata + UInt32($0)) } == [0x78, 0x56, 0x34, 0x12], "counter's initialiser at the LMA")
    #expect(image.byte(at: 0x2000_0000) == nil, "nothing at the RAM address")
    #expect(image.lowestAddress == 0x0800_0000)
    let ebss = try #require(Self.symbol("_ebss", in: built)), sbss = try #require(Self.symbol("_sbss", in: built))
    #expect(ebss - sbss >= 256, ".bss exists in the ELF")
    #expect(image.endAddress! <= UInt64(sidata) + 16, "no .bss bytes after .data in flash")
    let vt = try #require(VectorTable(image: image))
    #expect(vt.initialStackPointer == 0x2001_0000 && vt.problems.isEmpty)
    #expect(vt.resetVector == image.entryPoint)
  }

  @Test func convertedDfuPassesDfuSuffixCheckAndReadsBack() throws {
    guard let built = try Self.build() else { return }
    let image = try #require(try FirmwareLoader.load(try built.bytes("app.hex"), fileName: "app.hex", rawAddress: nil).onlyImage)
    let (dfu, _) = try DfuSeFileWriter.encode([FirmwareTarget(alternateSetting: 0, name: "ST...", image: image)])
    let path = try built.dir.write("app.dfu", dfu)
    if let r = runTool("dfu-suffix", ["--check", path]) {
      #expect(r.status == 0 && r.output.contains("0x011A"), "\(r.output)")
    } else {
      print("skipped dfu-suffix --check: dfu-util is not installed")
    }
    let back = try #require(try DfuSeFileReader.read(dfu, file: "app.dfu").targets.first?.image)
    #expect(back.segments.allSatisfy { $0.bytes.count % 8 == 0 })
    #expect(Array(back.segments[0].bytes.prefix(image.byteCount)) == image.segments[0].bytes)
  }
}
