/// Device-loss reports for the operations the CLI runs directly on a
/// ``DfuSeDevice`` (`read`, `erase`): the phase, how far it got, the flash
/// state and the next step, worked out from the last progress the operation
/// reported (issue 12 defect 5).
extension DeviceLoss {
  /// A read (UPLOAD, AN3156 §6) cut off by a lost device; nil when `error` is
  /// not a transport failure or the device is still on the bus. Close the
  /// device's transport first.
  /// - Parameters:
  ///   - last: the last progress the read reported (nil: no block arrived yet).
  ///   - address: where the read started; `count`: how many bytes it asked for.
  public static func afterRead(_ error: FlashError, device: DFUDeviceInfo, bus: any DFUBus, clock: any BlockingClock,
                               last: OperationProgress?, address: UInt32, count: Int) -> DeviceLoss? {
    let progress = last ?? OperationProgress(phase: .read, completedBytes: 0, totalBytes: count, reachedAddress: address)
    let done = "\(ProgressTrail.size(progress.completedBytes)) of \(ProgressTrail.size(count)) had been read"
    return after(error, device: device, bus: bus, clock: clock, last: progress,
                 flashState: "not changed (a read does not write or erase)",
                 nextStep: "Reconnect the board in DFU mode (BOOT0 high, reset) and rerun the read; \(done)")
  }

  /// An option-byte operation (read, write, Read Unprotect) whose transfer
  /// failed with the device no longer on the bus; nil otherwise.
  public static func after(_ error: OptionByteError, controller: OptionByteController, phase: OperationPhase?,
                           flashState: String?, nextStep: String) -> DeviceLoss? {
    let failure: (TransportError, String)?
    switch error {
    case .device(let e): failure = transportFailure(e)
    case .transport(let e, let step): failure = (e, step)
    default: failure = nil
    }
    guard let (transport, step) = failure, isGone(controller.device, from: controller.bus, clock: controller.clock) else {
      return nil
    }
    return DeviceLoss(error: transport, step: step, phase: phase, reachedAddress: nil, flashState: flashState,
                      nextStep: nextStep)
  }

  /// An erase (AN3156 §5.3) cut off by a lost device; nil when `error` is not
  /// a transport failure or the device is still on the bus. Close the device's
  /// transport first.
  /// - Parameters:
  ///   - sectors: the sectors the erase was asked for, in the order erased; nil for a mass erase.
  ///   - last: the last progress the erase reported (nil: no sector finished yet).
  public static func afterErase(_ error: FlashError, device: DFUDeviceInfo, bus: any DFUBus, clock: any BlockingClock,
                                last: OperationProgress?, sectors: [MemorySector]?) -> DeviceLoss? {
    var progress = last ?? OperationProgress(phase: .erase, completedBytes: 0, totalBytes: 0)
    // The engine's erase progress names the start of the last finished sector;
    // the address reached is where the cut-off erase begins.
    progress.reachedAddress = sectors.flatMap { s in
      let done = finishedSectors(s, erasedBytes: progress.completedBytes)
      return done < s.count ? s[done].address : nil
    }
    let state = sectors.map { eraseState(sectors: $0, erasedBytes: progress.completedBytes) }
      ?? "a mass erase was cut off: the flash may be wholly, partly or not erased, so its content is undefined"
    return after(error, device: device, bus: bus, clock: clock, last: progress, flashState: state,
                 nextStep: "Reconnect the board in DFU mode (BOOT0 high, reset) and rerun the erase"
                   + (sectors == nil ? "" : "; sectors already erased are erased again"))
  }

  /// "sectors 0x08000000–0x08007FFF erased (2 of 4); the erase of the sector at
  /// 0x08008000 was cut off, it may be partly erased; 1 more sector not touched".
  /// The erase works through `sectors` in order and reports bytes per finished sector.
  static func eraseState(sectors: [MemorySector], erasedBytes: Int) -> String {
    let done = Array(sectors.prefix(finishedSectors(sectors, erasedBytes: erasedBytes)))
    var ranges: [(start: UInt32, end: UInt64)] = []
    for s in done.sorted(by: { $0.address < $1.address }) {
      if let r = ranges.last, r.end == UInt64(s.address) { ranges[ranges.count - 1].end = s.end } else {
        ranges.append((s.address, s.end))
      }
    }
    var parts: [String] = []
    if ranges.isEmpty {
      parts.append("no sector erase had finished")
    } else {
      let list = ranges.map { "\(hex32($0.start))–\(hex32(UInt32($0.end - 1)))" }.joined(separator: ", ")
      parts.append("sector\(done.count == 1 ? "" : "s") \(list) erased (\(done.count) of \(sectors.count))")
    }
    if done.count < sectors.count {
      parts.append("the erase of the sector at \(hex32(sectors[done.count].address)) was cut off, it may be partly erased")
      let rest = sectors.count - done.count - 1
      if rest > 0 { parts.append("\(rest) more sector\(rest == 1 ? "" : "s") not touched") }
    }
    return parts.joined(separator: "; ")
  }

  /// How many of `sectors`, erased in order, the reported byte count covers.
  static func finishedSectors(_ sectors: [MemorySector], erasedBytes: Int) -> Int {
    var total = 0
    for (i, s) in sectors.enumerated() {
      total += Int(s.size)
      if total > erasedBytes { return i }
    }
    return sectors.count
  }
}
