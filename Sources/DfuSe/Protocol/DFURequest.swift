/// The seven DFU 1.1 class requests (DFU 1.1 §3, AN3156 §2 Table 2).
///
/// All go to endpoint 0 with recipient = interface and `wIndex` = the DFU
/// interface number; ``isDeviceToHost`` tells the direction (`bmRequestType`
/// 0xA1 for IN, 0x21 for OUT).
public enum DFURequest: UInt8, Sendable, CaseIterable, CustomStringConvertible {
  case detach = 0
  case download = 1
  case upload = 2
  case getStatus = 3
  case clearStatus = 4
  case getState = 5
  case abort = 6

  /// True for UPLOAD, GETSTATUS and GETSTATE (data flows device → host).
  /// AN3156 Table 3 misprints GETSTATE's bmRequest; it is an IN request.
  public var isDeviceToHost: Bool {
    switch self {
    case .upload, .getStatus, .getState: return true
    default: return false
    }
  }

  /// `bmRequestType` for this request: class, interface recipient, direction.
  public var requestType: UInt8 { isDeviceToHost ? 0xA1 : 0x21 }

  /// The DFU 1.1 specification name, e.g. `DFU_GETSTATUS`.
  public var description: String {
    switch self {
    case .detach: return "DFU_DETACH"
    case .download: return "DFU_DNLOAD"
    case .upload: return "DFU_UPLOAD"
    case .getStatus: return "DFU_GETSTATUS"
    case .clearStatus: return "DFU_CLRSTATUS"
    case .getState: return "DFU_GETSTATE"
    case .abort: return "DFU_ABORT"
    }
  }
}
