import Foundation
import Testing

/// The chip identity in `list` and `--family` on the device commands (issue 12).
@Suite struct ChipIdentityCLITests {
  func sim(_ profile: String, _ dir: TemporaryDirectory) -> [String] {
    ["--simulate", profile, "--sim-state", dir.path("board"), "--sim-time", "instant"]
  }

  @Test func listShowsTheIdentityAndItsCandidates() throws {
    let dir = try TemporaryDirectory()
    let r = try CLI.run(["list"] + sim("stm32l476", dir))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("chip STM32L47x/L48x or STM32L49x/L4Ax (1 MiB), ambiguous"))
    #expect(r.stdout.contains("candidates: STM32L47x/L48x, STM32L49x/L4Ax"))
    let told = try CLI.run(["list", "--family", "l476"] + sim("stm32l476", dir))
    #expect(told.stdout.contains("chip STM32L47x/L48x (1 MiB) (--family l476)"), "\(told.stdout)")
    let f405 = try CLI.run(["list"] + sim("stm32f405", dir))
    #expect(f405.stdout.contains("chip STM32F405/F407/F415/F417"))
  }

  @Test func badOrContradictingFamiliesAreRefused() throws {
    let dir = try TemporaryDirectory()
    let unknown = try CLI.run(["list", "--family", "z80"] + sim("stm32l476", dir))
    #expect(unknown.status == 64 && unknown.stderr.contains("unknown family 'z80'"))
    let wrong = try CLI.run(["options", "show", "--family", "f405"] + sim("stm32l476", dir))
    #expect(wrong.status == 64 && wrong.stderr.contains("--family f405 does not fit this device"), "\(wrong.stderr)")
  }

  @Test func possiblyReservedBootBitsAreNotWrittenUntilTheFamilyIsKnown() throws {
    let dir = try TemporaryDirectory()
    let show = try CLI.run(["options", "show"] + sim("stm32l476", dir))
    #expect(show.status == 0, "\(show.stderr)")
    #expect(show.stdout.contains("BFB2: boot from bank 1") && show.stdout.contains("DUALBANK: dual bank"))
    #expect(show.stdout.contains("nSWBOOT0: BOOT0 pin [0x1]  {bootPath}  (read-only"))
    let refused = try CLI.run(["options", "set", "nSWBOOT0=0", "--yes"] + sim("stm32l476", dir))
    #expect(refused.status == 65 && refused.stderr.contains("nSWBOOT0 is shown but not written"), "\(refused.stderr)")
    let l476 = try CLI.run(["options", "show", "--family", "l476"] + sim("stm32l476", dir))
    #expect(l476.status == 0 && !l476.stdout.contains("nSWBOOT0") && l476.stdout.contains("Option bytes: L47x/L48x"))
  }
}
