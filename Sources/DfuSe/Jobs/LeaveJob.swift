public import Logging

/// How a leave ended (AN3156 §5.5: SET_ADDRESS, zero-length DNLOAD, GETSTATUS
/// → dfuMANIFEST, then the ROM jumps).
public struct LeaveReport: Sendable, Hashable {
  /// The vector table checked before leaving.
  public var check: VectorTable
  /// True when the leave went ahead although the check found problems.
  public var forced: Bool
  /// True when the device dropped off the bus after accepting the request;
  /// false when it reported dfuMANIFEST and is still listed.
  public var disconnected: Bool
  /// The target is the vector table address the ROM jumped to.
  public var target: UInt32 { check.address }
}

/// The leave workflow: ``prepare(device:chip:bus:clock:logger:alternate:target:)`` reads
/// and checks the vector table (a read only) and says whether it needs
/// confirmation; ``run(confirmed:events:)`` leaves. Success is reported only
/// when the leave was accepted: dfuMANIFEST seen, or the device left the bus
/// after acknowledging the zero-length DNLOAD. A STALLed or failed status poll
/// with the device still listed is ``JobError/leaveNotAccepted(target:reason:)``.
public final class LeaveJob {
  public let device: DFUDeviceInfo
  public let bus: any DFUBus
  public let clock: any BlockingClock
  public let logger: Logger
  public let alternate: UInt8
  /// The boot check of the vector table at the target.
  public let check: VectorTable
  public let chip: ChipProfile

  /// True when the vector table does not look bootable: ask before ``run(confirmed:events:)``.
  public var needsConfirmation: Bool { !check.isBootable }

  private init(device: DFUDeviceInfo, bus: any DFUBus, clock: any BlockingClock, logger: Logger, alternate: UInt8,
               check: VectorTable, chip: ChipProfile) {
    self.device = device
    self.bus = bus
    self.clock = clock
    self.logger = logger
    self.alternate = alternate
    self.check = check
    self.chip = chip
  }

  /// Reads the vector table at `target` (default: the start of the alternate
  /// setting's memory) and checks it. Sends no leave.
  /// - Parameter chip: the identified chip's profile (its RAM regions judge the stack pointer).
  public static func prepare(device: DFUDeviceInfo, chip: ChipProfile, bus: any DFUBus, clock: any BlockingClock,
                             logger: Logger, alternate: UInt8 = 0, target: UInt32? = nil) throws(JobError) -> LeaveJob {
    let map = try FlashJob.memoryMap(of: device, alternate: alternate)
    guard let target = target ?? map.segments.first?.start else { throw .usage("the memory map is empty; give --address") }
    let dfu = try FlashJob.open(device, alternate: alternate, bus: bus, clock: clock, logger: logger)
    defer { dfu.transport.close() }
    let check: VectorTable
    do throws(FlashError) { check = try dfu.checkBootable(at: target, chip: chip) } catch {
      dfu.transport.close()
      throw failure(error, device: device, bus: bus, clock: clock)
    }
    return LeaveJob(device: device, bus: bus, clock: clock, logger: logger, alternate: alternate, check: check, chip: chip)
  }

  /// Leaves DFU towards the checked target.
  /// - Parameter confirmed: needed when ``needsConfirmation``; else ``JobError/notBootable(_:)``.
  public func run(confirmed: Bool, events: (JobEvent) -> Void) throws(JobError) -> LeaveReport {
    if needsConfirmation && !confirmed { throw .notBootable(check) }
    let dfu = try FlashJob.open(device, alternate: alternate, bus: bus, clock: clock, logger: logger)
    defer { dfu.transport.close() }
    return try Self.leave(dfu, check: check, chip: chip, events: events, bus: bus, clock: clock)
  }

  /// SET_ADDRESS + zero-length DNLOAD on an open device, after the check.
  static func leave(_ dfu: DfuSeDevice, check: VectorTable, chip: ChipProfile, events: (JobEvent) -> Void,
                    bus: any DFUBus, clock: any BlockingClock) throws(JobError) -> LeaveReport {
    if !check.isBootable {
      let reasons = check.problems.map { "  - " + $0 }.joined(separator: "\n")
      events(.warning("leaving although the vector table does not look bootable (--force):\n\(reasons)"))
    }
    let outcome: OperationOutcome
    do throws(FlashError) { outcome = try dfu.leave(at: check.address) } catch {
      dfu.transport.close()  // before enumerating again
      if case .device(.leaveUnconfirmed(let e)) = error {
        // The request was acknowledged; only the bus can say whether the ROM jumped.
        guard DeviceLoss.isGone(dfu.info, from: bus, clock: clock) else {
          throw .leaveNotAccepted(target: check.address, reason: "the status poll after the leave request failed (\(e))")
        }
        return LeaveReport(check: check, forced: !check.isBootable, disconnected: true)
      }
      throw failure(error, device: dfu.info, bus: bus, clock: clock)
    }
    dfu.transport.close()
    if outcome == .completed {
      throw .leaveNotAccepted(target: check.address, reason: "the device never reported dfuMANIFEST")
    }
    return LeaveReport(check: check, forced: !check.isBootable,
                       disconnected: DeviceLoss.isGone(dfu.info, from: bus, clock: clock, grace: .zero))
  }

  /// A failure before the leave was acknowledged; a device that left the bus is ``JobError/deviceLost(_:)``.
  static func failure(_ error: FlashError, device: DFUDeviceInfo, bus: any DFUBus, clock: any BlockingClock) -> JobError {
    guard case .device(let e) = error, let (transport, step) = DeviceLoss.transportFailure(e),
          DeviceLoss.isGone(device, from: bus, clock: clock) else { return .flash(error) }
    return .deviceLost(DeviceLoss(error: transport, step: step, phase: .leave, reachedAddress: nil, flashState: nil,
                                  nextStep: "The leave request was not acknowledged, so it is not known whether the "
                                    + "application started or the cable was pulled. `dfutui list` shows whether the "
                                    + "board is back in DFU mode; flash was not changed by the leave"))
  }
}
