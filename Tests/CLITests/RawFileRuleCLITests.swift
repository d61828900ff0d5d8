import Foundation
import Testing

/// Issue 12: `write garbage.txt`, `write app.c` and `write app.zip` ended "Wrote and verified …
/// at 0x08000000", over the vector table. Raw data is only a .bin (or `--format raw`) with an
/// explicit --address; anything else unknown is refused (exit 65) before the device is touched.
@Suite struct RawFileRuleCLITests {
  func sim(_ dir: TemporaryDirectory) -> [String] {
    ["--simulate", "stm32l476", "--sim-state", dir.path("board"), "--sim-time", "instant"]
  }

  let app: [UInt8] = [0x00, 0x00, 0x02, 0x20, 0xC1, 0x01, 0x00, 0x08] + testBytes(2040, seed: 7)

  /// Writes a known application, so a later refusal can be checked to have left it intact.
  func flashKnownApp(_ dir: TemporaryDirectory) throws {
    let w = try CLI.run(["write", try dir.write("good.bin", app), "--address", "0x08000000"] + sim(dir))
    #expect(w.status == 0, "\(w.stderr)")
  }

  func expectFlashStillHoldsTheApp(_ dir: TemporaryDirectory) throws {
    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "2048", "-o", dir.path("check.bin")] + sim(dir))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try dir.read("check.bin") == app, "the refused file must not reach the flash")
  }

  @Test(arguments: [
    ("garbage.txt", Array("this is not firmware\n".utf8), "looks like text"),
    ("app.c", Array("#include \"main.h\"\nint main(void) {\n  for (;;) {}\n}\n".utf8), "looks like source code"),
    ("app.zip", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00] + testBytes(200), "looks like a ZIP archive"),
  ])
  func unknownFilesAreRefusedAndNothingIsWritten(name: String, bytes: [UInt8], looks: String) throws {
    let dir = try TemporaryDirectory()
    try flashKnownApp(dir)
    let file = try dir.write(name, bytes)
    let r = try CLI.run(["write", file] + sim(dir))
    #expect(r.status == 65, "\(r.stdout)\(r.stderr)")
    #expect(r.stderr.contains("\(name) is not a firmware file dfutui reads: it \(looks)"), "\(r.stderr)")
    #expect(!r.stdout.contains("Wrote"))
    try expectFlashStillHoldsTheApp(dir)
    // The same rule for every command that reads firmware files.
    for args in [["restore", file] + sim(dir), ["convert", file, dir.path("x.dfu")], ["info", file]] {
      let other = try CLI.run(args)
      #expect(other.status == 65 && other.stderr.contains("it \(looks)"), "\(args[0]): \(other.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.path("x.dfu")))
  }

  @Test func aBinWithoutAddressIsRefusedSuggestingOne() throws {
    let dir = try TemporaryDirectory()
    try flashKnownApp(dir)
    let file = try dir.write("new.bin", [0x00, 0x00, 0x02, 0x20, 0x01, 0x02, 0x00, 0x08] + testBytes(100, seed: 9))
    for command in ["write", "restore", "info"] {
      let r = try CLI.run([command, file] + (command == "info" ? [] : sim(dir)))
      #expect(r.status == 65, "\(command): \(r.stderr)")
      #expect(r.stderr.contains("holds no address") && r.stderr.contains("--address 0x08000000"), "\(command): \(r.stderr)")
    }
    try expectFlashStillHoldsTheApp(dir)
    let info = try CLI.run(["info", file, "--address", "0x08000000"])
    #expect(info.status == 0 && info.stdout.contains("raw binary"), "\(info.stderr)")
  }

  @Test func formatRawWithAnAddressWritesAnyFileAsIs() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("firmware.img", app)
    let refused = try CLI.run(["write", file, "--address", "0x08000000"] + sim(dir))
    #expect(refused.status == 65 && refused.stderr.contains("--format raw"), "\(refused.stderr)")
    let noAddress = try CLI.run(["write", file, "--format", "raw"] + sim(dir))
    #expect(noAddress.status == 65 && noAddress.stderr.contains("--address"), "\(noAddress.stderr)")
    let w = try CLI.run(["write", file, "--format", "raw", "--address", "0x08000000"] + sim(dir))
    #expect(w.status == 0 && w.stdout.contains("Wrote and verified 2048 bytes at 0x08000000"), "\(w.stderr)")
    try expectFlashStillHoldsTheApp(dir)
  }

  @Test func anExplicitFormatUsesThatReaderAndABadValueIsAUsageError() throws {
    let dir = try TemporaryDirectory()
    let hex = try dir.write("fw.txt", Array(":0400000001020304F2\n:00000001FF\n".utf8))
    let asSrec = try CLI.run(["info", hex, "--format", "srec"])
    #expect(asSrec.status == 65 && asSrec.stderr.contains("a record starting with 'S'"), "\(asSrec.stderr)")
    let asHex = try CLI.run(["info", hex, "--format", "hex"])
    #expect(asHex.status == 0 && asHex.stdout.contains("Intel HEX"), "\(asHex.stderr)")
    #expect(try CLI.run(["info", hex, "--format", "zip"]).status == 64)
  }
}
