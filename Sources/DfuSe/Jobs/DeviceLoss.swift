/// The device dropped off the bus during a job: which phase, how far it got,
/// what state the flash is left in, and what to do next. Real usbfs reports a
/// pulled cable as EPROTO/EILSEQ (`LIBUSB_ERROR_IO`) before `NO_DEVICE`, so
/// jobs check the bus after any transport error (``DeviceLoss/isGone(_:from:clock:)``)
/// instead of trusting the error code.
public struct DeviceLoss: Sendable, Hashable, CustomStringConvertible {
  /// What the failing transfer returned.
  public var error: TransportError
  /// The step that failed ("write: DNLOAD block 5 (2048 B)").
  public var step: String
  /// The phase the job was in.
  public var phase: OperationPhase?
  /// The address the phase had reached (an erased sector's start, the end of the written bytes).
  public var reachedAddress: UInt32?
  /// The state the flash is left in, in words ("sectors 0x08000000–0x0800BFFF erased, 40 KiB written");
  /// nil when the job does not change flash.
  public var flashState: String?
  /// What to do now.
  public var nextStep: String

  public init(error: TransportError, step: String, phase: OperationPhase?, reachedAddress: UInt32?,
              flashState: String?, nextStep: String) {
    self.error = error
    self.step = step
    self.phase = phase
    self.reachedAddress = reachedAddress
    self.flashState = flashState
    self.nextStep = nextStep
  }

  public var description: String {
    var text = "the device disconnected during \(step)"
    if let phase { text += " (\(phase.rawValue) phase" + (reachedAddress.map { ", reached \(hex32($0))" } ?? "") + ")" }
    text += "; the transfer failed with: \(error)"
    if let flashState { text += ". Flash: \(flashState)" }
    return text + ". " + nextStep
  }

  /// True when `device` is no longer on `bus` in DFU mode (same serial, or same
  /// port path when the serial does not identify the chip). The OS may take a
  /// moment to notice an unplug after the I/O error, so a device still listed
  /// is looked for again a few times over `grace`.
  public static func isGone(_ device: DFUDeviceInfo, from bus: any DFUBus, clock: any BlockingClock,
                            grace: Duration = .milliseconds(500)) -> Bool {
    let start = clock.now
    while true {
      guard let list = try? bus.devices() else { return false }
      if !list.contains(where: { DeviceReenumeration.isSame($0, as: device) && $0.isDFUMode }) { return true }
      if clock.now - start >= grace { return false }
      clock.sleep(for: .milliseconds(100))
    }
  }

  /// For operations run directly on a ``DfuSeDevice`` (read, erase): when
  /// `error` is a transport failure and the device is no longer on the bus,
  /// the loss to report; nil otherwise (report `error` itself). Close the
  /// device's transport first.
  /// - Parameters:
  ///   - last: the last progress the operation reported.
  ///   - flashState: what the flash holds now, in words, when the operation changes it.
  public static func after(_ error: FlashError, device: DFUDeviceInfo, bus: any DFUBus, clock: any BlockingClock,
                           last: OperationProgress?, flashState: String?, nextStep: String) -> DeviceLoss? {
    guard case .device(let e) = error, let (transport, step) = transportFailure(e),
          isGone(device, from: bus, clock: clock) else { return nil }
    return DeviceLoss(error: transport, step: step, phase: last?.phase, reachedAddress: last?.reachedAddress,
                      flashState: flashState, nextStep: nextStep)
  }

  /// The transport error and step inside a device failure, when it was one.
  static func transportFailure(_ error: DfuSeError) -> (TransportError, String)? {
    switch error {
    case .transport(let e, let step) where e != .accessDenied && e != .busy: return (e, step)
    case .disconnected(let step): return (.noDevice, step)
    default: return nil
    }
  }
}
