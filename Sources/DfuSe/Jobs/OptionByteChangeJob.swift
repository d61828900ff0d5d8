/// The option-byte change workflow (`options set`, `options reset-defaults`,
/// the TUI's Options screen): ``prepare(controller:boot0Pin:edit:)`` reads the
/// option bytes and builds the ``OptionByteChangePlan`` (diff, risks, the
/// confirmation it needs) without writing; ``run(confirmed:irreversiblePhrase:events:)``
/// writes zone by zone, waits for each reset (AN3156 §2.5), finds the device
/// again and verifies by reading back.
public final class OptionByteChangeJob {
  public let controller: OptionByteController
  /// What changes, its risks and the confirmation it needs; empty when nothing changes.
  public let plan: OptionByteChangePlan

  private init(controller: OptionByteController, plan: OptionByteChangePlan) {
    self.controller = controller
    self.plan = plan
  }

  /// Reads the current option bytes and plans `edit`'s result.
  /// - Parameter boot0Pin: the BOOT0 pin level, for the predicted boot path.
  public static func prepare(controller: OptionByteController, boot0Pin: Bool,
                             edit: (OptionBytes) throws(OptionByteError) -> OptionBytes) throws(JobError) -> OptionByteChangeJob {
    do throws(OptionByteError) {
      let before = try controller.read()
      let plan = try OptionByteChangePlan(before: before, after: try edit(before), boot0Pin: boot0Pin)
      return OptionByteChangeJob(controller: controller, plan: plan)
    } catch {
      throw loss(error, controller: controller, phase: .optionBytes, flashState: "not changed (only read)",
                 nextStep: "Nothing was written. Reconnect the board in DFU mode and retry")
    }
  }

  /// Writes the plan after the user's confirmation (and the typed phrase for RDP level 2).
  /// - Throws: ``JobError/optionBytes(_:)`` (the gate, device errors, verify),
  ///   ``JobError/deviceLost(_:)`` when the device left the bus outside an expected reset.
  public func run(confirmed: Bool, irreversiblePhrase: String?,
                  events: (JobEvent) -> Void) throws(JobError) -> OptionByteWriteReport {
    do throws(OptionByteError) {
      return try controller.write(plan, confirmed: confirmed, irreversiblePhrase: irreversiblePhrase,
                                  progress: { events(.progress($0)) })
    } catch {
      throw Self.loss(error, controller: controller, phase: .optionBytes,
                      nextStep: "The option bytes may be partly written. Reconnect the board in DFU mode, check them "
                        + "with `dfutui options show`, then rerun the change")
    }
  }

  /// An option-byte failure, or ``JobError/deviceLost(_:)`` when a transfer
  /// failed and the device is no longer on the bus.
  static func loss(_ error: OptionByteError, controller: OptionByteController, phase: OperationPhase? = nil,
                   flashState: String? = nil, nextStep: String) -> JobError {
    DeviceLoss.after(error, controller: controller, phase: phase, flashState: flashState, nextStep: nextStep)
      .map(JobError.deviceLost) ?? .optionBytes(error)
  }

}
