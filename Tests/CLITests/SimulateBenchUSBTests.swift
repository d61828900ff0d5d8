import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `dfutui simulate --boards N` (issue 14's simulator): several simulated
/// boards plugged in through umockdev at once, so a production bench runs
/// over real libusb (the inner dfutui's LibUSBBus, dfu-util) without hardware.
@Suite(.serialized) struct SimulateBenchUSBTests {
  let vectors: [UInt8] = [0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x00, 0x08]

  init() throws {
    if let missing = USBSim.missing { Issue.record(Comment(rawValue: missing)) }
  }

  func records(_ path: String) throws -> [[String: Any]] {
    ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map { line in
      (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? ["unparsed": String(line)]
    }
  }

  @Test func threeBoardsAreListedOnTheirOwnPortsWithTheirOwnSerials() throws {
    let r = try USBSim.simulate(["--boards", "3", "--sim-time", "instant"], [USBSim.dfutui, "list", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let envelope = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let devices = (envelope?["result"] as? [String: Any])?["devices"] as? [[String: Any]] ?? []
    let ports = devices.compactMap { $0["path"] as? String }
    let serials = devices.compactMap { $0["serial"] as? String }
    #expect(ports.sorted() == ["1-1", "1-2", "1-3"], "\(r.stdout)")
    #expect(Set(serials).count == 3 && serials.allSatisfy { $0.count == 12 }, "\(serials)")
  }

  /// The loop polls the bus every 100 ms; a board's strings are read once per enumeration, not at
  /// every poll (each read is GET_DESCRIPTORs on the board's EP0 between a job's transfers, and a
  /// ROM holding off requests during a mass erase made each poll wait). Counted in the bridge's trace.
  @Test func pollingTheBusReadsEachBoardsStringsOncePerEnumeration() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", vectors + testBytes(4000, seed: 16))
    let r = try CLI.run(executable: URL(fileURLWithPath: "/usr/bin/env"), [
      "DFUTUI_BRIDGE_TRACE=1", "timeout", "-k", "5", "120", USBSim.dfutui, "simulate", "--boards", "2",
      "--sim-time", "instant", "--", "timeout", "-s", "INT", "3", USBSim.dfutui, "write", file,
      "--address", "0x08000000", "--each-new",
    ])
    #expect(r.stdout.contains("2 boards: 2 verified"), "\(r.stdout)\n\(r.stderr.suffix(2000))")
    // GET_DESCRIPTOR(STRING): bmRequestType 0x80, bRequest 6, wValue high byte 3.
    let stringRequests = r.stderr.split(separator: "\n").filter { $0.range(of: #"-> 8006..03"#, options: .regularExpression) != nil }
    // One enumeration of a board: the language IDs and each string (manufacturer, product, serial, 4
    // alternate names) — libusb asks for the language IDs before each string: at most 16. Polling in 3 s
    // without the cache made about 30 polls × 16 × 2 boards.
    #expect(stringRequests.count > 0, "the trace shows the string requests")
    #expect(stringRequests.count <= 2 * 16 * 2, "\(stringRequests.count) string requests for two boards in 3 s")
  }

  @Test func dfuUtilSeesBothBoardsOfAMixedBench() throws {
    let r = try USBSim.simulate(["--boards", "2", "--profile", "stm32f405,stm32l476", "--sim-time", "instant"],
                                ["dfu-util", "-l"])
    #expect(r.status == 0, "\(r.stderr)")
    let found = USBSim.found(r.stdout)
    for (port, profile) in [("1-1", "stm32f405"), ("1-2", "stm32l476")] {
      let names = found.filter { $0.contains("path=\"\(port)\"") }
      #expect(names.count == 4, "\(r.stdout)")
      #expect(names.contains { $0.contains("name=\"\(USBSim.altStrings[profile]![0])\"") }, "\(port): \(r.stdout)")
    }
    let devnums = Set(found.compactMap { line in line.firstMatch(of: /devnum=\d+/).map { String($0.output) } })
    #expect(devnums.count == 2, "each board has its own device address: \(devnums)")
  }

  /// Issue 14's bench test over libusb: mixed profiles, one board cut off
  /// mid-write (EPROTO, then gone, as a pulled cable on Linux).
  @Test func aBenchWithOneFaultyBoardVerifiesTheOthersAndRecordsEveryBoard() throws {
    let dir = try TemporaryDirectory()
    let bytes = vectors + testBytes(30_000, seed: 14)
    let file = try dir.write("app.bin", bytes)
    let record = dir.path("bench.jsonl")
    let r = try USBSim.simulate(
      ["--boards", "3", "--profile", "stm32f405,stm32l476,stm32f405", "--fault-board", "2",
       "--disconnect-after", "8192", "--disconnect-io", "--sim-time", "instant"],
      [USBSim.dfutui, "write", file, "--address", "0x08000000", "--all", "--record", record])
    #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stderr.contains("[1-2] FAILED: the device disconnected during write"), "\(r.stderr)")
    #expect(r.stderr.contains("[1-1] verified in") && r.stderr.contains("[1-3] verified in"), "\(r.stderr)")
    #expect(r.stdout.contains("3 boards: 2 verified, 1 failed"), "\(r.stdout)")
    let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("1-") }
    #expect(rows.map { String($0.prefix(4)) }.sorted() == ["1-1 ", "1-2 ", "1-3 "], "\(r.stdout)")
    #expect(rows.first { $0.hasPrefix("1-2 ") }?.contains("FAILED") == true, "\(r.stdout)")

    let lines = try records(record)
    #expect(lines.count == 3, "\(lines)")
    for line in lines {
      let port = line["port"] as? String
      let failed = port == "1-2"
      #expect(line["verified"] as? Bool == !failed, "\(line)")
      #expect((line["chip"] as? String)?.hasPrefix(failed ? "STM32L47" : "STM32F405") == true, "\(line)")
      #expect(line["fileCRC32"] as? String == crc32Hex(bytes))
      if failed { #expect((line["error"] as? String)?.contains("disconnected") == true, "\(line)") }
    }
    #expect(Set(lines.compactMap { $0["serial"] as? String }).count == 3)
  }

  /// Boards plugged in at staggered times, one re-plugged: `--each-new`
  /// flashes each plug once; Ctrl-C (SIGINT to the whole process group, as a
  /// terminal sends it) reaches the inner dfutui, which ends with the summary,
  /// and `simulate` passes its status through instead of dying of it.
  @Test func eachNewFlashesBoardsAsTheyArePluggedAndCtrlCEndsWithTheSummary() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("app.bin", vectors + testBytes(9000, seed: 15))
    let record = dir.path("loop.jsonl")
    // No coreutils timeout in between: it would forward the SIGINT to the group a second
    // time, and a second Ctrl-C rightly kills dfutui at once. Foundation makes the child
    // a process-group leader; the test kills that group if it hangs.
    let process = try BenchLoopCLITests.start(["simulate", "--boards", "3", "--sim-time", "instant",
                                               "--plug-schedule", "0,1500,3000", "--replug", "1@4500", "--",
                                               USBSim.dfutui, "write", file, "--address", "0x08000000", "--each-new",
                                               "--record", record], in: dir)
    var seen: [(port: String, at: Date)] = []
    let start = Date()
    while seen.count < 4 && Date().timeIntervalSince(start) < 60 && process.isRunning {
      let ports = try records(record).compactMap { $0["port"] as? String }
      for port in ports.dropFirst(seen.count) { seen.append((port, Date())) }
      usleep(50_000)
    }
    usleep(700_000)  // a fifth flash, if the loop wrongly made one, would land now
    let stillRunning = process.isRunning
    // Ctrl-C as a terminal sends it: one SIGINT to every process of the group (simulate, the
    // bridge, the inner dfutui), whatever signal mask Foundation started simulate with.
    let group = process.processIdentifier
    kill(-group, SIGINT)
    let deadline = Date().addingTimeInterval(30)
    while process.isRunning && Date() < deadline { usleep(50_000) }
    let hung = process.isRunning
    if hung { kill(-group, SIGKILL) }
    process.waitUntilExit()
    #expect(!hung, "still running 30 s after Ctrl-C")
    let out = (try? String(contentsOfFile: dir.path("out"), encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: dir.path("err"), encoding: .utf8)) ?? ""
    #expect(stillRunning, "the loop waits for the next board until Ctrl-C: \(out)\n\(err)")
    #expect(process.terminationStatus == 0, "\(out)\n\(err)")
    #expect(out.contains("4 boards: 4 verified, 0 failed"), "\(out)\n\(err)")
    #expect(seen.map(\.port) == ["1-1", "1-2", "1-3", "1-1"], "in plug order, 1-1 once per plug: \(seen)")
    #expect(try records(record).count == 4)
    // Each board was flashed after its plug, not before (times from the start, generous both ways).
    let offsets = seen.map { $0.at.timeIntervalSince(start) }
    #expect(offsets.count == 4 && offsets[1] > 1.2 && offsets[2] > 2.7 && offsets[3] > 4.2, "\(offsets)")
  }

  /// The point of a parallel bench (issue 14, isolation): a board held busy
  /// by a long erase (the F4 ROM reports 100 ms and holds the next request off
  /// for the whole 250 ms–1 s sector erase) must not stall another board's
  /// transfers in the bridge. Real time; board 1 starts with old code in six
  /// sectors (about 2.6 s of erase), board 2 blank. Board 2's whole job, about
  /// 1 s, must end while board 1 is still erasing: an ordering, not a timing.
  @Test func aLongEraseOnOneBoardDoesNotStallTheOtherBoardsTransfers() throws {
    let dir = try TemporaryDirectory()
    let state = dir.path("boards")
    let old = try dir.write("old.bin", vectors + testBytes(140_000, seed: 16))
    let prefill = try USBSim.simulate(["--boards", "2", "--state", state, "--sim-time", "instant"],
                                      [USBSim.dfutui, "write", old, "--address", "0x08000000", "-p", "1-1"])
    #expect(prefill.status == 0, "\(prefill.stderr)")
    #expect(FileManager.default.fileExists(atPath: state + "/board0")
            && FileManager.default.fileExists(atPath: state + "/board1"), "one state directory per board")

    let file = try dir.write("app.bin", vectors + testBytes(140_000, seed: 17))
    let record = dir.path("bench.jsonl")
    let r = try USBSim.simulate(["--boards", "2", "--state", state],
                                [USBSim.dfutui, "write", file, "--address", "0x08000000", "--all", "--record", record])
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    let board2Done = r.stderr.range(of: "[1-2] verified in")
    let board1Erased = r.stderr.range(of: "[1-1] erase: 100%")
    #expect(board2Done != nil && board1Erased != nil, "\(r.stderr)")
    if let board2Done, let board1Erased {
      #expect(board2Done.lowerBound < board1Erased.lowerBound,
              "board 2 waited for board 1's erase: the boards did not run concurrently\n\(r.stderr)")
    }
    let lines = try records(record)
    #expect(lines.map { $0["port"] as? String } == ["1-2", "1-1"], "board 2 finished first: \(lines)")
    #expect(lines.allSatisfy { $0["verified"] as? Bool == true }, "\(lines)")
    #expect(((lines.last?["phases"] as? [String: Double])?["erase"] ?? 0) > 0, "board 1 kept its old code: \(lines)")
  }

  /// usbfs keeps submitted URBs per open file (drivers/usb/core/devio.c), so a
  /// second program, or the bench loop's poll in its own libusb context,
  /// opening a board while a job waits on it never reaps that job's URBs. The
  /// bridge once shared one completion queue per device: `dfutui list` during
  /// an F405 mass erase (8 s, requests held off) stole the erase's URBs and
  /// the erase hung. Real time, one board (the old bridge served one).
  @Test func aSecondProgramOpeningABoardDuringALongEraseDoesNotDerailIt() throws {
    let r = try USBSim.simulate(["--profile", "stm32f405"], timeout: 60, ["/bin/sh", "-c", """
      "\(USBSim.dfutui)" erase --mass --yes > erase.log 2>&1 & job=$!
      sleep 1
      "\(USBSim.dfutui)" list > /dev/null 2>&1; echo "list-status=$?"
      wait $job; echo "erase-status=$?"
      cat erase.log; rm -f erase.log
      """])
    #expect(r.stdout.contains("list-status=0"), "\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("erase-status=0") && r.stdout.contains("Mass erase done"), "\(r.stdout)\n\(r.stderr)")
  }

  @Test func badBenchOptionsAreRefusedWithTheReason() throws {
    let cases: [([String], String)] = [
      (["--boards", "0"], "give 1 to 16 boards"),
      (["--boards", "17"], "give 1 to 16 boards"),
      (["--profile", "stm32f405,stm32x999"], "unknown simulated board 'stm32x999'"),
      (["--boards", "3", "--profile", "stm32f405,stm32l476"], "--boards 3 but 2 profiles"),
      (["--boards", "2", "--plug-schedule", "0,100,200"], "3 times for 2 board(s)"),
      (["--boards", "2", "--plug-schedule", "0,soon"], "'soon' is not a time"),
      (["--boards", "2", "--replug", "3@100"], "there is no board 3"),
      (["--boards", "2", "--replug", "1-100"], "give BOARD@MS"),
      (["--boards", "2", "--fault-board", "3", "--disconnect-after", "10"], "--fault-board 3: there is no board 3"),
      (["--boards", "2", "--fault-board", "1"], "--fault-board needs a fault"),
    ]
    for (options, message) in cases {
      let r = try USBSim.simulate(options, timeout: 30, ["/bin/true"])
      #expect(r.status == 64 && r.stderr.contains(message), "\(options): \(r.status) \(r.stderr)")
    }
  }
}
