/// Why an option-byte job was refused or failed. Every description says what
/// is wrong and what to do; most are raised before anything is sent.
public enum OptionByteError: Error, Hashable, Sendable, CustomStringConvertible {
  case unknownFamily(String)
  case unknownField(String, family: OptionByteFamily, known: [String])
  case fieldNotPresent(field: String, family: OptionByteFamily)
  case badEdit(String)
  case badValue(field: String, text: String, reason: String)
  case ambiguousValue(field: String, text: String)
  case sizeMismatch(zone: Int, expected: Int, got: Int)
  case zoneMismatch(family: OptionByteFamily, device: [String])
  case readOnlyFamily(OptionByteFamily, source: String)
  case securityField(String)
  /// A field that may be reserved on this part (the chip identity is not sure).
  case readOnlyField(field: String, reason: String)
  case confirmationRequired(String)
  case irreversiblePhraseRequired(expected: String)
  case readProtected
  case device(DfuSeError)
  /// Another flash-job failure, described by the flash layer.
  case flash(String)
  case transport(TransportError, during: String)
  case deviceDidNotReturn(serial: String?, path: String, waited: Duration)
  case verifyFailed(fields: [String], zones: [Int])
  case stillProtected(ReadProtectionLevel)

  public var description: String {
    switch self {
    case .unknownFamily(let name):
      let known = OptionByteFamily.allCases.map(\.rawValue).joined(separator: ", ")
      return "cannot tell the option-byte family of \(name). Give it with --family (one of: \(known))"
    case .unknownField(let name, let family, let known):
      return "\(family) has no option field '\(name)'. Fields: \(known.joined(separator: ", "))"
    case .fieldNotPresent(let field, let family):
      return "\(field) is not in the option bytes this \(family) device exposes (single-bank part or short block)"
    case .badEdit(let text):
      return "'\(text)' is not an edit; write FIELD=VALUE, e.g. nRST_STOP=0 or RDP=level1"
    case .badValue(let field, let text, let reason):
      return "\(field)=\(text): \(reason)"
    case .ambiguousValue(let field, let text):
      return "\(field)=\(text) is ambiguous: write level0, level1 or level2, or the raw byte (0xAA level 0, "
        + "0xCC level 2 — permanent, anything else level 1)"
    case .sizeMismatch(let zone, let expected, let got):
      return "option-byte zone \(zone) holds \(got) bytes, at least \(expected) are needed; the device is not the "
        + "family assumed. Check --family"
    case .zoneMismatch(let family, let device):
      return "the device's Option Bytes alternate (\(device.joined(separator: ", "))) does not match the \(family) "
        + "layout; nothing was written. Check --family"
    case .readOnlyFamily(let family, let source):
      return "option-byte editing is not enabled for \(family): its byte layout is not confirmed (\(source)). "
        + "Nothing was written; use STM32CubeProgrammer or a debugger for this family"
    case .securityField(let name):
      return "\(name) belongs to the security / co-processor configuration and is never written by dfutui"
    case .readOnlyField(let field, let reason):
      return "\(field) is shown but not written: it \(reason). Nothing was written"
    case .confirmationRequired(let what):
      return "\(what). Nothing was written. Review the changes above and add --yes to confirm"
    case .irreversiblePhraseRequired(let expected):
      return "RDP level 2 is PERMANENT: the chip can never be debugged, read or reprogrammed over DFU again. "
        + "Nothing was written. If you really mean it, add --yes and --irreversible-rdp2 \"\(expected)\""
    case .readProtected:
      return "read protection is active (RDP level 1): the device refuses to upload its option bytes (errVENDOR). "
        + "`dfutui unprotect --yes` removes it and MASS-ERASES the flash"
    case .device(let e):
      return e.description
    case .flash(let text):
      return text
    case .transport(let e, let during):
      return "USB error while \(during): \(e)"
    case .deviceDidNotReturn(let serial, let path, let waited):
      return "the device (serial \(serial ?? "none"), path \(path)) did not re-enumerate within \(waited) after the reset. "
        + "Replug it in DFU mode (BOOT0 high) and run `dfutui options show` to check what was written"
    case .verifyFailed(let fields, let zones):
      let what = fields.isEmpty ? "zone(s) \(zones.map(String.init).joined(separator: ", "))" : fields.joined(separator: ", ")
      return "verify FAILED: after the reset the option bytes differ from what was written in \(what). "
        + "Run `dfutui options show` and retry"
    case .stillProtected(let level):
      return "after Read Unprotect the device still reports RDP \(level); power-cycle the board and retry"
    }
  }
}
