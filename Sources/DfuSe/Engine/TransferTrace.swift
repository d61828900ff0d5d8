/// The text of the USB trace a ``DFUSession`` logs (`dfutui -v` / `-vv`):
/// one line per control transfer with the DFU 1.1 §3 request, the DfuSe
/// command a block-0 DNLOAD carries (AN3156 §5), `wValue`, `wLength`, the
/// result and the transfer's duration; at `.trace` a second line with the
/// data bytes. Only called when the logger's level lets the line out.
enum TransferTrace {
  /// Data bytes shown per transfer at `.trace`; the rest is counted.
  static let shownDataBytes = 64

  /// `DNLOAD wValue=0 wLength=5 SET_ADDRESS 0x08000000: sent in 0.250 ms`,
  /// `GETSTATUS wValue=0 wLength=6: dfuDNBUSY, OK, bwPollTimeout 22 ms in 0.130 ms`.
  static func line(_ control: DFUControl, result: DFUTransferResult, elapsed: Duration) -> String {
    let length = control.request.isDeviceToHost ? control.length : control.data.count
    var text = "\(name(control.request)) wValue=\(control.value) wLength=\(length)"
    if let command = command(control) { text += " " + command }
    return text + ": " + outcome(control.request, result) + " in " + milliseconds(elapsed)
  }

  /// The payload of a transfer (sent or received) for the `.trace` line, or
  /// nil when it moved no data.
  static func payload(_ control: DFUControl, result: DFUTransferResult) -> [UInt8]? {
    switch result {
    case .received(let bytes): return bytes.isEmpty ? nil : bytes
    case .sent, .failed: return control.data.isEmpty ? nil : control.data
    }
  }

  /// `data 2048 bytes: 00 10 00 20 … (first 64 shown)`: hex, at most ``shownDataBytes``.
  static func data(_ bytes: [UInt8]) -> String {
    let shown = bytes.prefix(shownDataBytes)
    var text = "data \(bytes.count) byte\(bytes.count == 1 ? "" : "s"):"
    text.reserveCapacity(text.utf8.count + shown.count * 3 + 24)
    for byte in shown {
      text += " "
      if byte < 0x10 { text += "0" }
      text += String(byte, radix: 16)
    }
    if bytes.count > shown.count { text += " … (first \(shown.count) shown)" }
    return text
  }

  /// `wait 22.000 ms`: the host sleeping on a `bwPollTimeout` (DFU 1.1 §6.1.2).
  static func wait(_ duration: Duration) -> String {
    "wait " + milliseconds(duration)
  }

  /// The request's DFU 1.1 name without the `DFU_` prefix.
  static func name(_ request: DFURequest) -> String {
    switch request {
    case .detach: return "DETACH"
    case .download: return "DNLOAD"
    case .upload: return "UPLOAD"
    case .getStatus: return "GETSTATUS"
    case .clearStatus: return "CLRSTATUS"
    case .getState: return "GETSTATE"
    case .abort: return "ABORT"
    }
  }

  /// What a block-0 transfer means to a DfuSe ROM (AN3156 §5): a command, Get
  /// Command, or the zero-length DNLOAD that leaves DFU mode (§5.5).
  static func command(_ control: DFUControl) -> String? {
    guard control.value == 0 else { return nil }
    switch control.request {
    case .download:
      if control.data.isEmpty { return "zero-length (leave)" }
      switch DfuSeCommand(payload: control.data) {
      case .setAddress(let address): return "SET_ADDRESS \(hex32(address))"
      case .erasePage(let address): return "ERASE \(hex32(address))"
      case .massErase: return "MASS ERASE"
      case .readUnprotect: return "READ UNPROTECT"
      case nil: return "unknown command"
      }
    case .upload: return "GET_COMMANDS"
    default: return nil
    }
  }

  static func outcome(_ request: DFURequest, _ result: DFUTransferResult) -> String {
    switch result {
    case .sent: return "sent"
    case .failed(let error): return "failed: " + name(error)
    case .received(let bytes):
      if request == .getStatus, let status = try? StatusResponse(parsing: bytes) {
        return "\(status.state), \(status.status.name), bwPollTimeout \(status.pollTimeoutMilliseconds) ms"
      }
      if request == .getState, bytes.count == 1 { return DFUState(rawValue: bytes[0]).description }
      return "\(bytes.count) byte\(bytes.count == 1 ? "" : "s")"
    }
  }

  /// A short name for a transport failure (the full advice is in the error the caller gets).
  static func name(_ error: TransportError) -> String {
    switch error {
    case .accessDenied: return "ACCESS (permission denied)"
    case .noDevice: return "NO_DEVICE (disconnected)"
    case .stall: return "STALL"
    case .timeout: return "TIMEOUT"
    case .busy: return "BUSY"
    case .notFound: return "NOT_FOUND"
    case .overflow: return "OVERFLOW"
    case .shortTransfer(let expected, let got): return "short transfer (\(got) of \(expected) bytes)"
    case .other(let code, let name): return "\(name) (\(code))"
    }
  }

  /// `1.250 ms` (microsecond resolution).
  static func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let micros = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    let fraction = String(micros % 1000)
    return "\(micros / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction) ms"
  }
}
