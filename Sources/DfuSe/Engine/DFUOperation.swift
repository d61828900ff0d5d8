/// A sans-IO DfuSe operation: a list of ``PlannedStep``s run as a state
/// machine that emits ``DFUAction``s and consumes ``DFUTransferResult``s.
/// It never touches USB or sleeps; ``DFUSession`` does that.
///
/// Real-ROM behaviour handled here:
/// - deferred execution: a DNLOAD runs on the next GETSTATUS, which answers
///   dfuDNBUSY; the host waits `bwPollTimeout` and polls again (AN3156 §5.1);
/// - a GETSTATUS that the device holds off while flash is busy: the poll's
///   transfer timeout covers the step's worst case instead of a long sleep
///   (the F405 mass-erase timeout "lie", stm32-dfu-facts §2.6);
/// - a STALLed GETSTATUS during an L4 erase: retried after the last poll
///   timeout (dfu-util ticket 40);
/// - dfuERROR/errFIRMWARE on the first GETSTATUS: CLRSTATUS and go on;
/// - a STALLed request that no real error status explains (the ROM reports
///   errSTALLEDPKT, or nothing): CLRSTATUS, GETSTATUS to dfuIDLE, and the step
///   is sent once more (AN3156 §4 note: CLRSTATUS leaves dfuERROR for dfuIDLE;
///   the ROM keeps its address pointer, so a block resent lands where it should);
/// - a device that disappears after leave, option-byte write or unprotect: success.
public struct DFUOperation: Sendable {
  /// A short name for messages ("write", "erase").
  public let name: String
  public let steps: [PlannedStep]
  /// How to wait between status polls (``PollPolicy/literal`` unless the chip is known).
  public var pollPolicy: PollPolicy {
    get { busy.policy }
    set { busy.policy = newValue }
  }
  /// Bytes returned by UPLOAD steps, in order.
  public private(set) var uploaded: [UInt8] = []
  /// Where the operation is, for progress displays.
  public private(set) var progress: OperationProgress

  /// How many consecutive STALLed status polls are retried (dfu-util uses 3; L4 ROMs need a few).
  public static let maxStalledPolls = 8
  /// How many attempts to reach dfuIDLE before giving up.
  public static let maxIdleAttempts = 6
  /// Shortest pause between polls, so a device that reports 0 ms is not flooded.
  public static let minimumPollInterval: Duration = .milliseconds(1)
  /// Transfer timeout of requests that do not wait for flash.
  public static let shortTimeout: Duration = .seconds(5)

  private var index = 0
  private var queue: [(action: DFUAction, expect: Expectation?)] = []
  private var inFlight: Expectation?
  private var phaseTotals: [OperationPhase: Int] = [:]
  private var phaseDone: [OperationPhase: Int] = [:]
  private var attempts = 0
  private var busy: BusyPolling
  /// The address pointer as the last completed SET_ADDRESS left it.
  private var pointer: UInt32 = 0
  private var terminal: DFUAction?
  /// Whether the current step was already resent after a STALL (once per step).
  private var stallRetried = false

  /// What the result of the transfer in flight means.
  private enum Expectation: Sendable {
    case idleStatus, idleClear, idleAbort
    case downloadSent, busyStatus
    case uploadData(length: Int, address: UInt32, allowShort: Bool)
    case abortSent, abortStatus
    case leaveSent, leaveStatus
    case errorQuery(TransportError)
    case cleanupClear(DfuSeError)
    case stallClear(DfuSeError), stallIdle(DfuSeError)
  }

  public init(name: String, pollPolicy: PollPolicy = .literal, steps: [PlannedStep]) {
    self.name = name
    busy = BusyPolling(policy: pollPolicy)
    self.steps = steps
    var uploadBytes = 0
    for s in steps {
      phaseTotals[s.phase, default: 0] += s.bytes
      if case .upload(_, let length, _) = s.step { uploadBytes += length }
    }
    uploaded.reserveCapacity(uploadBytes)  // one allocation, not geometric growth
    let first = steps.first?.phase ?? .prepare
    progress = OperationProgress(phase: first, completedBytes: 0, totalBytes: phaseTotals[first] ?? 0)
  }

  /// The next thing the driver must do.
  public mutating func nextAction() -> DFUAction {
    if let terminal { return terminal }
    if queue.isEmpty { startStep() }
    let next = queue.removeFirst()
    if let expect = next.expect { inFlight = expect }
    switch next.action {
    case .finished, .failed: terminal = next.action
    default: break
    }
    return next.action
  }

  /// Feeds back the result of the last ``DFUAction/send(_:)``.
  public mutating func receive(_ result: DFUTransferResult) {
    guard let expect = inFlight else { return }
    inFlight = nil
    handle(result, expect)
  }

  // MARK: - Step start

  private var current: PlannedStep { steps[index] }
  private var stepLabel: String {
    switch current.step {
    case .enterIdle: return "\(name): entering dfuIDLE"
    case .command(let c): return "\(name): \(c)"
    case .download(let block, let data):
      let at = downloadAddress.map { " at \(hex32($0))" } ?? ""
      return "\(name): DNLOAD block \(block) (\(data.count) B\(at))"
    case .downloadExpectingReset(let block, let data):
      return "\(name): DNLOAD block \(block) (\(data.count) B)"
    case .readUnprotect: return "\(name): READ_UNPROTECT"
    case .upload(let block, let length, let address): return "\(name): UPLOAD block \(block) (\(length) B at \(hex32(address)))"
    case .abort: return "\(name): ABORT"
    case .leave: return "\(name): leave"
    }
  }

  /// Where the current write DNLOAD lands: the last SET_ADDRESS plus the blocks since.
  private var downloadAddress: UInt32? {
    var offset: UInt64 = 0
    for i in stride(from: index - 1, through: 0, by: -1) {
      switch steps[i].step {
      case .download(_, let data): offset += UInt64(data.count)
      case .command(.setAddress(let a)): return UInt32(truncatingIfNeeded: UInt64(a) + offset)
      default: return nil
      }
    }
    return nil
  }

  private mutating func startStep() {
    guard index < steps.count else {
      queue.append((.finished(.completed), nil))
      return
    }
    attempts = 0
    let step = current
    busy.start(step, expectsReset: expectsReset)
    if progress.phase != step.phase {
      progress = OperationProgress(phase: step.phase, completedBytes: phaseDone[step.phase] ?? 0,
                                   totalBytes: phaseTotals[step.phase] ?? 0)
    }
    switch step.step {
    case .enterIdle:
      sendStatus(.idleStatus)
    case .command(let command):
      send(DFUControl(.download, value: 0, data: command.payload, timeout: Self.shortTimeout), .downloadSent)
    case .download(let block, let data):
      send(DFUControl(.download, value: block, data: Array(data), timeout: Self.shortTimeout), .downloadSent)
    case .downloadExpectingReset(let block, let data):
      send(DFUControl(.download, value: block, data: data, timeout: Self.shortTimeout), .downloadSent)
    case .readUnprotect:
      send(DFUControl(.download, value: 0, data: DfuSeCommand.readUnprotect.payload, timeout: Self.shortTimeout), .downloadSent)
    case .upload(let block, let length, let address):
      send(DFUControl(.upload, value: block, length: length, timeout: Self.shortTimeout),
           .uploadData(length: length, address: address, allowShort: block == 0))
    case .abort:
      send(DFUControl(.abort, timeout: Self.shortTimeout), .abortSent)
    case .leave:
      send(DFUControl(.download, value: 0, timeout: Self.shortTimeout), .leaveSent)
    }
  }

  private mutating func send(_ control: DFUControl, _ expect: Expectation) {
    queue.append((.send(control), expect))
  }

  private mutating func sendStatus(_ expect: Expectation, timeout: Duration = Self.shortTimeout) {
    var control = DFUControl(.getStatus, length: StatusResponse.byteCount, timeout: timeout)
    if case .busyStatus = expect { control.pollsBusyDevice = busy.commandAccepted }
    send(control, expect)
  }

  private mutating func completeStep(outcome: OperationOutcome? = nil) {
    let step = current
    phaseDone[step.phase, default: 0] += step.bytes
    progress.completedBytes = phaseDone[step.phase] ?? 0
    switch step.step {
    case .command(.setAddress(let address)): pointer = address
    case .command(.erasePage(let address)): progress.reachedAddress = address
    case .download(let block, let data):
      progress.reachedAddress = pointer &+ UInt32(Int(block) - 2) &* UInt32(data.count) &+ UInt32(data.count)
    case .upload(let block, let length, let address) where block >= 2: progress.reachedAddress = address &+ UInt32(length)
    default: break
    }
    index += 1
    stallRetried = false
    if let outcome { queue.append((.finished(outcome), nil)) }
  }

  private mutating func fail(_ error: DfuSeError, clearDevice: Bool = false) {
    if clearDevice {
      send(DFUControl(.clearStatus, timeout: Self.shortTimeout), .cleanupClear(error))
    } else {
      queue.append((.failed(error), nil))
    }
  }

  // MARK: - Results

  private var expectsReset: Bool {
    switch current.step {
    case .downloadExpectingReset, .readUnprotect: return true
    default: return false
    }
  }

  private mutating func handle(_ result: DFUTransferResult, _ expect: Expectation) {
    switch expect {
    case .cleanupClear(let error):
      queue.append((.failed(error), nil))
    case .errorQuery(let original):
      let status: StatusResponse? = if case .received(let bytes) = result { try? StatusResponse(parsing: bytes) } else { nil }
      if let status, status.state == .dfuError, status.status != .errStalledPacket {
        fail(.deviceStatus(status.status, state: status.state, during: stepLabel), clearDevice: true)
      } else if original == .stall && !stallRetried {
        stallRetried = true
        send(DFUControl(.clearStatus, timeout: Self.shortTimeout), .stallClear(.transport(original, during: stepLabel)))
      } else {
        fail(.transport(original, during: stepLabel))
      }
    case .stallClear(let error):
      if case .failed(let e) = result, e != .stall { return fail(.transport(e, during: stepLabel)) }
      sendStatus(.stallIdle(error))
    case .stallIdle(let error):
      if case .success(let status) = parseStatus(result), status.state == .dfuIdle {
        queue.append((.wait(Self.minimumPollInterval), nil))
        startStep()
      } else {
        fail(error)
      }
    case .idleStatus, .idleClear, .idleAbort:
      handleIdle(result, expect)
    case .downloadSent:
      handleDownloadSent(result)
    case .busyStatus:
      handleBusyStatus(result)
    case .uploadData(let length, let address, let allowShort):
      handleUpload(result, length: length, address: address, allowShort: allowShort)
    case .abortSent:
      if case .failed(let error) = result { return fail(.transport(error, during: stepLabel)) }
      sendStatus(.abortStatus)
    case .abortStatus:
      switch parseStatus(result) {
      case .success(let status) where status.state == .dfuIdle: completeStep()
      case .success(let status) where status.state == .dfuError:
        fail(.deviceStatus(status.status, state: status.state, during: stepLabel), clearDevice: true)
      case .success(let status): fail(.unexpectedState(status.state, expected: [.dfuIdle], during: stepLabel))
      case .failure(let error): fail(error)
      }
    case .leaveSent:
      switch result {
      // Gone before acknowledging the request: unplugged, not a leave (AN3156 §5.5:
      // the ROM jumps on the GETSTATUS that follows an acknowledged request).
      case .failed(.noDevice): fail(.transport(.noDevice, during: stepLabel))
      case .failed(.stall): send(DFUControl(.getStatus, length: StatusResponse.byteCount, timeout: Self.shortTimeout), .errorQuery(.stall))
      case .failed(let error): fail(.transport(error, during: stepLabel))
      default: sendStatus(.leaveStatus)
      }
    case .leaveStatus:
      handleLeaveStatus(result)
    }
  }

  private func parseStatus(_ result: DFUTransferResult) -> Result<StatusResponse, DfuSeError> {
    switch result {
    case .received(let bytes):
      do throws(DfuSeError) { return .success(try StatusResponse(parsing: bytes)) } catch { return .failure(error) }
    case .sent: return .failure(.responseTooShort(request: .getStatus, got: 0, expected: StatusResponse.byteCount))
    case .failed(let error): return .failure(.transport(error, during: stepLabel))
    }
  }

  private mutating func handleIdle(_ result: DFUTransferResult, _ expect: Expectation) {
    attempts += 1
    guard attempts <= Self.maxIdleAttempts * 2 else {
      return fail(.unexpectedState(.dfuError, expected: [.dfuIdle], during: stepLabel))
    }
    switch expect {
    case .idleClear, .idleAbort:
      if case .failed(let error) = result, error != .stall { return fail(.transport(error, during: stepLabel)) }
      sendStatus(.idleStatus)
    default:
      if case .failed(.stall) = result {
        return send(DFUControl(.clearStatus, timeout: Self.shortTimeout), .idleClear)
      }
      let status: StatusResponse
      switch parseStatus(result) {
      case .success(let s): status = s
      case .failure(let e): return fail(e)
      }
      switch status.state {
      case .dfuIdle:
        completeStep()
      case .dfuError:
        send(DFUControl(.clearStatus, timeout: Self.shortTimeout), .idleClear)
      case .appIdle, .appDetach:
        fail(.notInDFUMode(status.state))
      case .downloadBusy:
        queue.append((.wait(max(status.pollTimeout, Self.minimumPollInterval)), nil))
        sendStatus(.idleStatus, timeout: .seconds(40))
      case .downloadIdle, .uploadIdle, .downloadSync, .manifestSync:
        send(DFUControl(.abort, timeout: Self.shortTimeout), .idleAbort)
      default:
        fail(.unexpectedState(status.state, expected: [.dfuIdle], during: stepLabel))
      }
    }
  }

  private mutating func handleDownloadSent(_ result: DFUTransferResult) {
    switch result {
    case .failed(.stall):
      send(DFUControl(.getStatus, length: StatusResponse.byteCount, timeout: Self.shortTimeout), .errorQuery(.stall))
    case .failed(let error):
      fail(.transport(error, during: stepLabel))
    default:
      sendStatus(.busyStatus, timeout: busy.pollTimeout)
    }
  }

  private mutating func handleBusyStatus(_ result: DFUTransferResult) {
    if case .failed(let error) = result {
      if expectsReset && busy.commandAccepted { return completeStep(outcome: .deviceReset) }
      if expectsReset && error == .noDevice { return completeStep(outcome: .deviceReset) }
      if error == .stall, let wait = busy.stalled() {
        queue.append((.wait(wait), nil))
        return sendStatus(.busyStatus, timeout: busy.pollTimeout)
      }
      return fail(.transport(error, during: stepLabel))
    }
    let status: StatusResponse
    switch parseStatus(result) {
    case .success(let s): status = s
    case .failure(let e): return fail(e)
    }
    switch status.state {
    case .downloadBusy:
      guard let wait = busy.busy(reported: status.pollTimeout) else {
        return fail(.stuckBusy(during: stepLabel, polls: busy.polls))
      }
      if wait > .zero { queue.append((.wait(wait), nil)) }
      sendStatus(.busyStatus, timeout: busy.pollTimeout)
    case .downloadIdle where status.status == .ok:
      completeStep(outcome: expectsReset ? .deviceReset : nil)
    case .dfuIdle where expectsReset && status.status == .ok:
      completeStep(outcome: .deviceReset)
    case .dfuError:
      fail(.deviceStatus(status.status, state: status.state, during: stepLabel), clearDevice: true)
    default:
      fail(.unexpectedState(status.state, expected: [.downloadBusy, .downloadIdle], during: stepLabel))
    }
  }

  private mutating func handleUpload(_ result: DFUTransferResult, length: Int, address: UInt32, allowShort: Bool) {
    switch result {
    case .received(let bytes) where bytes.count == length || (allowShort && bytes.count <= length):
      uploaded.append(contentsOf: bytes)
      completeStep()
    case .received(let bytes):
      fail(.shortUpload(address: address, requested: length, got: bytes.count))
    case .failed(.stall):
      send(DFUControl(.getStatus, length: StatusResponse.byteCount, timeout: Self.shortTimeout), .errorQuery(.stall))
    case .failed(let error):
      fail(.transport(error, during: stepLabel))
    case .sent:
      fail(.shortUpload(address: address, requested: length, got: 0))
    }
  }

  private mutating func handleLeaveStatus(_ result: DFUTransferResult) {
    switch result {
    case .failed(.noDevice):
      // The request was acknowledged and the device left the bus: the ROM jumped.
      completeStep(outcome: .deviceLeft)
    case .failed(let error):
      // A STALL, an I/O error or a timeout does not say whether the ROM jumped;
      // the caller finds out whether the device is still on the bus.
      fail(.leaveUnconfirmed(error))
    default:
      switch parseStatus(result) {
      case .success(let s) where [.manifest, .manifestSync, .manifestWaitReset].contains(s.state):
        completeStep(outcome: .deviceLeft)
      case .success(let s) where s.state == .dfuError:
        fail(.deviceStatus(s.status, state: s.state, during: stepLabel), clearDevice: true)
      case .success(let s):
        fail(.unexpectedState(s.state, expected: [.manifest], during: stepLabel))
      case .failure(let e):
        fail(e)
      }
    }
  }
}
