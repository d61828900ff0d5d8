/// Read Unprotect (AN3156 §5.4) as a job: the ROM mass-erases the flash,
/// resets the option bytes to factory defaults and resets; the job waits for
/// the device, finds it again and confirms RDP level 0. Needs the user's
/// explicit confirmation before ``run(events:)``.
public final class UnprotectJob {
  public let controller: OptionByteController

  public init(controller: OptionByteController) {
    self.controller = controller
  }

  /// Sends READ_UNPROTECT and confirms the result.
  /// - Throws: ``JobError/optionBytes(_:)``; ``JobError/deviceLost(_:)`` when
  ///   the device left the bus before the request was acknowledged.
  public func run(events: (JobEvent) -> Void) throws(JobError) -> UnprotectReport {
    do throws(OptionByteError) {
      return try controller.unprotect(progress: { events(.progress($0)) })
    } catch {
      throw OptionByteChangeJob.loss(error, controller: controller,
                                     nextStep: "If the ROM received the request it is mass-erasing now: do NOT "
                                       + "power-cycle. Reconnect the board in DFU mode, wait for it to show up in "
                                       + "`dfutui list`, check `dfutui options show`, and rerun `dfutui unprotect --yes` "
                                       + "if read protection is still active")
    }
  }
}
