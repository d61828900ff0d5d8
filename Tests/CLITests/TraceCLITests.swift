import Foundation
import Testing

/// `-v` / `-vv` (the USB trace on stderr), run on the built binary.
@Suite struct TraceCLITests {
  let instantL476 = ["--simulate", "stm32l476", "--sim-time", "instant"]

  /// Lines of the trace: `HH:MM:SS.mmm level key=value… message`.
  func traceLines(_ stderr: String, level: String) -> [String] {
    stderr.split(separator: "\n").map(String.init).filter {
      $0.range(of: #"^\d\d:\d\d:\d\d\.\d{3} "# + level + " ", options: .regularExpression) != nil
    }
  }

  @Test func verboseTracesEveryTransferOnStderr() throws {
    let dir = try TemporaryDirectory()
    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "3000", "-o", dir.path("out.bin"), "-v"]
                        + instantL476)
    #expect(r.status == 0, "\(r.stderr)")
    let lines = traceLines(r.stderr, level: "debug")
    #expect(lines.contains { $0.contains(" alt=0 device=1-1 DNLOAD wValue=0 wLength=5 SET_ADDRESS 0x08000000: sent in ") },
            "\(r.stderr)")
    #expect(lines.contains { $0.contains("UPLOAD wValue=2 wLength=2048: 2048 bytes in ") })
    #expect(lines.contains { $0.contains("UPLOAD wValue=2 wLength=952: 952 bytes in ") })
    #expect(lines.contains { $0.contains("GETSTATUS wValue=0 wLength=6: dfuIDLE, OK, bwPollTimeout 0 ms in ") })
    #expect(traceLines(r.stderr, level: "trace").isEmpty, "-v shows no data")
    #expect(!r.stdout.contains("GETSTATUS"), "the trace goes to stderr only")
  }

  @Test func verboseWriteShowsErasesAndTheBusyDevice() throws {
    let dir = try TemporaryDirectory()
    let state = ["--sim-state", dir.path("board")]
    let first = try dir.write("a.bin", testBytes(4096, seed: 1))
    #expect(try CLI.run(["write", first, "--address", "0x08000000"] + instantL476 + state).status == 0)
    let second = try dir.write("b.bin", testBytes(4096, seed: 2))
    let r = try CLI.run(["write", second, "--address", "0x08000000", "--verbose"] + instantL476 + state)
    #expect(r.status == 0, "\(r.stderr)")
    let lines = traceLines(r.stderr, level: "debug")
    #expect(lines.contains { $0.hasSuffix(" ms") && $0.contains("DNLOAD wValue=0 wLength=5 ERASE 0x08000800: sent in ") },
            "\(r.stderr)")
    #expect(lines.contains { $0.contains("DNLOAD wValue=2 wLength=2048: sent in ") })
    #expect(lines.contains { $0.range(of: #"GETSTATUS wValue=0 wLength=6: dfuDNBUSY, OK, bwPollTimeout [1-9]\d* ms"#,
                                      options: .regularExpression) != nil })
    #expect(lines.contains { $0.range(of: #" wait [1-9]\d*\.\d{3} ms$"#, options: .regularExpression) != nil })
  }

  @Test func doubleVerboseAddsTheDataBytes() throws {
    let dir = try TemporaryDirectory()
    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "16", "-o", dir.path("out.bin"), "-vv"]
                        + instantL476)
    #expect(r.status == 0, "\(r.stderr)")
    let data = traceLines(r.stderr, level: "trace")
    #expect(data.contains { $0.hasSuffix(" data 5 bytes: 21 00 00 00 08") }, "\(r.stderr)")
    // A blank chip reads back as 0xFF.
    #expect(data.contains { $0.hasSuffix(" data 16 bytes: " + Array(repeating: "ff", count: 16).joined(separator: " ")) })
    #expect(!traceLines(r.stderr, level: "debug").isEmpty)
  }

  @Test func withoutVerboseStderrHasNoTrace() throws {
    let dir = try TemporaryDirectory()
    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "3000", "-o", dir.path("out.bin")] + instantL476)
    #expect(r.status == 0, "\(r.stderr)")
    for word in ["GETSTATUS", "DNLOAD", "UPLOAD", " debug ", " trace "] {
      #expect(!r.stderr.contains(word), "\(r.stderr)")
    }
  }
}

/// The trace on the real libusb path (`dfutui simulate`, umockdev), with
/// libusb's own debug output forced on by `LIBUSB_DEBUG`: only dfutui's lines appear.
@Suite(.serialized) struct TraceUSBTests {
  init() throws {
    if let missing = USBSim.missing { Issue.record(Comment(rawValue: missing)) }
  }

  @Test func verboseOverLibusbTracesOpensAndTransfersAndLibusbStaysSilent() throws {
    let dir = try TemporaryDirectory()
    let r = try USBSim.run("stm32f405", ["/usr/bin/env", "LIBUSB_DEBUG=4", USBSim.dfutui, "read", "-v",
                                         "--address", "0x08000000", "--length", "64", "-o", dir.path("out.bin")])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("device=1-1 opened bus 1 address "), "\(r.stderr)")
    #expect(r.stderr.contains("UPLOAD wValue=2 wLength=64: 64 bytes in "))
    #expect(!r.stderr.contains("libusb:"), "libusb printed its own log:\n\(r.stderr)")
  }
}
