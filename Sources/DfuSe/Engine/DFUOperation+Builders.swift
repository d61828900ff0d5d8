/// Ready-made operations: the DfuSe request sequences for each job
/// (AN3156 §5; stm32-dfu-facts §2). Addresses are not checked here; the
/// flash planner validates everything before an operation is built.
extension DFUOperation {
  /// Longest a sector erase may take: F2/F4 128 KiB sectors up to ~2 s, with margin
  /// (stm32-dfu-facts §4 timing; fwupd saw 2.2 s against a 1.5 s timeout).
  static func eraseBudget(_ size: UInt32) -> Duration { .seconds(4) + .milliseconds(Int64(size / 1024) * 40) }
  /// Mass erase: "up to 32 seconds" on F405 (dfu-util quirk), with margin.
  public static let massEraseBudget: Duration = .seconds(40)

  /// Erases each sector with one ERASE command (AN3156 §5.3).
  public static func erase(_ sectors: [MemorySector], tuning: OperationTuning = .init()) -> DFUOperation {
    var steps = [PlannedStep(.enterIdle, phase: .erase)]
    for s in sectors {
      steps.append(PlannedStep(.command(.erasePage(s.address)), phase: .erase, bytes: Int(s.size),
                               busyBudget: eraseBudget(s.size), expectedBusy: tuning.timing?.eraseTime(sectorSize: s.size)))
    }
    return DFUOperation(name: "erase", pollPolicy: tuning.pollPolicy, steps: steps)
  }

  /// Erases the whole flash (one-byte ERASE command, AN3156 §5.3).
  public static func massErase(totalBytes: Int = 0, tuning: OperationTuning = .init()) -> DFUOperation {
    DFUOperation(name: "mass erase", pollPolicy: tuning.pollPolicy, steps: [
      PlannedStep(.enterIdle, phase: .erase),
      PlannedStep(.command(.massErase), phase: .erase, bytes: totalBytes, busyBudget: massEraseBudget,
                  expectedBusy: tuning.timing?.massErase),
    ])
  }

  /// Writes `data` at `address`: one SET_ADDRESS, then DNLOAD blocks 2, 3, …
  /// of `transferSize` bytes (address = pointer + (block − 2) × wTransferSize,
  /// AN3156 §5.1). A shorter last chunk gets its own SET_ADDRESS and block 2,
  /// so its address is right whether a ROM multiplies by wTransferSize (ST's
  /// device code, dfu-util's upload) or by the request's own length (AN3156's wording).
  public static func write(_ data: [UInt8], at address: UInt32, transferSize: Int,
                           phase: OperationPhase = .write, tuning: OperationTuning = .init()) -> DFUOperation {
    write(runs: [(address, data)], transferSize: transferSize, phase: phase, tuning: tuning)
  }

  /// Writes several runs in order, each with one SET_ADDRESS (see ``write(_:at:transferSize:phase:tuning:)``).
  public static func write(runs: [(address: UInt32, data: [UInt8])], transferSize: Int,
                           phase: OperationPhase = .write, tuning: OperationTuning = .init()) -> DFUOperation {
    var steps = [PlannedStep(.enterIdle, phase: phase)]
    for run in runs {
      for (chunkAddress, chunk, block) in chunks(count: run.data.count, at: run.address, transferSize: transferSize) {
        if block == 2 { steps.append(PlannedStep(.command(.setAddress(chunkAddress)), phase: phase)) }
        let bytes = run.data[chunk]
        steps.append(PlannedStep(.download(block: block, data: bytes), phase: phase, bytes: bytes.count,
                                 expectedBusy: tuning.timing?.programTime(bytes: bytes.count)))
      }
    }
    return DFUOperation(name: "write", pollPolicy: tuning.pollPolicy, steps: steps)
  }

  /// Reads `count` bytes at `address`: SET_ADDRESS, ABORT to dfuIDLE (UPLOAD is
  /// only accepted from dfuIDLE/dfuUPLOAD-IDLE, AN3156 §5 note), then UPLOAD
  /// blocks 2, 3, …; ends with ABORT so the device is left in dfuIDLE.
  public static func read(at address: UInt32, count: Int, transferSize: Int,
                          phase: OperationPhase = .read, tuning: OperationTuning = .init()) -> DFUOperation {
    read(ranges: [(address, count)], transferSize: transferSize, phase: phase, tuning: tuning)
  }

  /// Reads several ranges in one operation; ``DFUOperation/uploaded`` holds
  /// their bytes one after the other.
  public static func read(ranges: [(address: UInt32, count: Int)], transferSize: Int,
                          phase: OperationPhase = .read, tuning: OperationTuning = .init()) -> DFUOperation {
    var steps = [PlannedStep(.enterIdle, phase: phase)]
    for range in ranges {
      for (chunkAddress, chunk, block) in chunks(count: range.count, at: range.address, transferSize: transferSize) {
        if block == 2 {
          if steps.count > 1 { steps.append(PlannedStep(.abort, phase: phase)) }
          steps.append(PlannedStep(.command(.setAddress(chunkAddress)), phase: phase))
          steps.append(PlannedStep(.abort, phase: phase))
        }
        steps.append(PlannedStep(.upload(block: block, length: chunk.count, address: chunkAddress), phase: phase,
                                 bytes: chunk.count))
      }
    }
    steps.append(PlannedStep(.abort, phase: phase))
    return DFUOperation(name: phase == .verify ? "verify" : "read", pollPolicy: tuning.pollPolicy, steps: steps)
  }

  /// Leaves DFU: SET_ADDRESS to `address` (the application's vector table),
  /// then a zero-length DNLOAD (AN3156 §5.5). The pointer is always re-set, so
  /// the ROM never jumps into the middle of the last written block.
  public static func leave(at address: UInt32, tuning: OperationTuning = .init()) -> DFUOperation {
    DFUOperation(name: "leave", pollPolicy: tuning.pollPolicy, steps: [
      PlannedStep(.enterIdle, phase: .leave),
      PlannedStep(.command(.setAddress(address)), phase: .leave),
      PlannedStep(.leave, phase: .leave),
    ])
  }

  /// Read Unprotect (AN3156 §5.4): the ROM mass-erases, resets option bytes and resets.
  public static func readUnprotect() -> DFUOperation {
    DFUOperation(name: "read unprotect", steps: [
      PlannedStep(.enterIdle, phase: .unprotect),
      PlannedStep(.readUnprotect, phase: .unprotect, busyBudget: massEraseBudget),
    ])
  }

  /// Writes a whole option-byte block; the ROM resets afterwards (AN3156 §2.5).
  public static func writeOptionBytes(_ bytes: [UInt8], at address: UInt32) -> DFUOperation {
    DFUOperation(name: "option-byte write", steps: [
      PlannedStep(.enterIdle, phase: .optionBytes),
      PlannedStep(.command(.setAddress(address)), phase: .optionBytes),
      PlannedStep(.downloadExpectingReset(block: 2, data: bytes), phase: .optionBytes, bytes: bytes.count,
                  busyBudget: .seconds(10)),
    ])
  }

  /// Get Command: UPLOAD block 0 returns the supported command bytes (AN3156 §5.1).
  public static func getCommands() -> DFUOperation {
    DFUOperation(name: "get commands", steps: [
      PlannedStep(.enterIdle, phase: .prepare),
      PlannedStep(.upload(block: 0, length: 16, address: 0), phase: .prepare),
      PlannedStep(.abort, phase: .prepare),
    ])
  }

  /// Splits `[address, address + count)` into transfer chunks with their block
  /// numbers: full chunks continue one run (blocks 2…65535); a short last chunk
  /// starts a new run at block 2.
  static func chunks(count: Int, at address: UInt32, transferSize: Int) -> [(UInt32, Range<Int>, UInt16)] {
    precondition(transferSize > 0)
    var result: [(UInt32, Range<Int>, UInt16)] = []
    var offset = 0
    var block: UInt16 = 2
    while offset < count {
      let length = min(transferSize, count - offset)
      if length < transferSize || block == UInt16.max { block = 2 }
      result.append((address &+ UInt32(offset), offset..<(offset + length), block))
      block += 1
      offset += length
    }
    return result
  }
}

/// Chip knowledge that shapes an operation's polling (see ``PollPolicy``).
public struct OperationTuning: Hashable, Sendable {
  public var pollPolicy: PollPolicy
  public var timing: FlashTiming?

  public init(pollPolicy: PollPolicy = .literal, timing: FlashTiming? = nil) {
    self.pollPolicy = pollPolicy
    self.timing = timing
  }

  /// The tuning for a chip profile.
  public init(_ chip: ChipProfile) {
    self.init(pollPolicy: chip.pollPolicy, timing: chip.timing)
  }
}
