/// A DfuSe special command: the payload of a DNLOAD with `wValue` = 0
/// (AN3156 §5; stm32-dfu-facts §2.1). Get Command is the UPLOAD with
/// `wValue` = 0 and has no DNLOAD form.
public enum DfuSeCommand: Hashable, Sendable, CustomStringConvertible {
  /// 0x21: set the Address Pointer used by later writes, reads and leave.
  case setAddress(UInt32)
  /// 0x41 + address: erase the page or sector containing the address.
  case erasePage(UInt32)
  /// 0x41 alone: erase the whole flash.
  case massErase
  /// 0x92: remove read protection; the ROM erases flash and RAM and resets.
  case readUnprotect

  public static let getCommandOpcode: UInt8 = 0x00
  public static let setAddressOpcode: UInt8 = 0x21
  public static let eraseOpcode: UInt8 = 0x41
  public static let readUnprotectOpcode: UInt8 = 0x92

  /// The DNLOAD payload: opcode then a little-endian address where there is one.
  public var payload: [UInt8] {
    switch self {
    case .setAddress(let a): return [Self.setAddressOpcode] + Self.littleEndian(a)
    case .erasePage(let a): return [Self.eraseOpcode] + Self.littleEndian(a)
    case .massErase: return [Self.eraseOpcode]
    case .readUnprotect: return [Self.readUnprotectOpcode]
    }
  }

  /// Decodes a DNLOAD block-0 payload; nil when it is not a command the ST ROM knows.
  public init?(payload: [UInt8]) {
    switch (payload.first, payload.count) {
    case (Self.setAddressOpcode, 5): self = .setAddress(Self.address(payload))
    case (Self.eraseOpcode, 5): self = .erasePage(Self.address(payload))
    case (Self.eraseOpcode, 1): self = .massErase
    case (Self.readUnprotectOpcode, 1): self = .readUnprotect
    default: return nil
    }
  }

  public var description: String {
    switch self {
    case .setAddress(let a): return "SET_ADDRESS \(hex32(a))"
    case .erasePage(let a): return "ERASE \(hex32(a))"
    case .massErase: return "MASS_ERASE"
    case .readUnprotect: return "READ_UNPROTECT"
    }
  }

  private static func littleEndian(_ a: UInt32) -> [UInt8] {
    [UInt8(a & 0xFF), UInt8(a >> 8 & 0xFF), UInt8(a >> 16 & 0xFF), UInt8(a >> 24)]
  }

  private static func address(_ p: [UInt8]) -> UInt32 {
    UInt32(p[1]) | UInt32(p[2]) << 8 | UInt32(p[3]) << 16 | UInt32(p[4]) << 24
  }
}

/// `0x08000000`-style formatting used in messages.
@inline(__always)
public func hex32(_ value: UInt32) -> String {
  let s = String(value, radix: 16, uppercase: true)
  return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
}
