import Foundation
import Testing

/// `dfutui --version` (issue 12).
@Suite struct VersionCLITests {
  @Test func versionPrintsTheVersionAndExitsZero() throws {
    let r = try CLI.run(["--version"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.range(of: #"^dfutui \d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(r.stdout)")
  }

  @Test func dashVIsVerboseNotVersion() throws {
    let r = try CLI.run(["list", "-v", "--simulate", "stm32f405", "--sim-time", "instant"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stdout.hasPrefix("dfutui "), "\(r.stdout)")
  }
}
