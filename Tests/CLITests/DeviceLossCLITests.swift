import Foundation
import Testing

/// `read` and `erase` through the real libusb transport (`dfutui simulate`,
/// umockdev) with the cable pulled mid-operation: the transfer fails with
/// EPROTO (`LIBUSB_ERROR_IO`) as on real Linux usbfs, the device is gone
/// afterwards, and dfutui says it disconnected, in which phase, what the flash
/// holds and what to do (issue 12 defect 5).
@Suite(.serialized) struct DeviceLossCLITests {
  init() throws {
    if let missing = USBSim.missing { Issue.record(Comment(rawValue: missing)) }
  }

  @Test(arguments: SimulateUSBTests.profiles)
  func aReadCutOffByAPulledCableSaysSoAndLeavesNoFile(profile: String) throws {
    let dir = try TemporaryDirectory()
    let out = dir.path("dump.bin")
    let r = try USBSim.run(profile, extra: ["--disconnect-upload-after", "12288", "--disconnect-io"], timeout: 60,
                           [USBSim.dfutui, "read", "--address", "0x08000000", "--length", "64K", "-o", out])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("the device disconnected during"), "\(r.stderr)")
    #expect(r.stderr.contains("LIBUSB_ERROR_IO"), "the transfer really failed with an I/O error: \(r.stderr)")
    #expect(r.stderr.contains("(read phase, reached 0x08003000)"), "\(r.stderr)")
    #expect(r.stderr.contains("Flash: not changed"), "\(r.stderr)")
    #expect(r.stderr.contains("12 KiB of 64 KiB had been read"), "\(r.stderr)")
    #expect(r.stderr.contains("rerun the read") && r.stderr.contains("nothing was written to \(out)"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out), "a cut-off read must not leave a file that looks complete")
  }

  /// `read --force` over an existing file: the old file stays as it was and the message says so.
  @Test func aCutOffReadOverAnExistingFileLeavesItUntouched() throws {
    let dir = try TemporaryDirectory()
    let out = try dir.write("dump.bin", [1, 2, 3])
    let r = try USBSim.run("stm32f405", extra: ["--disconnect-upload-after", "4096", "--disconnect-io"], timeout: 60,
                           [USBSim.dfutui, "read", "--address", "0x08000000", "--length", "16K", "-o", out, "--force"])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("the file there is the one from before"), "\(r.stderr)")
    #expect(try dir.read("dump.bin") == [1, 2, 3])
  }

  /// F405: 64 KiB from 0x08000000 is four 16 KiB sectors; the cable is pulled at the third ERASE.
  @Test func anEraseCutOffByAPulledCableNamesTheErasedSectors() throws {
    let r = try USBSim.run("stm32f405", extra: ["--disconnect-after-erases", "2", "--disconnect-io"], timeout: 60,
                           [USBSim.dfutui, "erase", "--address", "0x08000000", "--length", "64K"])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("the device disconnected during"), "\(r.stderr)")
    #expect(r.stderr.contains("LIBUSB_ERROR_IO"), "\(r.stderr)")
    #expect(r.stderr.contains("(erase phase, reached 0x08008000)"), "\(r.stderr)")
    #expect(r.stderr.contains("sectors 0x08000000–0x08007FFF erased (2 of 4)"), "\(r.stderr)")
    #expect(r.stderr.contains("sector at 0x08008000 was cut off"), "\(r.stderr)")
    #expect(r.stderr.contains("rerun the erase"), "\(r.stderr)")
  }

  @Test func aMassEraseCutOffSaysTheFlashIsUndefined() throws {
    let r = try USBSim.run("stm32l476", extra: ["--disconnect-after-erases", "0", "--disconnect-io"], timeout: 60,
                           [USBSim.dfutui, "erase", "--mass", "--yes"])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("the device disconnected during") && r.stderr.contains("(erase phase"), "\(r.stderr)")
    #expect(r.stderr.contains("mass erase was cut off"), "\(r.stderr)")
  }
}

extension DeviceLossCLITests {
  /// `options show` reads the option bytes by UPLOAD; the cable is pulled at the first one.
  @Test(arguments: SimulateUSBTests.profiles)
  func anOptionByteReadCutOffSaysSo(profile: String) throws {
    let r = try USBSim.run(profile, extra: ["--disconnect-upload-after", "0", "--disconnect-io"], timeout: 60,
                           [USBSim.dfutui, "options", "show"])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("the device disconnected during") && r.stderr.contains("(optionBytes phase)"),
            "\(r.stderr)")
    #expect(r.stderr.contains("LIBUSB_ERROR_IO") && r.stderr.contains("Flash: not changed"), "\(r.stderr)")
    #expect(r.stderr.contains("rerun `dfutui options show`"), "\(r.stderr)")
  }
}

extension DeviceLossCLITests {
  /// The 1-based position among the DFU class requests of `command` (run once,
  /// unfaulted, with `-vv`) of the first one whose trace line contains `marker`.
  static func requestIndex(_ profile: String, state: String? = nil, _ command: [String],
                           marker: (Substring) -> Bool) throws -> Int {
    let r = try USBSim.run(profile, state: state, timeout: 60, [USBSim.dfutui] + command + ["-vv"])
    let requests = r.stderr.split(separator: "\n").filter { line in
      ["GETSTATUS", "CLRSTATUS", "GETSTATE", "DNLOAD", "UPLOAD", "ABORT"].contains { line.contains(" \($0) wValue=") }
    }
    let found = requests.firstIndex(where: marker)
    let index = try #require(found, "request not found in:\n\(r.stderr)")
    return index + 1
  }

  /// The cable is pulled at the READ_UNPROTECT request: the ROM may be
  /// mass-erasing, so the report never says to power-cycle; it says to wait,
  /// replug and check RDP with `options show` (issue 12 defects 5 and 6).
  @Test func anUnprotectCutOffNeverAdvisesAPowerCycle() throws {
    let index = try Self.requestIndex("stm32f405", ["unprotect", "--yes"]) { $0.contains("READ UNPROTECT") }
    let r = try USBSim.run("stm32f405", extra: ["--disconnect-at-request", String(index), "--disconnect-io"],
                           timeout: 60, [USBSim.dfutui, "unprotect", "--yes"])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("the device disconnected during") && r.stderr.contains("(unprotect phase)"), "\(r.stderr)")
    #expect(r.stderr.contains("LIBUSB_ERROR_IO") && r.stderr.contains("Flash: unknown"), "\(r.stderr)")
    #expect(r.stderr.contains("do NOT power-cycle") && r.stderr.contains("dfutui options show"), "\(r.stderr)")
    #expect(!r.stdout.contains("Read protection removed"), "\(r.stdout)")
  }

  /// The cable is pulled at the zero-length DNLOAD (not acknowledged): not "Left DFU mode".
  @Test func aLeaveCutOffIsNotReportedAsLeft() throws {
    let dir = try TemporaryDirectory()
    let state = dir.path("board")
    let file = try dir.write("app.bin", USBSim.bootableImage(4096))
    let w = try USBSim.run("stm32f405", state: state, [USBSim.dfutui, "write", file, "--address", "0x08000000"])
    #expect(w.status == 0, "\(w.stderr)")
    let index = try Self.requestIndex("stm32f405", state: state, ["leave"]) {
      $0.contains("DNLOAD") && $0.contains("wLength=0")
    }
    let r = try USBSim.run("stm32f405", state: state,
                           extra: ["--disconnect-at-request", String(index), "--disconnect-io"], timeout: 60,
                           [USBSim.dfutui, "leave"])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("the device disconnected during") && r.stderr.contains("(leave phase)"), "\(r.stderr)")
    #expect(r.stderr.contains("flash was not changed"), "\(r.stderr)")
    #expect(!r.stdout.contains("Left DFU mode"), "\(r.stdout)")
  }
}
