import Foundation
import Testing

/// The built binary, run as a user would, against simulated boards.
@Suite struct CLITests {
  func sim(_ profile: String, _ dir: TemporaryDirectory) -> [String] {
    ["--simulate", profile, "--sim-state", dir.path("board"), "--sim-time", "instant"]
  }

  @Test func listShowsTheSimulatedF405WithItsAlternateSettings() throws {
    let r = try CLI.run(["list", "--simulate", "stm32f405", "--sim-time", "instant"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("0483:df11"))
    #expect(r.stdout.contains("\"STM32  BOOTLOADER\""))
    #expect(r.stdout.contains("alt 0  Internal Flash"))
    #expect(r.stdout.contains("alt 1  Option Bytes"))
    #expect(r.stdout.contains("0x08000000–0x0800FFFF  4 × 16 KiB  rew"))
  }

  @Test func listJSONCarriesTheExactAltStrings() throws {
    let r = try CLI.run(["list", "--json", "--simulate", "stm32l476", "--sim-time", "instant"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(json["command"] as? String == "list" && json["ok"] as? Bool == true)
    let result = try #require(json["result"] as? [String: Any])
    let device = try #require((result["devices"] as? [[String: Any]])?.first)
    #expect(device["vendorID"] as? Int == 0x0483)
    #expect(device["usbID"] as? String == "0483:df11")
    let chip = try #require(device["chip"] as? [String: Any])
    #expect(chip["certainty"] as? String == "ambiguous")
    #expect((chip["candidates"] as? [String])?.count == 2)
    let alts = try #require(device["alternateSettings"] as? [[String: Any]])
    #expect(alts.count == 4)
    #expect(alts.first?["name"] as? String == "@Internal Flash  /0x08000000/0512*0002Kg")
    let segment = try #require((alts.first?["segments"] as? [[String: Any]])?.first)
    #expect(segment["address"] as? Int == 0x0800_0000 && segment["addressHex"] as? String == "0x08000000")
  }

  @Test(arguments: ["stm32f405", "stm32l476"])
  func writeVerifiesAndReadGivesTheSameBytesBack(profile: String) throws {
    let dir = try TemporaryDirectory()
    let image = testBytes(5001)
    let file = try dir.write("app.bin", image)
    let w = try CLI.run(["write", file, "--address", "0x08000000"] + sim(profile, dir))
    #expect(w.status == 0, "\(w.stderr)")
    #expect(w.stdout.contains("Wrote and verified 5001 bytes at 0x08000000"))
    #expect(w.stderr.contains("incl. 7 bytes of padding"))
    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "5001", "-o", dir.path("back.bin")] + sim(profile, dir))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try dir.read("back.bin") == image)
  }

  @Test func writeOutsideFlashIsRefusedBeforeTouchingTheDevice() throws {
    let dir = try TemporaryDirectory()
    let first = try dir.write("a.bin", testBytes(64, seed: 1))
    #expect(try CLI.run(["write", first, "--address", "0x08000000"] + sim("stm32f405", dir)).status == 0)
    let big = try dir.write("b.bin", testBytes(64 * 1024, seed: 2))
    let w = try CLI.run(["write", big, "--address", "0x080F8000"] + sim("stm32f405", dir))
    #expect(w.status == 65)
    #expect(w.stderr.contains("0x08100000 is outside \"Internal Flash\""))
    #expect(w.stderr.contains("Nothing was sent to the device"))
    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "64", "-o", dir.path("back.bin")] + sim("stm32f405", dir))
    #expect(r.status == 0)
    #expect(try dir.read("back.bin") == testBytes(64, seed: 1))
  }

  @Test func badInputsGetClearErrorsAndTheirExitCodes() throws {
    let dir = try TemporaryDirectory()
    let empty = try dir.write("empty.bin", [])
    let e = try CLI.run(["write", empty, "--address", "0x08000000"] + sim("stm32f405", dir))
    #expect(e.status == 65 && e.stderr.contains("is empty"))
    let missing = try CLI.run(["write", dir.path("nope.bin"), "--address", "0x08000000"] + sim("stm32f405", dir))
    #expect(missing.status == 65 && missing.stderr.contains("cannot read"))
    let badAddress = try CLI.run(["read", "--address", "0x1G", "--length", "4", "-o", dir.path("x")] + sim("stm32f405", dir))
    #expect(badAddress.status == 64)
    let badProfile = try CLI.run(["list", "--simulate", "stm32f999"])
    #expect(badProfile.status == 64 && badProfile.stderr.contains("stm32f405"))
    let pastEnd = try CLI.run(["read", "--address", "0x080FFF00", "--length", "1K", "-o", dir.path("x")] + sim("stm32f405", dir))
    #expect(pastEnd.status == 65 && pastEnd.stderr.contains("not all readable"))
  }

  @Test func massEraseNeedsYesAndThenErasesEverything() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("a.bin", testBytes(4096, seed: 3))
    #expect(try CLI.run(["write", file, "--address", "0x08000000"] + sim("stm32l476", dir)).status == 0)
    let refused = try CLI.run(["erase", "--mass"] + sim("stm32l476", dir))
    #expect(refused.status == 65 && refused.stderr.contains("--yes"))
    let kept = try CLI.run(["read", "--address", "0x08000000", "--length", "4096", "-o", dir.path("k.bin")] + sim("stm32l476", dir))
    #expect(kept.status == 0)
    #expect(try dir.read("k.bin") == testBytes(4096, seed: 3))
    let done = try CLI.run(["erase", "--mass", "--yes"] + sim("stm32l476", dir))
    #expect(done.status == 0, "\(done.stderr)")
    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "4096", "-o", dir.path("e.bin")] + sim("stm32l476", dir))
    #expect(try dir.read("e.bin") == [UInt8](repeating: 0xFF, count: 4096), "\(r.stderr)")
  }

  @Test func sectorEraseClearsOnlyTheSectorsNamed() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("a.bin", testBytes(48 * 1024, seed: 4))
    #expect(try CLI.run(["write", file, "--address", "0x08000000"] + sim("stm32f405", dir)).status == 0)
    let e = try CLI.run(["erase", "--address", "0x08004010"] + sim("stm32f405", dir))
    #expect(e.status == 0, "\(e.stderr)")
    #expect(e.stdout.contains("Erased 1 sector"))
    _ = try CLI.run(["read", "--address", "0x08000000", "--length", "48K", "-o", dir.path("b.bin")] + sim("stm32f405", dir))
    let back = try dir.read("b.bin")
    let image = testBytes(48 * 1024, seed: 4)
    #expect(Array(back[0..<0x4000]) == Array(image[0..<0x4000]))
    #expect(Array(back[0x4000..<0x8000]) == [UInt8](repeating: 0xFF, count: 0x4000))
    #expect(Array(back[0x8000...]) == Array(image[0x8000...]))
  }

  @Test func leaveReportsTheJumpAndSuccess() throws {
    let dir = try TemporaryDirectory()
    let vectors: [UInt8] = [0x00, 0x00, 0x02, 0x20, 0x01, 0x01, 0x00, 0x08]
    let file = try dir.write("app.bin", vectors + testBytes(1016, seed: 5))
    #expect(try CLI.run(["write", file, "--address", "0x08000000"] + sim("stm32f405", dir)).status == 0)
    let r = try CLI.run(["leave"] + sim("stm32f405", dir))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("jumped to the application at 0x08000000"))
  }

  @Test func severalBoardsMustBeChosenBetween() throws {
    let dir = try TemporaryDirectory()
    let both = ["--simulate", "stm32f405", "--simulate", "stm32l476", "--sim-time", "instant"]
    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "16", "-o", dir.path("x.bin")] + both)
    #expect(r.status == 3)
    #expect(r.stderr.contains("2 DFU devices match"))
    #expect(r.stderr.contains("--serial"))
    let list = try CLI.run(["list", "--json"] + both)
    let envelope = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
    let devices = try #require((envelope["result"] as? [String: Any])?["devices"] as? [[String: Any]])
    let serial = try #require(devices.last?["serial"] as? String)
    let picked = try CLI.run(["read", "--address", "0x08000000", "--length", "16", "-o", dir.path("x.bin"), "--serial", serial] + both)
    #expect(picked.status == 0, "\(picked.stderr)")
  }

  @Test func listOnRealUSBWithNoBoardSaysSoAndSucceeds() throws {
    let r = try CLI.run(["list"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("No DFU devices found") || r.stdout.contains("0483:df11"))
  }
}
