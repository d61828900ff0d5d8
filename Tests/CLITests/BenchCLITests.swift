import Foundation
import Testing

/// `dfutui write FILE --all [--record FILE]` on several in-process simulated
/// boards (issue 14): every board flashed in parallel, a disconnect on one
/// confined to it and named, one audit line per board, exit 0 only when all verified.
@Suite struct BenchCLITests {
  let vectors: [UInt8] = [0x00, 0x00, 0x02, 0x20, 0xC1, 0x01, 0x00, 0x08]
  let threeBoards = ["--simulate", "stm32l476", "--simulate", "stm32f405", "--simulate", "stm32l476",
                     "--sim-time", "instant"]
  static let recordKeys: Set<String> = ["time", "port", "serial", "chip", "bootloader", "file", "fileCRC32", "options",
                                        "result", "verified", "phases", "durationSeconds", "error"]

  func records(_ path: String) throws -> [[String: Any]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
    }
  }

  @Test func aBoardUnpluggedMidWriteFailsAloneAndTheRecordHasOneLinePerBoard() throws {
    let dir = try TemporaryDirectory()
    let bytes = vectors + testBytes(30_000, seed: 5)
    let file = try dir.write("app.bin", bytes)
    let record = dir.path("bench.jsonl")
    let r = try CLI.run(["write", file, "--address", "0x08000000", "--all", "--record", record] + threeBoards
                        + ["--sim-fault-board", "2", "--sim-disconnect-after", "8192"])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("[1-2] FAILED: the device disconnected during write"), "\(r.stderr)")
    #expect(r.stderr.contains("[1-1] verified in") && r.stderr.contains("[1-3] verified in"), "\(r.stderr)")
    #expect(r.stderr.contains("[1-3] write: 50%"), "progress lines carry the board's port: \(r.stderr)")
    #expect(r.stderr.contains("1 of 3 boards did not end verified: 1-2"), "\(r.stderr)")
    #expect(r.stdout.contains("3 boards: 2 verified, 1 failed"), "\(r.stdout)")
    let crc = crc32Hex(bytes)
    let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("1-") }
    #expect(rows.count == 3 && rows.allSatisfy { $0.hasSuffix(crc) }, "\(r.stdout)")
    #expect(rows.first { $0.hasPrefix("1-2 ") }?.contains("FAILED") == true, "\(r.stdout)")

    let lines = try records(record)
    #expect(lines.count == 3)
    #expect(Set(lines.compactMap { $0["port"] as? String }) == ["1-1", "1-2", "1-3"])
    for line in lines {
      #expect(Set(line.keys) == Self.recordKeys, "\(line)")
      #expect(line["fileCRC32"] as? String == crc && line["file"] as? String == file)
      #expect((line["serial"] as? String)?.count == 12 && line["bootloader"] as? String == "V2.2")
      #expect((line["options"] as? [String: Bool])?["verify"] == true)
      let iso = ISO8601DateFormatter()
      iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
      #expect(iso.date(from: line["time"] as? String ?? "") != nil, "\(line)")
      let failed = line["port"] as? String == "1-2"
      #expect(line["verified"] as? Bool == !failed && line["result"] as? String == (failed ? "failed" : "verified"))
      if failed {
        #expect((line["error"] as? String)?.contains("the device disconnected during write") == true, "\(line)")
        #expect((line["chip"] as? String)?.hasPrefix("STM32F405") == true)
      } else {
        #expect(line["error"] is NSNull)
        #expect(Set((line["phases"] as? [String: Double] ?? [:]).keys).isSuperset(of: ["erase", "write", "verify"]), "\(line)")
      }
    }
  }

  @Test func allBoardsVerifiedExitsZeroAndTheRecordIsAppendedNotReplaced() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", vectors + testBytes(12_000, seed: 6))
    let record = try dir.write("bench.jsonl", Array("{\"earlier\":1}\n".utf8))
    let r = try CLI.run(["write", file, "--address", "0x08000000", "--all", "--record", record] + threeBoards)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("3 boards: 3 verified, 0 failed"), "\(r.stdout)")
    let lines = try records(record)
    #expect(lines.count == 4 && lines[0]["earlier"] as? Int == 1)
    #expect(lines.dropFirst().allSatisfy { $0["verified"] as? Bool == true })
  }

  @Test func aBadFileIsRefusedBeforeAnyBoardIsTouched() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.hex", Array(":10000000FFFF\n".utf8))
    let record = dir.path("bench.jsonl")
    let r = try CLI.run(["write", file, "--all", "--record", record, "--sim-state", dir.path("boards")] + threeBoards)
    #expect(r.status == 65, "\(r.stderr)")
    #expect(!r.stderr.contains("[1-"), "no board was started: \(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: record))
    #expect(!FileManager.default.fileExists(atPath: dir.path("boards/board0")), "no simulated board was written")
  }

  @Test func benchOnlyOptionsAndOnesItCannotHonourAreUsageErrors() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", vectors + testBytes(100))
    let base = ["write", file, "--address", "0x08000000"] + threeBoards
    let cases: [([String], String)] = [
      (["--record", dir.path("r.jsonl")], "--record needs --all"),
      (["--all", "--no-verify"], "--all needs a verified write"),
      (["--all", "--json"], "use --record FILE"),
      (["--all", "--backup", dir.path("b.hex")], "back them up one at a time"),
    ]
    for (extra, message) in cases {
      let r = try CLI.run(base + extra)
      #expect(r.status == 64 && r.stderr.contains(message), "\(extra): \(r.stderr)")
    }
  }
}

/// CRC-32 (IEEE 802.3, reflected), as `crc32` and zlib compute it: an independent check of the tool's.
func crc32Hex(_ bytes: [UInt8]) -> String {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
  }
  let hex = String(crc ^ 0xFFFF_FFFF, radix: 16, uppercase: true)
  return String(repeating: "0", count: 8 - hex.count) + hex
}

/// `write --each-new`: boards plugged at staggered times are flashed as they
/// appear, a re-plug is flashed again, Ctrl-C ends the loop with the table.
@Suite struct BenchLoopCLITests {
  /// Starts dfutui with `arguments` in the background (a loop runs until SIGINT); its stdout
  /// and stderr go to the files `out` and `err` in `dir`.
  static func start(_ arguments: [String], in dir: TemporaryDirectory) throws -> Process {
    let process = Process()
    process.executableURL = CLI.binary
    process.arguments = arguments
    _ = FileManager.default.createFile(atPath: dir.path("out"), contents: nil)
    _ = FileManager.default.createFile(atPath: dir.path("err"), contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: dir.path("out"))
    process.standardError = FileHandle(forWritingAtPath: dir.path("err"))
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return process
  }

  @Test func boardsPluggedOneAfterAnotherAreEachFlashedOncePerPlugAndCtrlCEndsWithTheSummary() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", [0x00, 0x00, 0x02, 0x20, 0xC1, 0x01, 0x00, 0x08] + testBytes(9000, seed: 8))
    let record = dir.path("loop.jsonl")
    let process = try Self.start(["write", file, "--address", "0x08000000", "--each-new", "--record", record,
                                  "--simulate", "stm32l476", "--simulate", "stm32f405", "--simulate", "stm32l476",
                                  "--sim-time", "instant", "--sim-plug-schedule", "1:0,2:400,3:800,1:1400"], in: dir)
    func lines() -> [String] {
      ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
    let deadline = Date().addingTimeInterval(60)
    while lines().count < 4 && Date() < deadline && process.isRunning { usleep(50_000) }
    usleep(500_000)  // a fifth flash, if the loop wrongly made one, would land now
    #expect(process.isRunning, "the loop waits for the next board until Ctrl-C")
    process.interrupt()
    process.waitUntilExit()
    let out = (try? String(contentsOfFile: dir.path("out"), encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: dir.path("err"), encoding: .utf8)) ?? ""
    #expect(process.terminationStatus == 0, "\(out)\n\(err)")
    #expect(out.contains("4 boards: 4 verified, 0 failed"), "\(out)\n\(err)")
    let ports = try lines().map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["port"] as? String
    }
    #expect(ports == ["1-1", "1-2", "1-3", "1-1"], "in plug order, 1-1 once per plug: \(ports)")
  }

  /// `--each-new --leave` on a jig that holds BOOT0 high, with an application that resets at
  /// once: the board comes straight back in the ROM. It must not be flashed again and again.
  @Test func aBoardBackInTheBootloaderAfterLeavingIsWarnedAboutNotReflashed() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", [0x00, 0x00, 0x02, 0x20, 0xC1, 0x01, 0x00, 0x08] + testBytes(9000, seed: 9))
    let record = dir.path("loop.jsonl")
    let process = try Self.start(["write", file, "--address", "0x08000000", "--each-new", "--leave", "--record", record,
                                  "--simulate", "stm32f405", "--sim-time", "instant", "--sim-app-resets"], in: dir)
    func err() -> String { (try? String(contentsOfFile: dir.path("err"), encoding: .utf8)) ?? "" }
    let deadline = Date().addingTimeInterval(60)
    while !err().contains("back in the bootloader") && Date() < deadline && process.isRunning { usleep(50_000) }
    usleep(800_000)  // a second flash, if the loop wrongly made one, would start now
    process.interrupt()
    process.waitUntilExit()
    let out = (try? String(contentsOfFile: dir.path("out"), encoding: .utf8)) ?? ""
    let records = ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").split(separator: "\n")
    #expect(err().contains("[1-1] warning: back in the bootloader"), "\(out)\n\(err())")
    #expect(err().contains("Not flashing it again; unplug it"))
    #expect(err().contains("application did not start): 1-1"), "the summary names the port")
    #expect(records.count == 1, "flashed once: \(records.count) records")
    #expect(out.contains("1 board: 1 verified") || out.contains("1 boards: 1 verified"), "\(out)")
  }
}
