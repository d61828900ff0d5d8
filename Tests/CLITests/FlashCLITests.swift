import Foundation
import Synchronization
import Testing

/// `write` options, `restore` and the boot check, through the built binary.
@Suite struct FlashCLITests {
  func sim(_ profile: String, _ dir: TemporaryDirectory) -> [String] {
    ["--simulate", profile, "--sim-state", dir.path("board"), "--sim-time", "instant"]
  }

  let vectors: [UInt8] = [0x00, 0x00, 0x02, 0x20, 0xC1, 0x01, 0x00, 0x08]

  @Test func thePlanNamesTheChipAndItsErrataBeforeWriting() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", vectors + testBytes(3000))
    let r = try CLI.run(["write", file, "--address", "0x08000000"] + sim("stm32l476", dir))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("Chip: STM32L47x/L48x or STM32L49x/L4Ax (1 MiB), DfuSe bootloader V2.2"))
    #expect(r.stderr.contains("the chip may be STM32L47x/L48x or STM32L49x/L4Ax; using the safest rules"))
    #expect(r.stderr.contains("erratum L476-8B"))
    #expect(r.stderr.contains("vector-table sector 0x08000000 erased first, written last"))
    #expect(r.stdout.contains("Wrote and verified 3008 bytes at 0x08000000"))
  }

  @Test func hexFilesAreWrittenAndADiffRerunSkipsWhatIsInPlace() throws {
    let dir = try TemporaryDirectory()
    let bin = try dir.write("app.bin", vectors + testBytes(20_000, seed: 2))
    let c = try CLI.run(["convert", bin, dir.path("app.hex"), "--address", "0x08000000"])
    #expect(c.status == 0, "\(c.stderr)")
    let first = try CLI.run(["write", dir.path("app.hex")] + sim("stm32l476", dir))
    #expect(first.status == 0, "\(first.stderr)")
    let again = try CLI.run(["write", dir.path("app.hex"), "--diff"] + sim("stm32l476", dir))
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.contains("unchanged"))
    #expect(again.stdout.contains("20008 bytes already in place"))
  }

  @Test func backupThenRestoreBringsTheOldFirmwareBack() throws {
    let dir = try TemporaryDirectory()
    let old = vectors + testBytes(6000, seed: 3)
    #expect(try CLI.run(["write", try dir.write("old.bin", old), "--address", "0x08000000"] + sim("stm32f405", dir)).status == 0)
    let new = try dir.write("new.bin", vectors + testBytes(6000, seed: 4))
    let w = try CLI.run(["write", new, "--address", "0x08000000", "--backup", dir.path("backup.hex")] + sim("stm32f405", dir))
    #expect(w.status == 0, "\(w.stderr)")
    #expect(w.stderr.contains("Backed up 16384 bytes"))
    let r = try CLI.run(["restore", dir.path("backup.hex")] + sim("stm32f405", dir))
    #expect(r.status == 0, "\(r.stderr)")
    _ = try CLI.run(["read", "--address", "0x08000000", "--length", "6008", "-o", dir.path("back.bin")] + sim("stm32f405", dir))
    #expect(try dir.read("back.bin") == old)
  }

  /// Intel HEX with 16 bytes at each of `addresses` (extended linear address records).
  static func hex(_ addresses: [UInt32]) -> String {
    func record(_ type: UInt8, _ offset: UInt16, _ data: [UInt8]) -> String {
      let bytes = [UInt8(data.count), UInt8(offset >> 8), UInt8(offset & 0xFF), type] + data
      let sum = UInt8(truncatingIfNeeded: 0x100 - Int(bytes.reduce(0) { $0 &+ $1 }))
      return ":" + (bytes + [sum]).map { String(format: "%02X", $0) }.joined()
    }
    var lines: [String] = []
    for a in addresses {
      lines.append(record(4, 0, [UInt8(a >> 24), UInt8(a >> 16 & 0xFF)]))
      lines.append(record(0, UInt16(a & 0xFFFF), a == 0x0800_0000 ? [0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x00, 0x08]
                            + [UInt8](repeating: 0x5A, count: 8) : [UInt8](repeating: 0xA5, count: 16)))
    }
    return (lines + [record(1, 0, [])]).joined(separator: "\n") + "\n"
  }

  /// Issue 12 defect 1: a .bin backup of sectors with a gap between them would
  /// erase the gap on restore; it is refused before the device is touched.
  @Test func aSparseBinBackupIsRefusedBeforeTouchingTheDevice() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("two.hex", Array(Self.hex([0x0800_0000, 0x0808_0000]).utf8))
    let r = try CLI.run(["write", file, "--backup", dir.path("bk.bin")] + sim("stm32f405", dir))
    #expect(r.status == 64, "\(r.stderr)")
    #expect(r.stderr.contains("Use .hex or .dfu"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.path("bk.bin")))
    #expect(!FileManager.default.fileExists(atPath: dir.path("board")), "nothing was written, so no state saved")
  }

  /// Issue 12 defect 2: rerunning with the same --backup (as after Ctrl-C)
  /// must not replace the real backup with a copy of half-written flash.
  @Test func anExistingBackupIsNeverOverwritten() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", vectors + testBytes(100))
    let backup = try dir.write("bk.hex", Array("the only copy".utf8))
    let r = try CLI.run(["write", file, "--address", "0x08000000", "--backup", backup] + sim("stm32f405", dir))
    #expect(r.status == 74, "\(r.stderr)")
    #expect(r.stderr.contains("already exists"), "\(r.stderr)")
    #expect(try dir.read("bk.hex") == Array("the only copy".utf8))
  }

  @Test func aBackupFileWithoutAKnownExtensionIsRefusedBeforeTouchingTheDevice() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", vectors + testBytes(100))
    let r = try CLI.run(["write", file, "--address", "0x08000000", "--backup", dir.path("backup.txt")] + sim("stm32f405", dir))
    #expect(r.status == 64)
    #expect(!FileManager.default.fileExists(atPath: dir.path("board")), "nothing was written, so no state saved")
  }

  @Test func leaveRefusesAnErasedVectorTableUnlessForced() throws {
    let dir = try TemporaryDirectory()
    let refused = try CLI.run(["leave"] + sim("stm32l476", dir))
    #expect(refused.status == 5)
    #expect(refused.stderr.contains("is erased (0xFFFFFFFF): there is no application"))
    let forced = try CLI.run(["leave", "--force"] + sim("stm32l476", dir))
    #expect(forced.status == 0, "\(forced.stderr)")
  }

  @Test func writeAndLeaveStartsAVerifiedApplication() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", vectors + testBytes(9000, seed: 5))
    let r = try CLI.run(["write", file, "--address", "0x08000000", "--leave"] + sim("stm32l476", dir))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Wrote and verified"))
    #expect(r.stdout.contains("Left DFU mode: jumped to the application at 0x08000000"))
  }

  @Test func aBadResetVectorKeepsTheBoardInTheBootloader() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", [0x00, 0x00, 0x02, 0x20, 0xC0, 0x01, 0x00, 0x08] + testBytes(100))
    let r = try CLI.run(["write", file, "--address", "0x08000000", "--leave"] + sim("stm32f405", dir))
    #expect(r.status == 5)
    #expect(r.stdout.contains("Wrote and verified"))
    #expect(r.stderr.contains("lacks the Thumb bit"))
  }
}

/// The write plan checks protection in the option bytes first (issue #5).
@Suite struct FlashProtectionCLITests {
  func sim(_ dir: TemporaryDirectory) -> [String] {
    ["--simulate", "stm32f405", "--sim-state", dir.path("board"), "--sim-time", "instant"]
  }

  @Test func writeProtectedSectorsAreRefusedBeforeWriting() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", testBytes(64))
    #expect(try CLI.run(["write", file, "--address", "0x08000000"] + sim(dir)).status == 0)
    let protect = try CLI.run(["options", "set", "nWRP=0xFFE", "--yes"] + sim(dir))
    #expect(protect.status == 0, "\(protect.stderr)")
    let r = try CLI.run(["write", try dir.write("new.bin", testBytes(64, seed: 2)), "--address", "0x08000000"] + sim(dir))
    #expect(r.status == 65, "\(r.stderr)")
    #expect(r.stderr.contains("write-protected sectors (0x08000000 (16 KiB))"))
    _ = try CLI.run(["read", "--address", "0x08000000", "--length", "64", "-o", dir.path("b.bin")] + sim(dir))
    #expect(try dir.read("b.bin") == testBytes(64))
  }

  @Test func readProtectionIsReportedBeforeAnythingIsErased() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", testBytes(64))
    #expect(try CLI.run(["write", file, "--address", "0x08000000"] + sim(dir)).status == 0)
    #expect(try CLI.run(["options", "set", "RDP=level1", "--yes"] + sim(dir)).status == 0)
    let r = try CLI.run(["write", file, "--address", "0x08000000"] + sim(dir))
    #expect(r.status == 1)
    #expect(r.stderr.contains("read protection (RDP level 1) is active"))
    #expect(r.stderr.contains("dfutui unprotect --yes"))
  }
}

/// Ctrl-C stops a write between two transfers; `--diff` then finishes it.
@Suite struct InterruptCLITests {
  @Test func ctrlCStopsCleanlyAndADiffRerunFinishes() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", [0x00, 0x00, 0x02, 0x20, 0xC1, 0x01, 0x00, 0x08] + testBytes(256 * 1024))
    let process = Process()
    process.executableURL = CLI.binary
    // Real simulated time: 256 KiB on the L476 takes about 6 s, so the interrupt lands mid-job.
    process.arguments = ["write", file, "--address", "0x08000000", "--simulate", "stm32l476", "--sim-state", dir.path("board"),
                         "--sim-time", "real"]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = Pipe()
    process.standardInput = FileHandle.nullDevice
    // Interrupt once the write phase has started (not after a fixed delay: how long the
    // erase takes depends on the erase planner's choice and on the machine).
    let collected = Mutex("")
    let reader = Thread {
      while true {
        let chunk = err.fileHandleForReading.availableData
        if chunk.isEmpty { return }
        collected.withLock { $0 += String(decoding: chunk, as: UTF8.self) }
      }
    }
    reader.start()
    try process.run()
    let deadline = Date().addingTimeInterval(60)
    while !collected.withLock({ $0.contains("write: 25%") }) && process.isRunning && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.01)
    }
    process.interrupt()
    process.waitUntilExit()
    let drained = Date().addingTimeInterval(10)
    while !reader.isFinished && Date() < drained { Thread.sleep(forTimeInterval: 0.01) }
    let stderr = collected.withLock { $0 }
    #expect(stderr.contains("write: 25%"), "the write phase was reached before the interrupt: \(stderr)")
    #expect(process.terminationStatus == 130, "\(stderr)")
    #expect(stderr.contains("interrupted (Ctrl-C) between two USB transfers"))
    let resume = try CLI.run(["write", file, "--address", "0x08000000", "--diff", "--simulate", "stm32l476", "--sim-state", dir.path("board"),
                              "--sim-time", "instant"])
    #expect(resume.status == 0, "\(resume.stderr)")
    #expect(resume.stdout.contains("verified"))
    if stderr.contains("write: 25%") {
      #expect(resume.stdout.contains("unchanged"), "sectors written before the interrupt are skipped: \(resume.stdout)")
    }
  }
}
