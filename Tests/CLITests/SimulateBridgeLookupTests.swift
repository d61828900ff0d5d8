import Foundation
import Testing

/// `dfutui simulate` finds `umockdev-usb-bridge.py` from an installed or
/// copied binary run through `$PATH` from any directory (issue 12: it failed
/// from a release build outside the checkout), not only from the source tree.
@Suite(.serialized) struct SimulateBridgeLookupTests {
  static let scriptName = "umockdev-usb-bridge.py"
  /// The real bridge, in this checkout.
  static let realBridge = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts/\(scriptName)").path

  init() throws {
    if let missing = USBSim.missing { Issue.record(Comment(rawValue: missing)) }
  }

  /// A `prefix/bin/dfutui` copy of the binary under test, in a fresh directory.
  func install(_ dir: TemporaryDirectory) throws -> String {
    let bin = dir.path("prefix/bin")
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: CLI.binary.path, toPath: bin + "/dfutui")
    return bin
  }

  /// A bridge at `path` that records its own path in `marker`, then runs the real bridge.
  func placeBridge(at path: String, marker: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    let script = """
      import os, sys
      with open(\(pythonString(marker)), "w") as f:
          f.write(os.path.abspath(__file__))
      os.execv(sys.executable, [sys.executable, \(pythonString(Self.realBridge))] + sys.argv[1:])
      """
    try script.write(toFile: path, atomically: true, encoding: .utf8)
  }

  func pythonString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "\\'") + "'" }

  /// `cd elsewhere && PATH=bin:$PATH dfutui simulate … -- true`: argv[0] is the bare name "dfutui".
  func runSimulate(bin: String, cwd: String, environment: String = "") throws -> CLIResult {
    let script = """
      cd '\(cwd)' && PATH='\(bin)':"$PATH" \(environment) exec timeout -k 5 60 \
      dfutui simulate --profile stm32l476 --sim-time instant -- true
      """
    return try CLI.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", script])
  }

  @Test func anInstalledBinaryUsesTheScriptInShare() throws {
    let dir = try TemporaryDirectory()
    let bin = try install(dir)
    let marker = dir.path("marker")
    try placeBridge(at: dir.path("prefix/share/dfutui/\(Self.scriptName)"), marker: marker)
    try FileManager.default.createDirectory(atPath: dir.path("elsewhere"), withIntermediateDirectories: true)
    let r = try runSimulate(bin: bin, cwd: dir.path("elsewhere"))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: marker, encoding: .utf8).hasSuffix("prefix/share/dfutui/\(Self.scriptName)"))
  }

  @Test func aCopiedBinaryUsesTheScriptBesideIt() throws {
    let dir = try TemporaryDirectory()
    let bin = try install(dir)
    let marker = dir.path("marker")
    try placeBridge(at: bin + "/\(Self.scriptName)", marker: marker)
    let r = try runSimulate(bin: bin, cwd: FileManager.default.temporaryDirectory.path)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: marker, encoding: .utf8).hasSuffix("prefix/bin/\(Self.scriptName)"))
  }

  @Test func theEnvironmentOverrideComesFirst() throws {
    let dir = try TemporaryDirectory()
    let bin = try install(dir)
    let marker = dir.path("marker")
    try placeBridge(at: dir.path("prefix/share/dfutui/\(Self.scriptName)"), marker: dir.path("unused"))
    try placeBridge(at: dir.path("custom/bridge.py"), marker: marker)
    let r = try runSimulate(bin: bin, cwd: dir.path("custom"),
                            environment: "DFUTUI_SIMULATOR_BRIDGE='\(dir.path("custom/bridge.py"))'")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: marker, encoding: .utf8).hasSuffix("custom/bridge.py"))
    #expect(!FileManager.default.fileExists(atPath: dir.path("unused")))
  }

  @Test func anOverrideNamingNoFileIsRefusedWithTheVariableNamed() throws {
    let dir = try TemporaryDirectory()
    let bin = try install(dir)
    let r = try runSimulate(bin: bin, cwd: dir.url.path, environment: "DFUTUI_SIMULATOR_BRIDGE=/nonexistent/bridge.py")
    #expect(r.status == 64)
    #expect(r.stderr.contains("$DFUTUI_SIMULATOR_BRIDGE names /nonexistent/bridge.py, which does not exist"), "\(r.stderr)")
  }
}
