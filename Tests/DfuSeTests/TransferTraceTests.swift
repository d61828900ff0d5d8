import Logging
import Testing

@testable import DfuSe
import DfuSeSimulator

/// The USB trace a ``DFUSession`` logs to its caller's logger (`dfutui -v`,
/// `-vv`; issue 12): one `.debug` line per control transfer and poll wait,
/// the data bytes at `.trace`, nothing at all at the CLI's default level.
@Suite("USB trace")
struct TransferTraceTests {
  /// The L476 (2 KiB pages) with something in its first two pages, so a write there erases them.
  func bench() -> Bench {
    let bench = Bench(.stm32l476)
    bench.board.poke(at: 0x0800_0000, bytes: [0x00])
    bench.board.poke(at: 0x0800_0800, bytes: [0x00])
    return bench
  }

  func open(_ bench: Bench, logger: Logger) throws -> DfuSeDevice {
    let info = try #require(bench.bus.devices().first)
    return try DfuSeDevice(info: info, transport: try bench.bus.open(info, alternateSetting: 0), clock: bench.clock,
                           logger: logger)
  }

  @Test func debugLogsEveryTransferWithItsDecodedCommandResultAndTime() throws {
    let bench = bench()
    let (logger, log) = CapturingLogHandler.logger(level: .debug)
    let device = try open(bench, logger: logger)
    _ = try device.flash(try bench.plan(pattern(8192)), options: FlashOptions(verify: false))
    let lines = log.messages
    #expect(lines.contains { $0.hasPrefix("DNLOAD wValue=0 wLength=5 ERASE 0x08000000: sent in ") }, "\(lines)")
    #expect(lines.contains { $0.hasPrefix("DNLOAD wValue=0 wLength=5 ERASE 0x08000800: sent in ") })
    #expect(lines.contains { $0.hasPrefix("DNLOAD wValue=0 wLength=5 SET_ADDRESS 0x08000000: sent in ") })
    #expect(lines.contains { $0.hasPrefix("DNLOAD wValue=2 wLength=2048: sent in ") })
    #expect(lines.contains { $0.hasPrefix("DNLOAD wValue=3 wLength=2048: sent in ") })
    // The L476 ROM answers a page erase with dfuDNBUSY and a poll time; the host then waits (RM0351 tERASE ≈ 22 ms).
    let erase = try #require(lines.firstIndex { $0.hasPrefix("DNLOAD wValue=0 wLength=5 ERASE 0x08000000") })
    #expect(lines[erase + 1].wholeMatch(of: /GETSTATUS wValue=0 wLength=6: dfuDNBUSY, OK, bwPollTimeout [1-9]\d* ms in .*/)
            != nil, "\(lines[erase + 1])")
    #expect(lines[erase + 2].wholeMatch(of: /wait [1-9]\d*\.\d{3} ms/) != nil, "\(lines[erase + 2])")
    #expect(lines.contains { $0.hasPrefix("GETSTATUS wValue=0 wLength=6: dfuDNLOAD-IDLE, OK, bwPollTimeout ") })
    #expect(lines.contains { $0.hasPrefix("wait ") && $0.hasSuffix(" ms") })
    // Every line ends with the transfer's duration and carries the device's path.
    for line in lines where !line.hasPrefix("wait ") {
      #expect(line.wholeMatch(of: /.* in \d+\.\d{3} ms/) != nil, "\(line)")
    }
    #expect(log.all.allSatisfy { $0.level == .debug }, "no data lines below .trace")
    #expect(log.all.allSatisfy { $0.metadata["device"] == device.info.path && $0.metadata["alt"] == "0" })
  }

  @Test func traceAddsTheDataBytesTruncated() throws {
    let bench = bench()
    let (logger, log) = CapturingLogHandler.logger(level: .trace)
    let device = try open(bench, logger: logger)
    let image = pattern(4096)
    _ = try device.flash(try bench.plan(image), options: FlashOptions(verify: false))
    let lines = log.messages
    let first64 = image.prefix(64).map { ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    // The boot page goes last (its own run): SET_ADDRESS 0x08000000, then block 2 with the image's first 2 KiB.
    let run = try #require(lines.firstIndex { $0.hasPrefix("DNLOAD wValue=0 wLength=5 SET_ADDRESS 0x08000000") })
    let block2 = try #require(lines[run...].firstIndex { $0.hasPrefix("DNLOAD wValue=2 wLength=2048") })
    #expect(lines[block2 + 1] == "data 2048 bytes: \(first64) … (first 64 shown)")
    #expect(log.all[block2 + 1].level == .trace)
    // A SET_ADDRESS payload is short: shown whole (AN3156 §5.2: 0x21 then the address, LE).
    #expect(lines.contains("data 5 bytes: 21 00 00 00 08"), "\(lines)")
    // GETSTATUS replies too: 6 bytes, the state (dfuDNLOAD-IDLE = 5) in the fifth.
    #expect(lines.contains { $0.hasPrefix("data 6 bytes: 00 ") && $0.hasSuffix(" 05 00") })
  }

  @Test func readsShowUploadsAndTheirByteCounts() throws {
    let bench = bench()
    let (logger, log) = CapturingLogHandler.logger(level: .debug)
    let device = try open(bench, logger: logger)
    _ = try device.read(at: 0x0800_0000, count: 3000)
    #expect(log.messages.contains { $0.hasPrefix("UPLOAD wValue=2 wLength=2048: 2048 bytes in ") }, "\(log.messages)")
    #expect(log.messages.contains { $0.hasPrefix("UPLOAD wValue=2 wLength=952: 952 bytes in ") })
  }

  @Test func aStalledRequestIsTracedAsSuch() throws {
    let bench = Bench(.stm32f405, faults: SimulatedFaults(stallRequest: 2))
    let (logger, log) = CapturingLogHandler.logger(level: .debug)
    let device = try open(bench, logger: logger)
    _ = try? device.read(at: 0x0800_0000, count: 16)
    #expect(log.messages.contains { $0.contains(": failed: STALL in ") }, "\(log.messages)")
  }

  @Test func nothingIsLoggedAtTheDefaultLevel() throws {
    let bench = bench()
    let (logger, log) = CapturingLogHandler.logger(level: .warning)
    let device = try open(bench, logger: logger)
    _ = try device.flash(try bench.plan(pattern(4096)))
    _ = try device.read(at: 0x0800_0000, count: 64)
    #expect(log.all.isEmpty, "\(log.messages)")
  }

  @Test func commandsAndDurationsAreSpelledOut() {
    func dnload(_ command: DfuSeCommand) -> String? {
      TransferTrace.command(DFUControl(.download, data: command.payload, timeout: .seconds(1)))
    }
    #expect(dnload(.massErase) == "MASS ERASE")
    #expect(dnload(.readUnprotect) == "READ UNPROTECT")
    #expect(TransferTrace.command(DFUControl(.download, timeout: .seconds(1))) == "zero-length (leave)")
    #expect(TransferTrace.command(DFUControl(.upload, length: 16, timeout: .seconds(1))) == "GET_COMMANDS")
    #expect(TransferTrace.milliseconds(.microseconds(22_005)) == "22.005 ms")
    #expect(TransferTrace.milliseconds(.nanoseconds(999)) == "0.000 ms")
    #expect(TransferTrace.data([0x0A, 0xB0, 0x0C]) == "data 3 bytes: 0a b0 0c")
  }
}
