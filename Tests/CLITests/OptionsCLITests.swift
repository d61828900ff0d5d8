import Foundation
import Testing

/// `dfutui options …` and `dfutui unprotect` against the simulated boards.
@Suite struct OptionsCLITests {
  func sim(_ profile: String, _ dir: TemporaryDirectory) -> [String] {
    ["--simulate", profile, "--sim-state", dir.path("board"), "--sim-time", "instant"]
  }

  @Test(arguments: ["stm32f405", "stm32l476"])
  func showDecodesAndPredictsBoot(profile: String) throws {
    let dir = try TemporaryDirectory()
    let r = try CLI.run(["options", "show", "--raw"] + sim(profile, dir))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("RDP: level 0 (no protection) [0xAA]"))
    #expect(r.stdout.contains("BOOT0=0 → main flash bank 1"))
    #expect(r.stdout.contains("BOOT0=1 → system memory (ROM bootloader, DFU)"))
    let j = try CLI.run(["options", "show", "--json"] + sim(profile, dir))
    let json = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
    #expect((json?["result"] as? [String: Any])?["readProtection"] as? Int == 0)
  }

  @Test func setNeedsYesThenWritesVerifies() throws {
    let dir = try TemporaryDirectory()
    let refused = try CLI.run(["options", "set", "nRST_STOP=0"] + sim("stm32f405", dir))
    #expect(refused.status == 65)
    #expect(refused.stdout.contains("nRST_STOP: no reset on Stop → reset when entering Stop"))
    #expect(refused.stderr.contains("add --yes"))
    let ok = try CLI.run(["options", "set", "nRST_STOP=0", "--yes"] + sim("stm32f405", dir))
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout.contains("written and verified"))
    let show = try CLI.run(["options", "show"] + sim("stm32f405", dir))
    #expect(show.stdout.contains("nRST_STOP: reset when entering Stop"))
    let reset = try CLI.run(["options", "reset-defaults", "--yes"] + sim("stm32f405", dir))
    #expect(reset.status == 0, "\(reset.stderr)")
    #expect(try CLI.run(["options", "show"] + sim("stm32f405", dir)).stdout.contains("nRST_STOP: no reset on Stop"))
  }

  @Test func rdp2NeedsThePhrase() throws {
    let dir = try TemporaryDirectory()
    let r = try CLI.run(["options", "set", "RDP=level2", "--yes"] + sim("stm32f405", dir))
    #expect(r.status == 65)
    #expect(r.stderr.contains("--irreversible-rdp2"))
    #expect(try CLI.run(["options", "show"] + sim("stm32f405", dir)).stdout.contains("RDP: level 0"))
  }

  @Test(arguments: ["stm32f405", "stm32l476"])
  func protectThenUnprotect(profile: String) throws {
    let dir = try TemporaryDirectory()
    let p = try CLI.run(["options", "set", "RDP=level1", "--yes"] + sim(profile, dir))
    #expect(p.status == 0, "\(p.stderr)")
    #expect(p.stdout.contains("NOT verified"))
    let show = try CLI.run(["options", "show"] + sim(profile, dir))
    #expect(show.status == 1)
    #expect(show.stdout.contains("level 1 is ACTIVE"))
    #expect(try CLI.run(["unprotect"] + sim(profile, dir)).status == 65)
    let u = try CLI.run(["unprotect", "--yes"] + sim(profile, dir))
    #expect(u.status == 0, "\(u.stderr)")
    #expect(u.stdout.contains("RDP level 0 (no protection) confirmed"))
  }
}
