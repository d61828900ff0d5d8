/// What the sans-IO engine asks its driver to do next (swift-nio's
/// "events return actions" state-machine shape; dfu-core's sans-IO idea).
public enum DFUAction: Equatable, Sendable {
  /// Perform this control transfer, then hand the result to
  /// ``DFUOperation/receive(_:)``.
  case send(DFUControl)
  /// Sleep this long (a `bwPollTimeout`, after quirk handling), then ask again.
  case wait(Duration)
  /// The operation is over.
  case finished(OperationOutcome)
  /// The operation failed; the device has been left in dfuIDLE where possible.
  case failed(DfuSeError)
}

/// One DFU class request as the engine sees it: no interface number, no
/// `bmRequestType`; the driver adds those (``SetupPacket/init(_:value:interface:length:)``).
public struct DFUControl: Equatable, Sendable, CustomStringConvertible {
  public var request: DFURequest
  /// `wValue`: the block number for DNLOAD/UPLOAD, else 0.
  public var value: UInt16
  /// The OUT payload.
  public var data: [UInt8]
  /// Bytes requested by an IN transfer.
  public var length: Int
  /// How long the transfer may take. Long for a status poll after an erase,
  /// because ST ROMs hold the next request off until the flash is done.
  public var timeout: Duration
  /// True for a GETSTATUS sent while the device reported dfuDNBUSY: time in it
  /// is device busy time, not link time (for the per-phase breakdown).
  public var pollsBusyDevice = false

  public init(_ request: DFURequest, value: UInt16 = 0, data: [UInt8] = [], length: Int = 0, timeout: Duration) {
    self.request = request
    self.value = value
    self.data = data
    self.length = length
    self.timeout = timeout
  }

  public var description: String {
    switch request {
    case .download:
      if value == 0, let command = DfuSeCommand(payload: data) { return "DNLOAD(0) \(command)" }
      return "DNLOAD(\(value)) \(data.count) B"
    case .upload: return "UPLOAD(\(value)) \(length) B"
    default: return request.description
    }
  }
}

/// The result of a ``DFUAction/send(_:)``, fed back to the engine.
public enum DFUTransferResult: Equatable, Sendable {
  /// An OUT transfer completed.
  case sent
  /// An IN transfer returned these bytes.
  case received([UInt8])
  /// The transfer failed.
  case failed(TransportError)
}

/// How an operation ended.
public enum OperationOutcome: Equatable, Sendable {
  /// Done; the device is still connected.
  case completed
  /// The device accepted the leave request and dropped off the bus to run
  /// the application (AN3156 §5.5). Expected; not an error.
  case deviceLeft
  /// The device reset itself, as the ROM does after an option-byte write or
  /// read-unprotect (AN3156 §2.5, §5.4). Expected; not an error.
  case deviceReset
}

/// The phase a step belongs to, for progress display.
public enum OperationPhase: String, Equatable, Sendable, CaseIterable {
  case prepare, erase, write, read, verify, leave, optionBytes, unprotect
}

/// Progress through the current phase, in bytes.
public struct OperationProgress: Equatable, Sendable {
  public var phase: OperationPhase
  public var completedBytes: Int
  public var totalBytes: Int
  /// Where the last completed step got to: the sector an erase finished, the
  /// end of the bytes a write or read finished (exclusive). Lets a job say
  /// how far it got when the link fails.
  public var reachedAddress: UInt32?

  public init(phase: OperationPhase, completedBytes: Int, totalBytes: Int, reachedAddress: UInt32? = nil) {
    self.phase = phase
    self.completedBytes = completedBytes
    self.totalBytes = totalBytes
    self.reachedAddress = reachedAddress
  }

  /// 0…1 (1 when there is nothing to do).
  public var fraction: Double { totalBytes == 0 ? 1 : Double(completedBytes) / Double(totalBytes) }
}
