/// Why a job stopped. Each case's `description` says what happened and what
/// to do next; the CLI maps cases to exit codes, the TUI shows them in its
/// result panel.
public enum JobError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The input cannot be written as given (file, image, plan, multi-target
  /// file without an alternate): nothing was sent to the device.
  case rejected(String)
  /// The request is incomplete or contradictory (a raw file with no writable
  /// memory to default to, a backup name without a known extension).
  case usage(String)
  /// An output file (the backup) cannot be created where asked; nothing was
  /// written to the device.
  case output(String)
  /// The device could not be opened or its alternate setting is unusable.
  case device(String)
  /// Read protection (RDP level 1) is active: the ROM refuses writes and erases (AN3156 Table 4).
  case readProtected
  /// The image touches these write-protected sectors, which the ROM would
  /// skip silently (AN3156 §5).
  case writeProtected([MemorySector])
  /// The vector table at the leave address does not look bootable, and the
  /// leave was not confirmed anyway.
  case notBootable(VectorTable)
  /// The leave was not accepted: the device is still in the bootloader.
  case leaveNotAccepted(target: UInt32, reason: String)
  /// A device operation failed (the device is still on the bus).
  case flash(FlashError)
  /// An option-byte job failed.
  case optionBytes(OptionByteError)
  /// The device left the bus in the middle of the job.
  case deviceLost(DeviceLoss)

  public var description: String {
    switch self {
    case .rejected(let why), .usage(let why), .output(let why), .device(let why): return why
    case .readProtected:
      return "read protection (RDP level 1) is active: the ROM refuses every write and erase. "
        + "`dfutui unprotect --yes` removes it, which mass-erases the whole flash. Nothing was written"
    case .writeProtected(let sectors):
      let list = sectors.map(\.description).joined(separator: ", ")
      return "the image touches write-protected sectors (\(list)); the ROM would silently skip them. "
        + "Remove the protection first (`dfutui options show` lists it; `dfutui options set` changes it). "
        + "Nothing was written"
    case .notBootable(let check):
      let reasons = check.problems.map { "  - " + $0 }.joined(separator: "\n")
      return "not leaving DFU: the application at \(hex32(check.address)) does not look bootable:\n\(reasons)\n"
        + "The device stays in the bootloader. Write a valid image, or use --force to jump anyway."
    case .leaveNotAccepted(let target, let reason):
      return "did NOT leave DFU mode towards \(hex32(target)): \(reason). The device is still in the bootloader; "
        + "retry `dfutui leave`, or set BOOT0 low and reset the board"
    case .flash(let e): return e.description
    case .optionBytes(let e): return e.description
    case .deviceLost(let loss): return loss.description
    }
  }
}
