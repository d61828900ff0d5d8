public import Logging

/// A DfuSe device opened on one alternate setting, with its memory map:
/// the API the CLI (and later the TUI) calls. Every method validates its
/// input against the memory map before sending anything, runs the sans-IO
/// operations through one ``DFUSession``, and throws typed errors.
public final class DfuSeDevice {
  public let info: DFUDeviceInfo
  public let session: DFUSession
  /// The memory map of the selected alternate setting.
  public let memoryMap: MemoryMap
  /// Bytes per DNLOAD/UPLOAD: the descriptor's wTransferSize, 2048 on ST ROMs.
  public let transferSize: Int
  /// Checked before every control transfer; when it returns true the job stops
  /// with ``DfuSeError/cancelled`` between two transfers (the device stays in DFU,
  /// and a rerun with ``FlashOptions/differential`` resumes).
  public var isCancelled: () -> Bool = { false }

  /// - Parameter logger: receives the USB trace (``DFUSession``), with the
  ///   device's path and alternate setting as metadata.
  /// - Throws: ``MemoryMapError`` when the alternate setting's name is not a DfuSe memory map.
  public init(info: DFUDeviceInfo, transport: any DFUTransport, clock: any BlockingClock,
              logger: Logger) throws(MemoryMapError) {
    self.info = info
    var logger = logger
    logger[metadataKey: "device"] = "\(info.path)"
    logger[metadataKey: "alt"] = "\(transport.alternateSetting)"
    session = DFUSession(transport: transport, clock: clock, logger: logger)
    let alternate = info.alternate(transport.alternateSetting) ?? DFUAlternateSetting(number: 0, name: nil)
    memoryMap = try alternate.memoryMap()
    let size = Int(info.functionalDescriptor?.transferSize ?? 0)
    transferSize = size > 0 ? min(size, 4096) : 2048
  }

  public var transport: any DFUTransport { session.transport }

  /// The logger of the USB trace, with this device's metadata.
  public var logger: Logger { session.logger }

  /// Reads `count` bytes at `address`; refuses ranges outside readable memory
  /// (reading past the end can crash a ROM, field-notes §3.14).
  public func read(at address: UInt32, count: Int, phase: OperationPhase = .read,
                   progress: (OperationProgress) -> Void = { _ in }) throws(FlashError) -> [UInt8] {
    guard count > 0 else { throw .plan(.emptyRange) }
    let total = UInt64(count)
    guard UInt64(address) + total <= 1 << 32 else { throw .plan(.addressOverflow(start: address, count: total)) }
    if let bad = memoryMap.firstUncoveredAddress(from: address, count: total, requiring: .readable) {
      throw .plan(.outsideMemory(firstBadAddress: bad, start: address, count: total, needed: .readable, map: memoryMap))
    }
    var op = DFUOperation.read(at: address, count: count, transferSize: transferSize, phase: phase)
    try run(&op, progress)
    return op.uploaded
  }

  /// Erases the sectors overlapping `[address, address + count)`.
  public func eraseSectors(_ sectors: [MemorySector], progress: (OperationProgress) -> Void = { _ in }) throws(FlashError) {
    for s in sectors where !s.access.contains(.erasable) {
      throw .plan(.outsideMemory(firstBadAddress: UInt64(s.address), start: s.address, count: UInt64(s.size),
                                 needed: .erasable, map: memoryMap))
    }
    var op = DFUOperation.erase(sectors)
    try run(&op, progress)
  }

  /// Erases the whole flash. The caller must have the user's explicit confirmation.
  public func massErase(progress: (OperationProgress) -> Void = { _ in }) throws(FlashError) {
    let total = memoryMap.segments.filter { $0.access.contains(.erasable) }.reduce(0) { $0 + Int($1.byteCount) }
    var op = DFUOperation.massErase(totalBytes: total)
    try run(&op, progress)
  }

  /// SET_ADDRESS then leave; success when the device drops off the bus.
  @discardableResult
  public func leave(at address: UInt32) throws(FlashError) -> OperationOutcome {
    var op = DFUOperation.leave(at: address)
    return try run(&op, { _ in })
  }

  /// The DfuSe commands the ROM supports (Get Command, AN3156 §5.1).
  public func supportedCommands() throws(FlashError) -> [UInt8] {
    var op = DFUOperation.getCommands()
    try run(&op, { _ in })
    return op.uploaded
  }

  @discardableResult
  func run(_ op: inout DFUOperation, _ progress: (OperationProgress) -> Void) throws(FlashError) -> OperationOutcome {
    do throws(DfuSeError) {
      return try session.run(&op, progress: progress, isCancelled: isCancelled)
    } catch {
      throw .device(error)
    }
  }
}

/// A failure of a device-level job: refused before sending (``plan``) or
/// failed on the device (``device``).
public enum FlashError: Error, Hashable, Sendable, CustomStringConvertible {
  case plan(FlashPlanError)
  case device(DfuSeError)
  /// Stopped before anything was erased, for the reason given (e.g. the backup could not be saved).
  case aborted(String)

  public var description: String {
    switch self {
    case .plan(let e): return e.description
    case .device(let e): return e.description
    case .aborted(let why): return "stopped before erasing anything: \(why)"
    }
  }
}
