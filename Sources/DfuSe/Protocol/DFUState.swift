/// A DFU device state (`bState`, DFU 1.1 §6.1.2), total over `UInt8`:
/// values the specification does not name are kept, not rejected.
public struct DFUState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let appIdle = DFUState(rawValue: 0)
  public static let appDetach = DFUState(rawValue: 1)
  public static let dfuIdle = DFUState(rawValue: 2)
  public static let downloadSync = DFUState(rawValue: 3)
  public static let downloadBusy = DFUState(rawValue: 4)
  public static let downloadIdle = DFUState(rawValue: 5)
  public static let manifestSync = DFUState(rawValue: 6)
  public static let manifest = DFUState(rawValue: 7)
  public static let manifestWaitReset = DFUState(rawValue: 8)
  public static let uploadIdle = DFUState(rawValue: 9)
  public static let dfuError = DFUState(rawValue: 10)

  /// The specification's name (`dfuDNBUSY`), or `state N` for unknown values.
  public var description: String {
    switch rawValue {
    case 0: return "appIDLE"
    case 1: return "appDETACH"
    case 2: return "dfuIDLE"
    case 3: return "dfuDNLOAD-SYNC"
    case 4: return "dfuDNBUSY"
    case 5: return "dfuDNLOAD-IDLE"
    case 6: return "dfuMANIFEST-SYNC"
    case 7: return "dfuMANIFEST"
    case 8: return "dfuMANIFEST-WAIT-RESET"
    case 9: return "dfuUPLOAD-IDLE"
    case 10: return "dfuERROR"
    default: return "state \(rawValue)"
    }
  }
}
