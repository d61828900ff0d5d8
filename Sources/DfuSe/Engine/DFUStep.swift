/// One protocol-level step of an operation. The engine expands each into
/// control transfers, status polls and waits.
public enum DFUStep: Equatable, Sendable {
  /// Bring the device to dfuIDLE: GETSTATUS, then CLRSTATUS from dfuERROR
  /// (the F3/F4 ROMs' errFIRMWARE after enumeration, stm32-dfu-facts §2.6)
  /// or ABORT from the other idle states (AN3156 §4–5 notes).
  case enterIdle
  /// A DfuSe command: DNLOAD block 0, then GETSTATUS until done (AN3156 §5.1–5.4).
  case command(DfuSeCommand)
  /// A Write Memory DNLOAD with `wValue` = `block` (≥ 2), then status polls.
  /// The data is a slice of the run it belongs to, so a plan holds no second copy.
  case download(block: UInt16, data: ArraySlice<UInt8>)
  /// A DNLOAD after which the ROM resets (option bytes, AN3156 §2.5).
  case downloadExpectingReset(block: UInt16, data: [UInt8])
  /// Read Unprotect; the ROM erases and resets (AN3156 §5.4).
  case readUnprotect
  /// An UPLOAD of `length` bytes with `wValue` = `block`; the bytes are appended
  /// to ``DFUOperation/uploaded``.
  case upload(block: UInt16, length: Int, address: UInt32)
  /// ABORT, then GETSTATUS to confirm dfuIDLE (needed before an UPLOAD after a
  /// SET_ADDRESS, AN3156 §5 note).
  case abort
  /// Zero-length DNLOAD then GETSTATUS expecting dfuMANIFEST; the device then
  /// leaves (AN3156 §5.5).
  case leave
}

/// A step with what it counts toward in progress reports.
public struct PlannedStep: Equatable, Sendable {
  public var step: DFUStep
  public var phase: OperationPhase
  /// Bytes of progress the step accounts for when done.
  public var bytes: Int
  /// Longest the device may legitimately stay busy on this step.
  public var busyBudget: Duration
  /// How long the flash work should take (datasheet typical), when known.
  public var expectedBusy: Duration?

  public init(_ step: DFUStep, phase: OperationPhase, bytes: Int = 0, busyBudget: Duration = .seconds(5),
              expectedBusy: Duration? = nil) {
    self.step = step
    self.phase = phase
    self.bytes = bytes
    self.busyBudget = busyBudget
    self.expectedBusy = expectedBusy
  }
}
