import Foundation
import Testing

/// `write` picks page erases or a lossless mass erase by cost and says why (issue 12).
@Suite struct EraseStrategyCLITests {
  func sim(_ dir: TemporaryDirectory) -> [String] {
    ["--simulate", "stm32l476", "--sim-state", dir.path("board"), "--sim-time", "instant"]
  }

  let image: [UInt8] = [0x00, 0x00, 0x02, 0x20, 0xC1, 0x01, 0x00, 0x08] + testBytes(256 * 1024 - 8, seed: 7)

  @Test func aBlankL476IsMassErasedAndThePlanSaysWhy() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", image)
    let r = try CLI.run(["write", file, "--address", "0x08000000"] + sim(dir))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("Erase: mass erase if the other 768 KiB read blank"), "\(r.stderr)")
    #expect(r.stdout.contains("Erase: mass erase 44 ms instead of 128 page erases 2.82 s: the other 768 KiB read blank"),
            "\(r.stdout)")
  }

  @Test func noMassEraseKeepsPageErasesAndACalibrationPageSurvivesEitherWay() throws {
    let dir = try TemporaryDirectory()
    let calibration = testBytes(2048, seed: 8)
    let cal = try dir.write("cal.bin", calibration)
    #expect(try CLI.run(["write", cal, "--address", "0x080FF800"] + sim(dir)).status == 0)
    let file = try dir.write("app.bin", image)
    let off = try CLI.run(["write", file, "--address", "0x08000000", "--no-mass-erase"] + sim(dir))
    #expect(off.status == 0, "\(off.stderr)")
    #expect(off.stdout.contains("Erase: 128 page erases: mass erase turned off (--no-mass-erase)"), "\(off.stdout)")
    let on = try CLI.run(["write", file, "--address", "0x08000000"] + sim(dir))
    #expect(on.status == 0, "\(on.stderr)")
    #expect(on.stdout.contains("holds data at 0x080FF800"), "\(on.stdout)")
    let back = dir.path("back.bin")
    let r = try CLI.run(["read", "-o", back, "--address", "0x080FF800", "--length", "2048"] + sim(dir))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try dir.read("back.bin") == calibration)
  }
}
