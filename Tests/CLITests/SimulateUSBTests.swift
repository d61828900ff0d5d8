import Foundation
import Testing

/// dfutui's real libusb transport, end to end, against the simulated board
/// plugged in through umockdev (`dfutui simulate`, issue #7). Nothing here
/// uses `--simulate`: the inner dfutui sees a USB device on bus 1, port 1.
@Suite(.serialized) struct SimulateUSBTests {
  static let profiles = ["stm32f405", "stm32l476"]

  init() throws {
    if let missing = USBSim.missing { Issue.record(Comment(rawValue: missing)) }
  }

  @Test(arguments: profiles)
  func listShowsTheBoardWithItsExactAltStrings(profile: String) throws {
    let r = try USBSim.run(profile, [USBSim.dfutui, "list", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try USBSim.listedAlternates(r.stdout) == [USBSim.altStrings[profile]!])
    let plain = try USBSim.run(profile, [USBSim.dfutui, "list"])
    #expect(plain.stdout.contains("0483:df11  path 1-1"), "\(plain.stdout)")
    #expect(plain.stdout.contains("\"STM32  BOOTLOADER\""))
  }

  @Test(arguments: profiles)
  func writeVerifyReadAndEraseThroughLibusb(profile: String) throws {
    let dir = try TemporaryDirectory()
    let state = dir.path("board")
    let image = USBSim.bootableImage(70_000)
    let file = try dir.write("app.bin", image)
    let w = try USBSim.run(profile, state: state, [USBSim.dfutui, "write", file, "--address", "0x08000000"])
    #expect(w.status == 0, "\(w.stderr)")
    #expect(w.stdout.contains("verified 70000 bytes"), "\(w.stdout)")

    let back = dir.path("back.bin")
    let r = try USBSim.run(profile, state: state,
                           [USBSim.dfutui, "read", "-o", back, "--address", "0x08000000", "--length", "70000"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try dir.read("back.bin") == image)

    let e = try USBSim.run(profile, state: state, [USBSim.dfutui, "erase", "--address", "0x08000000"])
    #expect(e.status == 0, "\(e.stderr)")
    let blank = dir.path("blank.bin")
    let kept = dir.path("kept.bin")
    let b = try USBSim.shell(profile, state: state, """
      "$DFUTUI" read -o \(blank) --address 0x08000000 --length 64 || exit 10
      "$DFUTUI" read -o \(kept) --address 0x08004000 --length 64 || exit 11
      """)
    #expect(b.status == 0, "\(b.stderr)")
    #expect(try dir.read("blank.bin") == [UInt8](repeating: 0xFF, count: 64))
    #expect(try dir.read("kept.bin") == Array(image[0x4000..<0x4040]), "the erase went past the first sector")
  }

  @Test(arguments: profiles)
  func leaveIntoAnApplicationMakesTheDeviceVanish(profile: String) throws {
    let dir = try TemporaryDirectory()
    let state = dir.path("board")
    let file = try dir.write("app.bin", USBSim.bootableImage(4096))
    let w = try USBSim.run(profile, state: state, [USBSim.dfutui, "write", file, "--address", "0x08000000"])
    #expect(w.status == 0, "\(w.stderr)")
    let r = try USBSim.shell(profile, state: state, """
      "$DFUTUI" leave; echo "leave-status=$?"
      sleep 0.3
      "$DFUTUI" list --json
      """)
    #expect(r.stdout.contains("leave-status=0"), "\(r.stdout)\n\(r.stderr)")
    let json = r.stdout.components(separatedBy: "leave-status=0").last ?? ""
    #expect(try USBSim.listedAlternates(json).isEmpty, "still listed after leave: \(json)")
  }

  /// A leave with blank flash makes the ROM reset into itself: libusb must
  /// see an unplug and a replug under a new address, and find it again.
  @Test(arguments: profiles)
  func resetIntoTheROMReEnumeratesAndIsFoundAgain(profile: String) throws {
    let r = try USBSim.shell(profile, """
      dfu-util -l | grep -m1 -o 'devnum=[0-9]*'
      "$DFUTUI" leave --help | grep -q -- --force && force=--force
      "$DFUTUI" leave $force; echo "leave-status=$?"
      sleep 0.5
      dfu-util -l | grep -m1 -o 'devnum=[0-9]*'
      echo "json:"; "$DFUTUI" list --json
      """)
    let devnums = r.stdout.split(separator: "\n").filter { $0.hasPrefix("devnum=") }
    #expect(devnums.count == 2 && devnums[0] != devnums[1], "\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("leave-status=0"), "\(r.stdout)\n\(r.stderr)")
    let json = r.stdout.components(separatedBy: "json:").last ?? ""
    #expect(try USBSim.listedAlternates(json) == [USBSim.altStrings[profile]!])
  }

  /// An option-byte write resets the part (AN3156 §5): dfu-util's
  /// `:will-reset` write, then the board is back under a new address and
  /// dfutui finds it and reads the same option bytes.
  @Test(arguments: profiles)
  func optionByteWriteResetsAndTheBoardIsFoundAgain(profile: String) throws {
    let dir = try TemporaryDirectory()
    let ob = USBSim.optionBytes[profile]!
    let before = dir.path("ob.bin")
    let after = dir.path("ob-after.bin")
    let r = try USBSim.shell(profile, state: dir.path("board"), """
      dfu-util -a 1 -s \(ob.address):\(ob.size) -U \(before) >>"\(dir.path("steps.log"))" || exit 10
      dfu-util -l | grep -m1 -o 'devnum=[0-9]*'
      dfu-util -a 1 -s \(ob.address):will-reset -D \(before); echo "ob-status=$?"
      sleep 0.5
      dfu-util -l | grep -m1 -o 'devnum=[0-9]*'
      "$DFUTUI" read -a 1 -o \(after) --address \(ob.address) --length \(ob.size) || exit 11
      """)
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("ob-status=0"), "\(r.stdout)")
    let devnums = r.stdout.split(separator: "\n").filter { $0.hasPrefix("devnum=") }
    #expect(devnums.count == 2 && devnums[0] != devnums[1], "no re-enumeration: \(r.stdout)")
    #expect(try dir.read("ob.bin").count == ob.size)
    #expect(try dir.read("ob.bin") == dir.read("ob-after.bin"))
  }

  /// dfutui's own option-byte write (issue 5) over libusb: the write resets
  /// the part, dfutui finds it again by serial number under its new address
  /// and verifies; the change survives into the next session.
  @Test(arguments: profiles)
  func dfutuiOptionByteWriteResetsAndRefinds(profile: String) throws {
    let dir = try TemporaryDirectory()
    let r = try USBSim.shell(profile, state: dir.path("board"), """
      dfu-util -l | grep -m1 -o 'devnum=[0-9]*'
      "$DFUTUI" options set nRST_STOP=0 --yes; echo "set-status=$?"
      dfu-util -l | grep -m1 -o 'devnum=[0-9]*'
      """)
    #expect(r.stdout.contains("set-status=0"), "\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("1 reset"), "\(r.stdout)")
    let devnums = r.stdout.split(separator: "\n").filter { $0.hasPrefix("devnum=") }
    #expect(devnums.count == 2 && devnums[0] != devnums[1], "no re-enumeration: \(r.stdout)")
    let show = try USBSim.run(profile, state: dir.path("board"), [USBSim.dfutui, "options", "show"])
    #expect(show.status == 0, "\(show.stderr)")
    #expect(show.stdout.contains("nRST_STOP: reset when entering Stop"), "\(show.stdout)")
  }

  @Test(arguments: profiles)
  func disconnectMidWriteGivesAClearErrorAndNoHang(profile: String) throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", USBSim.bootableImage(70_000))
    let started = Date()
    let w = try USBSim.run(profile, extra: ["--disconnect-after", "6144"], timeout: 60,
                           [USBSim.dfutui, "write", file, "--address", "0x08000000"])
    #expect(w.status == 1, "\(w.stdout)\n\(w.stderr)")
    #expect(w.stderr.contains("disconnected"), "\(w.stderr)")
    #expect(Date().timeIntervalSince(started) < 30)
  }

  /// Real usbfs reports a pulled cable as EPROTO (LIBUSB_ERROR_IO) before the
  /// device is gone (issue 12 defect 5): dfutui looks at the bus and says it
  /// disconnected, how far the write got, and to rerun with --diff.
  @Test(arguments: profiles)
  func aPulledCableSeenAsAnIOErrorIsReportedAsADisconnect(profile: String) throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", USBSim.bootableImage(70_000))
    let w = try USBSim.run(profile, extra: ["--disconnect-after", "6144", "--disconnect-io"], timeout: 60,
                           [USBSim.dfutui, "write", file, "--address", "0x08000000"])
    #expect(w.status == 1, "\(w.stdout)\n\(w.stderr)")
    #expect(w.stderr.contains("the device disconnected during write"), "\(w.stderr)")
    #expect(w.stderr.contains("LIBUSB_ERROR_IO"), "the transfer really failed with an I/O error: \(w.stderr)")
    #expect(w.stderr.contains("6 KiB of") && w.stderr.contains("written"), "\(w.stderr)")
    #expect(w.stderr.contains("--diff"), "\(w.stderr)")
  }
}

/// Debian's dfu-util 0.11 against the same simulated board: where it and the
/// simulator disagree, the simulator is wrong.
@Suite(.serialized) struct DfuUtilCrossCheckTests {
  init() throws {
    if let missing = USBSim.missing { Issue.record(Comment(rawValue: missing)) }
  }

  @Test(arguments: SimulateUSBTests.profiles)
  func listShowsEveryAltString(profile: String) throws {
    let r = try USBSim.run(profile, ["dfu-util", "-l"])
    #expect(r.status == 0, "\(r.stderr)")
    let found = USBSim.found(r.stdout)
    let expected = USBSim.altStrings[profile]!
    #expect(found.count == expected.count, "\(r.stdout)")
    for (alt, name) in expected.enumerated() {
      #expect(found.contains { $0.contains("[0483:df11]") && $0.contains("path=\"1-1\", alt=\(alt), name=\"\(name)\"") },
              "alt \(alt) \(name) missing from:\n\(r.stdout)")
    }
  }

  /// 70 000 bytes: not a multiple of wTransferSize, so the upload's last
  /// block is short (the case that found the block-address bug).
  @Test(arguments: SimulateUSBTests.profiles)
  func downloadThenUploadGivesTheSameBytes(profile: String) throws {
    let dir = try TemporaryDirectory()
    let image = testBytes(70_000, seed: 0x1234_5678)
    let file = try dir.write("fw.bin", image)
    let up = dir.path("up.bin")
    let r = try USBSim.shell(profile, state: dir.path("board"), """
      dfu-util -a 0 -s 0x08000000 -D \(file) || exit 10
      dfu-util -a 0 -s 0x08000000:70000 -U \(up) || exit 11
      """)
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("File downloaded successfully"))
    #expect(try dir.read("up.bin") == image)
  }

  @Test(arguments: SimulateUSBTests.profiles)
  func leaveMakesTheBoardVanish(profile: String) throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", USBSim.bootableImage(2048))
    let r = try USBSim.shell(profile, state: dir.path("board"), """
      dfu-util -a 0 -s 0x08000000 -D \(file) >>"\(dir.path("steps.log"))" || exit 10
      dfu-util -a 0 -s 0x08000000:leave || exit 11
      sleep 0.3
      echo "after-leave:"; dfu-util -l
      """)
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    let after = r.stdout.components(separatedBy: "after-leave:").last ?? ""
    #expect(USBSim.found(after).isEmpty, "still there after leave:\n\(after)")
  }

  /// F405: dfu-util waits 35 s after a mass erase reporting 100 ms (its
  /// "STM32F405 lies about mass erase timeout" rule), so this one is slow.
  @Test(arguments: SimulateUSBTests.profiles)
  func massEraseErasesTheFlash(profile: String) throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", testBytes(4096))
    let blank = dir.path("blank.bin")
    let r = try USBSim.shell(profile, state: dir.path("board"), timeout: 180, """
      dfu-util -a 0 -s 0x08000000 -D \(file) >>"\(dir.path("steps.log"))" || exit 10
      dfu-util -a 0 -s :mass-erase:force || exit 11
      "$DFUTUI" read -o \(blank) --address 0x08000000 --length 4096 || exit 12
      """)
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    #expect(try dir.read("blank.bin") == [UInt8](repeating: 0xFF, count: 4096))
  }

  @Test func disconnectMidDownloadFailsCleanly() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("fw.bin", testBytes(70_000))
    let r = try USBSim.run("stm32l476", extra: ["--disconnect-after", "6144"], timeout: 60,
                           ["dfu-util", "-a", "0", "-s", "0x08000000", "-D", file])
    #expect(r.status != 0 && r.status != 124, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("LIBUSB_ERROR_NO_DEVICE"), "\(r.stderr)")
  }
}
