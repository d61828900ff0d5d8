import Foundation
import Testing

/// `--json`: one envelope for every command, numbers as numbers, `/` unescaped,
/// errors as one object on stdout with the exit code unchanged (README "JSON output").
@Suite struct JSONOutputTests {
  func sim(_ dir: TemporaryDirectory, _ profile: String = "stm32l476") -> [String] {
    ["--simulate", profile, "--sim-state", dir.path("board"), "--sim-time", "instant"]
  }

  /// Parses stdout as exactly one JSON object with the common envelope.
  func envelope(_ r: CLIResult, command: String, ok: Bool) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
    let json = try #require(object as? [String: Any], "stdout is not one JSON object: \(r.stdout)")
    #expect(json["command"] as? String == command)
    #expect(json["ok"] as? Bool == ok)
    if ok {
      #expect(json["result"] is [String: Any] && json["error"] == nil)
    } else {
      let error = try #require(json["error"] as? [String: Any])
      #expect((error["code"] as? NSNumber)?.int32Value == r.status)
      #expect((error["message"] as? String)?.isEmpty == false)
    }
    return json
  }

  func device(_ json: [String: Any]) -> [String: Any]? { json["device"] as? [String: Any] }
  func result(_ json: [String: Any]) -> [String: Any] { json["result"] as? [String: Any] ?? [:] }

  @Test func writeReadEraseAndLeaveShareOneEnvelope() throws {
    let dir = try TemporaryDirectory()
    let vectors: [UInt8] = [0x00, 0x00, 0x01, 0x20, 0x01, 0x01, 0x00, 0x08]
    let file = try dir.write("app.bin", vectors + testBytes(3000, seed: 21))

    let w = try CLI.run(["write", file, "--address", "0x08000000", "--json"] + sim(dir))
    #expect(w.status == 0, "\(w.stderr)")
    let write = try envelope(w, command: "write", ok: true)
    #expect(device(write)?["vendorID"] as? Int == 0x0483)
    #expect(device(write)?["productID"] as? Int == 0xDF11)
    let report = try #require(result(write)["report"] as? [String: Any])
    #expect(report["verified"] as? Bool == true)
    #expect(report["imageBytes"] as? Int == 3008)
    let sectors = try #require(result(write)["sectors"] as? [[String: Any]])
    #expect(sectors.first?["address"] as? Int == 0x0800_0000)
    #expect(sectors.first?["addressHex"] as? String == "0x08000000")
    #expect(w.stdout.contains("\"file\" : \"\(file)\""), "slashes must not be escaped: \(w.stdout)")

    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "3008", "-o", dir.path("back.bin"), "--json"] + sim(dir))
    #expect(r.status == 0, "\(r.stderr)")
    let read = try envelope(r, command: "read", ok: true)
    let range = try #require(result(read)["range"] as? [String: Any])
    #expect(range["address"] as? Int == 0x0800_0000 && range["length"] as? Int == 3008)
    #expect(result(read)["crc32"] is NSNumber)

    let e = try CLI.run(["erase", "--address", "0x08010000", "--json"] + sim(dir))
    #expect(e.status == 0, "\(e.stderr)")
    let erased = try #require(result(try envelope(e, command: "erase", ok: true))["erased"] as? [[String: Any]])
    #expect(erased.count == 1 && erased[0]["address"] as? Int == 0x0801_0000 && erased[0]["length"] as? Int == 2048)

    let l = try CLI.run(["leave", "--json"] + sim(dir))
    #expect(l.status == 0, "\(l.stderr)")
    let leave = result(try envelope(l, command: "leave", ok: true))
    #expect(leave["address"] as? Int == 0x0800_0000)
    #expect(leave["stackPointer"] as? Int == 0x2001_0000)
    #expect(leave["bootable"] as? Bool == true)
  }

  @Test func errorsAreOneObjectOnStdoutWithTheExitCodeKept() throws {
    let dir = try TemporaryDirectory()
    let missing = try CLI.run(["write", dir.path("nope.hex"), "--json"] + sim(dir))
    #expect(missing.status == 65)
    let json = try envelope(missing, command: "write", ok: false)
    #expect((json["error"] as? [String: Any])?["message"] as? String == "cannot read \(dir.path("nope.hex")): no such file")
    let blank = try CLI.run(["leave", "--json"] + sim(dir))
    #expect(blank.status == 5)
    let leave = try envelope(blank, command: "leave", ok: false)
    #expect(device(leave)?["usbID"] as? String == "0483:df11")
    #expect(!blank.stdout.contains("dfutui:"), "human lines belong on stderr")
  }

  @Test func infoDescribesTheFileWithoutADevice() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("a.hex", Array(":0400000001020304F2\n:00000001FF\n".utf8))
    let r = try CLI.run(["info", file, "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try envelope(r, command: "info", ok: true)
    #expect(json["device"] == nil)
    let targets = try #require(result(json)["targets"] as? [[String: Any]])
    let segment = try #require((targets.first?["segments"] as? [[String: Any]])?.first)
    #expect(segment["address"] as? Int == 0 && segment["length"] as? Int == 4)
    #expect(result(json)["format"] as? String == "intelHex")
  }

  /// Under RDP level 1 the result has the same keys as a readable one.
  @Test func optionsShowUnderReadProtectionHasTheNormalShape() throws {
    let dir = try TemporaryDirectory()
    let normal = try CLI.run(["options", "show", "--json"] + sim(dir, "stm32f405"))
    #expect(normal.status == 0, "\(normal.stderr)")
    let readable = result(try envelope(normal, command: "options show", ok: true))
    #expect(readable["readable"] as? Bool == true)
    #expect(try CLI.run(["options", "set", "RDP=level1", "--yes"] + sim(dir, "stm32f405")).status == 0)
    let locked = try CLI.run(["options", "show", "--json"] + sim(dir, "stm32f405"))
    #expect(locked.status == 1)
    let json = try envelope(locked, command: "options show", ok: false)
    let protected = result(json)
    #expect(Set(protected.keys) == Set(readable.keys))
    #expect(protected["readable"] as? Bool == false)
    #expect(protected["readProtection"] as? Int == 1)
    #expect(protected["family"] as? String == readable["family"] as? String)
  }
}
