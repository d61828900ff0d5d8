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
      throw OptionByteChangeJob.loss(error, controller: controller, phase: .unprotect, flashState: Self.lostFlashState,
                                     nextStep: Self.lostNextStep)
    }
  }

  /// The flash after a Read Unprotect cut off by a lost device: whether the ROM
  /// got the request is not known.
  static let lostFlashState = "unknown: if the ROM received READ_UNPROTECT it mass-erases the whole flash and resets "
    + "the option bytes to factory defaults; otherwise nothing changed"

  /// Never a power-cycle while the chip may be mass-erasing (issue 12 defect 6):
  /// a board with its own supply keeps erasing after the cable is gone.
  static let lostNextStep = "If the ROM received the request the chip may still be mass-erasing: do NOT power-cycle or "
    + "reset the board. Wait a minute (a mass erase takes up to ~30 s), then plug the cable back in with BOOT0 still "
    + "high, wait for the board to show up in `dfutui list`, check read protection with `dfutui options show`, and "
    + "rerun `dfutui unprotect --yes` only if RDP level 1 is still active"
}
