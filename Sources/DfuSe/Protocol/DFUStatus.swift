/// A DFU status code (`bStatus`, DFU 1.1 §6.1.2), total over `UInt8`.
public struct DFUStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let ok = DFUStatus(rawValue: 0x00)
  /// The ST ROM's answer to an address it does not accept (AN3156 §5).
  public static let errTarget = DFUStatus(rawValue: 0x01)
  public static let errFile = DFUStatus(rawValue: 0x02)
  public static let errWrite = DFUStatus(rawValue: 0x03)
  public static let errErase = DFUStatus(rawValue: 0x04)
  public static let errCheckErased = DFUStatus(rawValue: 0x05)
  public static let errProg = DFUStatus(rawValue: 0x06)
  public static let errVerify = DFUStatus(rawValue: 0x07)
  public static let errAddress = DFUStatus(rawValue: 0x08)
  public static let errNotDone = DFUStatus(rawValue: 0x09)
  /// F3/F4 ROMs often report this on the first GETSTATUS after enumeration.
  public static let errFirmware = DFUStatus(rawValue: 0x0A)
  /// The ST ROM's answer to read/write/erase under read protection (AN3156 Table 4).
  public static let errVendor = DFUStatus(rawValue: 0x0B)
  public static let errUSBReset = DFUStatus(rawValue: 0x0C)
  public static let errPOR = DFUStatus(rawValue: 0x0D)
  public static let errUnknown = DFUStatus(rawValue: 0x0E)
  public static let errStalledPacket = DFUStatus(rawValue: 0x0F)

  /// The specification name, e.g. `errTARGET`.
  public var name: String {
    switch rawValue {
    case 0x00: return "OK"
    case 0x01: return "errTARGET"
    case 0x02: return "errFILE"
    case 0x03: return "errWRITE"
    case 0x04: return "errERASE"
    case 0x05: return "errCHECK_ERASED"
    case 0x06: return "errPROG"
    case 0x07: return "errVERIFY"
    case 0x08: return "errADDRESS"
    case 0x09: return "errNOTDONE"
    case 0x0A: return "errFIRMWARE"
    case 0x0B: return "errVENDOR"
    case 0x0C: return "errUSBR"
    case 0x0D: return "errPOR"
    case 0x0E: return "errUNKNOWN"
    case 0x0F: return "errSTALLEDPKT"
    default: return "status 0x\(String(rawValue, radix: 16, uppercase: true))"
    }
  }

  /// What the code means (DFU 1.1 Table 6.3 wording, ST meaning where it differs).
  public var meaning: String {
    switch rawValue {
    case 0x00: return "no error"
    case 0x01: return "address not accepted by the device"
    case 0x02: return "file failed a vendor-specific test"
    case 0x03: return "unable to write memory"
    case 0x04: return "erase failed"
    case 0x05: return "erase check failed"
    case 0x06: return "program failed"
    case 0x07: return "verify failed"
    case 0x08: return "address out of range"
    case 0x09: return "zero-length download before the transfer was complete"
    case 0x0A: return "firmware corrupt"
    case 0x0B: return "vendor-specific error (on ST ROMs: read protection is active)"
    case 0x0C: return "unexpected USB reset"
    case 0x0D: return "unexpected power-on reset"
    case 0x0E: return "unknown error"
    case 0x0F: return "device stalled an unexpected request"
    default: return "status code not defined by DFU 1.1"
    }
  }

  public var description: String { "\(name) (\(meaning))" }
}
