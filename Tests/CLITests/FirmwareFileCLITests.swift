import Foundation
import Testing

/// `dfutui convert`, `dfutui info` and `read -o x.hex`, run as a user would (issue #3).
@Suite struct FirmwareFileCLITests {
  /// A small Intel HEX file: 20 bytes at 0x08000000 (vector table first) and 3 at 0x08000016.
  func hexFile(_ dir: TemporaryDirectory) throws -> String {
    func record(_ type: UInt8, _ offset: UInt16, _ data: [UInt8]) -> String {
      let body = [UInt8(data.count), UInt8(offset >> 8), UInt8(offset & 0xFF), type] + data
      return ":" + (body + [0 &- body.reduce(0, &+)]).map { String(format: "%02X", $0) }.joined()
    }
    let vectors: [UInt8] = [0x00, 0x00, 0x02, 0x20, 0x09, 0x00, 0x00, 0x08] + Array(repeating: 0xAA, count: 12)
    let text = [record(4, 0, [0x08, 0x00]), record(0, 0, vectors), record(0, 0x16, [1, 2, 3]),
                record(5, 0, [0x08, 0, 0, 0x09]), ":00000001FF"].joined(separator: "\n") + "\n"
    return try dir.write("app.hex", Array(text.utf8))
  }

  @Test func convertHexToPaddedDfuAndBack() throws {
    let dir = try TemporaryDirectory()
    let hex = try hexFile(dir)
    let c = try CLI.run(["convert", hex, dir.path("app.dfu")])
    #expect(c.status == 0, "\(c.stderr)")
    #expect(c.stdout.contains("DfuSe file, 1 target (alt 0), 8-byte flash words, for 0483:df11"))
    #expect(c.stderr.contains("padded with") && c.stderr.contains("0xFF"))
    let dfu = try dir.read("app.dfu")
    #expect(dfu.starts(with: Array("DfuSe".utf8)) && Array(dfu.suffix(16)[(dfu.count - 8)..<(dfu.count - 5)]) == Array("UFD".utf8))
    let b = try CLI.run(["convert", dir.path("app.dfu"), dir.path("back.bin")])
    #expect(b.status == 0 && b.stdout.contains("--address 0x08000000"), "\(b.stderr)")
    let bin = try dir.read("back.bin")
    #expect(bin.count == 0x20 && bin[0x14] == 0xFF && bin[0x16] == 1 && bin[0x19] == 0xFF)
  }

  @Test func convertOptionsSuffixIdsFamilyAndRawAddress() throws {
    let dir = try TemporaryDirectory()
    let raw = try dir.write("app.bin", Array(repeating: 0x5A, count: 10))
    let missing = try CLI.run(["convert", raw, dir.path("x.dfu")])
    #expect(missing.status == 65 && missing.stderr.contains("--address"))
    let c = try CLI.run(["convert", raw, dir.path("x.dfu"), "--address", "0x08004000", "--alt", "1", "--vid", "ffff",
                         "--pid", "0xffff", "--family", "h743"])
    #expect(c.status == 0, "\(c.stderr)")
    #expect(c.stdout.contains("alt 1") && c.stdout.contains("32-byte flash words") && c.stdout.contains("ffff:ffff"))
    let i = try CLI.run(["info", dir.path("x.dfu")])
    #expect(i.stdout.contains("0x08004000–0x0800401F  32 bytes"), "\(i.stdout)")
    #expect(try CLI.run(["convert", raw, dir.path("x.txt"), "--address", "0"]).status == 64)
  }

  @Test func infoShowsSegmentsEntryVectorsAndLint() throws {
    let dir = try TemporaryDirectory()
    let r = try CLI.run(["info", try hexFile(dir)])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Intel HEX, 1 target"))
    #expect(r.stdout.contains("0x08000000–0x08000013  20 bytes  CRC32 0x"))
    #expect(r.stdout.contains("entry point: 0x08000009"))
    #expect(r.stdout.contains("initial SP 0x20020000, reset 0x08000009 (looks like a Cortex-M vector table)"))
    #expect(r.stdout.contains("share the 8-byte flash word at 0x08000010"))
    #expect(r.stdout.contains("gap of 2 bytes"))
  }

  @Test func malformedFilesExit65WithWhereAndWhat() throws {
    let dir = try TemporaryDirectory()
    let bad = try dir.write("bad.hex", Array(":0100000001FF\n:00000001FF\n".utf8))
    let r = try CLI.run(["info", bad])
    #expect(r.status == 65 && r.stderr.contains("bad.hex line 1") && r.stderr.contains("checksum"))
    let c = try CLI.run(["convert", bad, dir.path("x.dfu")])
    #expect(c.status == 65)
    #expect(!FileManager.default.fileExists(atPath: dir.path("x.dfu")))
  }

  @Test func readWritesIntelHexWhenTheOutputSaysHex() throws {
    let dir = try TemporaryDirectory()
    let sim = ["--simulate", "stm32f405", "--sim-state", dir.path("board"), "--sim-time", "instant"]
    let image = testBytes(100, seed: 7)
    let w = try CLI.run(["write", try dir.write("a.bin", image), "--address", "0x08000000"] + sim)
    #expect(w.status == 0, "\(w.stderr)")
    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "100", "-o", dir.path("dump.hex")] + sim)
    #expect(r.status == 0 && r.stdout.contains("(Intel HEX)"), "\(r.stderr)")
    let text = String(decoding: try dir.read("dump.hex"), as: UTF8.self)
    #expect(text.hasPrefix(":020000040800F2\n") && text.hasSuffix(":00000001FF\n"))
    let back = try CLI.run(["convert", dir.path("dump.hex"), dir.path("dump.bin")])
    #expect(back.status == 0)
    #expect(try dir.read("dump.bin") == image)
  }
}
