import Foundation
import Testing

/// The real `dfutui` binary under a real pseudo-terminal, its screen read
/// by the pyte terminal emulator (Scripts/pty_screen.py; Debian python3-pyte),
/// on the in-process simulated STM32L476 with instant simulated time.
@Suite(.serialized) struct TUIEndToEndTests {
  static var binary: URL {
    if let path = ProcessInfo.processInfo.environment["DFUTUI_BIN"] { return URL(fileURLWithPath: path) }
    var dirs = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
    if let arg0 = CommandLine.arguments.first { dirs.append(URL(fileURLWithPath: arg0).deletingLastPathComponent()) }
    for dir in dirs where FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("dfutui").path) {
      return dir.appendingPathComponent("dfutui")
    }
    return dirs[0].appendingPathComponent("dfutui")
  }

  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/pty_screen.py")

  /// A temp directory holding app.bin: SP 0x20018000, reset 0x08000101, then `kib` KiB of pattern.
  static func workspace(kib: Int = 6) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dfutui-tui-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var bytes: [UInt8] = [0x00, 0x80, 0x01, 0x20, 0x01, 0x01, 0x00, 0x08]
    bytes += (0..<(kib * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
    try Data(bytes).write(to: dir.appendingPathComponent("app.bin"))
    return dir
  }

  struct Run {
    var status: Int32
    var output: String
  }

  /// Plays `steps` against `dfutui args…` in `directory`.
  static func play(_ steps: [String], args: [String], in directory: URL, size: String = "80x24",
                   env: [String] = []) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    // A UTF-8 colour xterm unless the test asks otherwise (CI and test runners may set none,
    // or NO_COLOR: an empty NO_COLOR counts as unset, no-color.org).
    let environment = ["LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=xterm-256color", "NO_COLOR="] + env
    p.arguments = [script.path, "--size", size, "--timeout", "30"] + environment.flatMap { ["--env", $0] } + steps
      + ["--", binary.path] + args
    p.currentDirectoryURL = directory
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
  }

  static let sim = ["--simulate", "stm32l476", "--sim-time", "instant"]

  @Test func selectBrowseFlashVerifyEditOptionResizeQuit() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let steps = [
      "wait:app.bin", "wait:Plan:",                         // dfutui FILE opens Flash with the plan
      "keys:1", "wait:DFU devices (1)", "wait:0483:df11", "colored:yes",  // the board is listed
      "keys:\\r", "wait:[2 Memory]", "keys:\\r", "wait:08000000 ff ff ff ff",  // Enter reads sector 0
      "keys:4", "keys:f", "wait:Flash?", "keys:y",
      "wait:Wrote and verified", "dump:flashed",
      "keys:2", "keys:\\r", "wait:08000000 00 80 01 20 01 01 00 08",  // the sector now holds the file
      "keys:3", "wait:nBOOT1",
    ] + Array(repeating: "keys:<down>", count: 18) + [
      "wait:nRST_STOP:", "keys:\\r", "wait:Edit nRST_STOP", "keys:0\\r", "wait:Pending (1)",
      "keys:w", "wait:Write option bytes?", "keys:y", "wait:Option bytes written and verified",
      "dump:options",
      "resize:70x20", "wait:enlarge the terminal", "resize:80x24", "wait:[3 Options]",
      "keys:q", "exit:0",
    ]
    let run = try Self.play(steps, args: ["app.bin", "--address", "0x08000000"] + Self.sim, in: dir)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.output.contains("verified"))
  }

  /// The same bench session on the other simulated profile, an STM32F405 (16/64/128 KiB
  /// sectors, F4 option bytes with their complements, reset after an option-byte write).
  @Test func theF405ProfileFlashesBrowsesAndEditsAnOption() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let steps = [
      "wait:app.bin", "wait:Plan:",
      "keys:1", "wait:DFU devices (1)", "wait:STM32F405",
      "keys:\\r", "wait:[2 Memory]", "keys:\\r", "wait:08000000 ff ff ff ff",
      "keys:4", "keys:f", "wait:Flash?", "keys:y", "wait:Wrote and verified",
      "keys:2", "keys:\\r", "wait:08000000 00 80 01 20 01 01 00 08",
      "keys:3", "wait:nRST_STOP", "keys:<down>", "keys:<down>", "wait:nRST_STOP:",
      "keys:\\r", "wait:Edit nRST_STOP", "keys:0\\r", "wait:Pending (1)",
      "keys:w", "wait:Write option bytes?", "keys:y", "wait:Option bytes written and verified",
      "keys:q", "exit:0",
    ]
    let run = try Self.play(steps, args: ["app.bin", "--address", "0x08000000", "--simulate", "stm32f405",
                                          "--sim-time", "instant"], in: dir, size: "120x40")
    #expect(run.status == 0, "\(run.output)")
  }

  /// Watch: the file changes on disk (as a build rewrites it) and the board follows with a
  /// differential flash that skips the sectors that already match.
  @Test func watchReflashesDifferentiallyWhenTheFileChanges() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let steps = [
      "wait:Plan:", "keys:w", "wait:[x]w watch", "keys:f", "wait:Flash?", "keys:y", "wait:Wrote and verified",
      // Change one byte in the last 2 KiB page of the image, in place.
      "shell:printf 'Z' | dd of=app.bin bs=1 seek=5000 conv=notrunc status=none",
      "wait:unchanged", "dump:rewatched", "keys:q", "exit:0",
    ]
    let run = try Self.play(steps, args: ["app.bin", "--address", "0x08000000"] + Self.sim, in: dir, size: "120x40")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.output.contains("1 erased and written"), "only the changed page is rewritten: \(run.output)")
  }

  /// The backup toggle with `--backup-dir`: each flash saves what it erases first, to a new
  /// file in that directory; the watch re-flash erases (and saves) only the changed page.
  @Test func backupGoesToTheBackupDirectory() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let backups = dir.appendingPathComponent("backups")
    try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)
    let steps = [
      "wait:Plan:", "keys:b", "wait:Backup on", "keys:w", "wait:[x]w watch",
      "keys:f", "wait:Flash?", "keys:y", "wait:Wrote and verified",
      "shell:printf 'Z' | dd of=app.bin bs=1 seek=5000 conv=notrunc status=none",
      "wait:unchanged", "keys:q", "exit:0",
    ]
    let run = try Self.play(steps, args: ["app.bin", "--address", "0x08000000", "--backup-dir", "backups"] + Self.sim,
                            in: dir, size: "120x40")
    #expect(run.status == 0, "\(run.output)")
    // One new file per flash (same second or not: the naming rule is BackupNamingTests').
    let files = try FileManager.default.contentsOfDirectory(atPath: backups.path)
    try #require(files.count == 2, "\(files)")
    #expect(files.allSatisfy { $0.hasPrefix("dfutui-backup-1-1-") && $0.hasSuffix(".hex") }, "\(files)")
    // The re-flash erased only the page holding offset 5000 (0x08001000, 2 KiB), after saving it.
    let texts = try files.map { try String(contentsOf: backups.appendingPathComponent($0), encoding: .utf8) }
    let page = texts.filter { $0.contains(":10100000") && !$0.contains(":10000000") }
    #expect(page.count == 1 && page[0].hasPrefix(":020000040800F2"),
            "an Intel HEX file of the page at 0x08001000: \(texts.map { $0.prefix(60) })")
  }

  /// The board as a real USB device (umockdev, `dfutui simulate -- dfutui`): the TUI runs the
  /// libusb transport, and the option-byte write's reset and re-enumeration go over it too.
  @Test func throughRealLibusbUnderDfutuiSimulate() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("app.bin").path
    let steps = [
      "wait:DFU devices (1)", "wait:0483:df11", "keys:4", "keys:/", "keys:\\x15\(path)\\r", "wait:Plan:",
      "keys:f", "wait:Flash?", "keys:y", "wait:Wrote and verified",
      "keys:3", "wait:nBOOT1",
    ] + Array(repeating: "keys:<down>", count: 18) + [
      "wait:nRST_STOP:", "keys:\\r", "keys:0\\r", "wait:Pending (1)", "keys:w", "wait:Write option bytes?", "keys:y",
      "wait:Option bytes written and verified", "keys:q", "exit:0",
    ]
    let run = try Self.play(steps, args: ["simulate", "--profile", "stm32l476", "--sim-time", "instant", "--", Self.binary.path,
                                          "--address", "0x08000000"], in: dir)
    #expect(run.status == 0, "\(run.output)")
  }

  @Test func unplugMidFlashThroughRealLibusb() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("app.bin").path
    let steps = ["wait:DFU devices (1)", "keys:4", "keys:/", "keys:\\x15\(path)\\r", "wait:Plan:", "keys:f", "wait:Flash?",
                 "keys:y", "wait:disconnected during write", "keys:1", "wait:DFU devices (",
                 "keys:q", "exit:0"]
    let run = try Self.play(steps, args: ["simulate", "--profile", "stm32l476", "--sim-time", "instant", "--disconnect-after", "2048",
                                          "--", Self.binary.path, "--address", "0x08000000"], in: dir)
    #expect(run.status == 0, "\(run.output)")
  }

  @Test func unplugMidFlashIsShownAndTheAppStaysUp() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let steps = ["wait:Plan:", "keys:f", "wait:Flash?", "keys:\\r", "wait:unplugged", "dump:unplugged",
                 "keys:1", "wait:DFU devices", "keys:q", "exit:0"]
    let run = try Self.play(steps, args: ["app.bin", "--address", "0x08000000", "--sim-disconnect-after", "2048"] + Self.sim,
                            in: dir)
    #expect(run.status == 0, "\(run.output)")
    #expect(run.output.contains("diff"))
  }

  /// `dfutui app.bin` without `--address`: the engine's message and the address dialog (prefilled
  /// with the flash start, its keys in the footer), then the plan; `--family l476` decides the chip.
  @Test func rawFileAsksForItsAddressAndFamilyDecidesTheChip() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let steps = ["wait:holds no address", "wait:Address for raw data", "wait:> 0x08000000_", "wait:Enter load  Ctrl-U clear",
                 "keys:\r", "wait:Plan:", "wait:Erase:", "keys:1", "wait:(--family l476)", "keys:q", "exit:0"]
    let run = try Self.play(steps, args: ["app.bin", "--family", "l476"] + Self.sim, in: dir)
    #expect(run.status == 0, "\(run.output)")
  }

  @Test func quitDuringAJobAsksFirst() throws {
    let dir = try Self.workspace(kib: 400)
    defer { try? FileManager.default.removeItem(at: dir) }
    // Real simulated time: the flash takes long enough to be interrupted.
    let steps = ["wait:Plan:", "keys:f", "wait:Flash?", "keys:y", "wait:Flashing", "keys:q", "wait:Quit?",
                 "keys:n", "gone:Quit?", "keys:\\x03", "wait:Quit?", "keys:y", "exit:0"]
    let run = try Self.play(steps, args: ["app.bin", "--address", "0x08000000", "--simulate", "stm32l476"], in: dir)
    #expect(run.status == 0, "\(run.output)")
  }

  /// The Batch screen on three simulated boards, the third unplugged mid-write: two rows end
  /// VERIFIED, one DISCONNECTED, the totals add up, and the record holds one line per board.
  @Test func batchFlashesEveryBoardAndRecordsEach() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    let steps = [
      "wait:Plan:", "keys:6", "wait:[6 Batch]", "wait:rec.jsonl", "wait:s flashes the 3 boards in DFU now",
      "keys:s", "wait:Flash every board?", "wait:1-1, 1-2, 1-3", "keys:y",
      "wait:DISCONNECTED", "wait:Passed 2 · Failed 1 · Running 0", "dump:batch",
      "keys:q", "exit:0",
    ]
    let run = try Self.play(steps, args: ["app.bin", "--address", "0x08000000", "--simulate", "stm32l476", "--simulate", "stm32f405",
                                          "--simulate", "stm32l476", "--sim-time", "instant", "--sim-fault-board", "3",
                                          "--sim-disconnect-after", "2048", "--record", "rec.jsonl"],
                            in: dir, size: "120x40")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.output.components(separatedBy: "VERIFIED").count - 1 >= 2, "\(run.output)")
    let record = try String(contentsOf: dir.appendingPathComponent("rec.jsonl"), encoding: .utf8)
    let lines = record.split(separator: "\n")
    #expect(lines.count == 3, "\(record)")
    #expect(lines.filter { $0.contains("\"result\":\"verified\"") }.count == 2)
    #expect(lines.contains { $0.contains("\"port\":\"1-3\"") && $0.contains("disconnected") })
  }

  @Test func monochromeAsciiAndNoColorStillRead() throws {
    let dir = try Self.workspace()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Ctrl-Z: endwin, SIGTSTP (ignored here: the pty's session is an orphaned process group, as
    // POSIX says), then the terminal is taken again and fully redrawn; keys still work.
    let steps = ["wait:DFU devices", "dump:plain", "colored:no", "keys:\\x1a", "sleep:0.5", "keys:2", "wait:[2 Memory]", "keys:q", "exit:0"]
    let run = try Self.play(steps, args: Self.sim, in: dir, size: "120x40",
                            env: ["NO_COLOR=1", "TERM=vt100", "LANG=C", "LC_ALL=C"])
    #expect(run.status == 0, "\(run.output)")
    #expect(run.output.contains("+ DFU devices (1) ---"))
  }

  @Test func notATerminalPointsToTheCommands() throws {
    let p = Process()
    p.executableURL = Self.binary
    p.arguments = Self.sim
    let err = Pipe()
    p.standardError = err
    p.standardOutput = Pipe()
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 64)
    #expect(text.contains("needs a terminal") && text.contains("dfutui list"))
  }
}
