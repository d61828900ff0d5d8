/// A failed DFU operation: what the device or the link did, during which step,
/// and what to do next. Library code throws these; it never prints or exits.
public enum DfuSeError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The transport failed during `step`.
  case transport(TransportError, during: String)
  /// A reply shorter than the protocol requires.
  case responseTooShort(request: DFURequest, got: Int, expected: Int)
  /// The device reported an error status (bState dfuERROR) after `step`.
  case deviceStatus(DFUStatus, state: DFUState, during: String)
  /// The device is in a state the protocol does not allow at this point.
  case unexpectedState(DFUState, expected: [DFUState], during: String)
  /// The device is running its application (appIDLE/appDETACH), not the DFU bootloader.
  case notInDFUMode(DFUState)
  /// The device stayed busy beyond every reasonable poll.
  case stuckBusy(during: String, polls: Int)
  /// The device vanished when it should have stayed.
  case disconnected(during: String)
  /// An UPLOAD returned fewer bytes than requested before the end of the range.
  case shortUpload(address: UInt32, requested: Int, got: Int)
  /// A request the engine refuses to build (length beyond wTransferSize, empty write …).
  case invalidRequest(String)
  /// The user cancelled; the device is still in DFU mode.
  case cancelled
  /// The leave request was acknowledged, but the status poll that should show
  /// dfuMANIFEST failed with this error: whether the ROM jumped is not known
  /// from the transfer alone (a device still on the bus did not leave).
  case leaveUnconfirmed(TransportError)
  /// Read-back after a write differs from what was written, in these ranges.
  case verifyFailed(mismatches: [ClosedRange<UInt32>])

  /// True when the error says read protection is active (errVENDOR on ST ROMs, AN3156 Table 4).
  public var isReadProtection: Bool {
    if case .deviceStatus(let status, _, _) = self { return status == .errVendor }
    return false
  }

  public var description: String {
    switch self {
    case .transport(.stall, let step):
      return "the device kept stalling \(step) (USB STALL), also when retried. Check that the address "
        + "is in the memory map (`dfutui list`) and that read protection is off (`dfutui options show`); "
        + "then reset the board into DFU mode and rerun (`write --diff` resumes a write)"
    case .transport(let error, let step):
      return "USB error during \(step): \(error)"
    case .responseTooShort(let request, let got, let expected):
      return "\(request) reply was \(got) bytes, expected \(expected); the device is not speaking DFU correctly"
    case .deviceStatus(let status, let state, let step) where status == .errVendor:
      return "the device refused \(step): read protection is active (RDP level 1, \(status.name), state \(state)). "
        + "Reading, writing and erasing are blocked until read protection is removed (`dfutui unprotect --yes`), "
        + "which mass-erases the flash"
    case .deviceStatus(let status, let state, let step) where status == .errTarget || status == .errAddress:
      return "the device refused \(step): \(status.name), \(status.meaning) (state \(state)). "
        + "Check the address against the memory map shown by `dfutui list`; on a part with less flash than its "
        + "family's largest, the ROM refuses addresses past the real end"
    case .deviceStatus(let status, let state, let step)
    where [.errProg, .errWrite, .errErase, .errCheckErased, .errVerify].contains(status):
      return "the device reported \(status.name) (\(status.meaning)) during \(step) (state \(state)). Likely causes: "
        + "the sector is write-protected (`dfutui options show` lists WRP); the flash word was already programmed "
        + "since its last erase (ECC flash: L4, G4, H7, U5… program each word once); or the flash is worn or failing. "
        + "Check the protection, then rerun the write (it erases the sector first); if the same sector fails again, "
        + "the part may be failing"
    case .deviceStatus(let status, let state, let step) where status == .errStalledPacket:
      return "the device rejected \(step) (\(status.name), state \(state)) even after CLRSTATUS and one retry. "
        + "The ROM may not support this request on this part; check the address and the alternate setting (`dfutui list`)"
    case .deviceStatus(let status, let state, let step):
      return "the device reported \(status) during \(step) (state \(state)). Reset the board into DFU mode and retry"
    case .unexpectedState(let got, let expected, let step):
      let list = expected.map(String.init(describing:)).joined(separator: " or ")
      return "the device is in state \(got) during \(step), expected \(list). Reset the board into DFU mode "
        + "(BOOT0 high, reset) and retry"
    case .notInDFUMode(let state):
      return "the device is in \(state): its application is running, not the DFU bootloader. "
        + "Enter the ROM bootloader (hold BOOT0 high and reset) and retry"
    case .stuckBusy(let step, let polls) where step.contains("READ_UNPROTECT"):
      return "the device stayed busy after \(polls) status polls during \(step). Do NOT power-cycle it: the ROM may "
        + "still be mass-erasing and rewriting the option bytes. Wait a minute, then check with `dfutui list` and "
        + "`dfutui options show`; rerun `dfutui unprotect --yes` if read protection is still active"
    case .stuckBusy(let step, let polls):
      return "the device stayed busy after \(polls) status polls during \(step). Power-cycle the board and retry"
    case .disconnected(let step):
      return "the device disconnected during \(step). Check the cable and power, re-enter DFU mode, and retry; "
        + "a rerun of the write completes it"
    case .shortUpload(let address, let requested, let got):
      return "reading \(requested) bytes at \(hex32(address)) returned only \(got) bytes"
    case .invalidRequest(let what):
      return "invalid request: \(what)"
    case .cancelled:
      return "cancelled; the device is still in DFU mode"
    case .leaveUnconfirmed(let error):
      return "the leave request was acknowledged, but its status poll failed (\(error)), so it is not known "
        + "whether the device left DFU mode"
    case .verifyFailed(let mismatches):
      let shown = mismatches.prefix(8).map { "\(hex32($0.lowerBound))–\(hex32($0.upperBound))" }.joined(separator: ", ")
      let more = mismatches.count > 8 ? " and \(mismatches.count - 8) more ranges" : ""
      return "verify FAILED: read-back differs from the image at \(shown)\(more). "
        + "The device was left in DFU mode; do not leave DFU. Rerun the write; if it fails again, mass-erase and write"
    }
  }
}
