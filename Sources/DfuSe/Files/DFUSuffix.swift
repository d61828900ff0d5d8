/// The 16-byte DFU file suffix (DFU 1.1 appendix B; stm32-dfu-facts §6):
/// bcdDevice, idProduct, idVendor, bcdDFU, "UFD", bLength 16, dwCRC.
public struct DFUSuffix: Hashable, Sendable {
  /// Matches any device in the VID, PID and bcdDevice fields.
  public static let wildcard: UInt16 = 0xFFFF
  /// bcdDFU of a DfuSe file (UM0391).
  public static let dfuseVersion: UInt16 = 0x011A
  /// bcdDFU of a plain DFU 1.0/1.1 file.
  public static let plainVersion: UInt16 = 0x0100
  public static let length = 16

  public var bcdDevice: UInt16
  public var productID: UInt16
  public var vendorID: UInt16
  public var bcdDFU: UInt16

  public init(bcdDevice: UInt16 = wildcard, productID: UInt16 = 0xDF11, vendorID: UInt16 = 0x0483,
              bcdDFU: UInt16 = dfuseVersion) {
    self.bcdDevice = bcdDevice
    self.productID = productID
    self.vendorID = vendorID
    self.bcdDFU = bcdDFU
  }

  /// Reads the suffix at the end of `bytes` if the "UFD" signature and bLength 16 are there
  /// (the CRC is checked separately by ``verifyCRC(of:file:)``).
  public init?(endOf bytes: [UInt8]) {
    guard bytes.count >= Self.length else { return nil }
    let s = bytes.count - Self.length
    guard bytes[s + 8] == UInt8(ascii: "U"), bytes[s + 9] == UInt8(ascii: "F"), bytes[s + 10] == UInt8(ascii: "D"),
          bytes[s + 11] == 16 else { return nil }
    bcdDevice = readLE16(bytes, s)
    productID = readLE16(bytes, s + 2)
    vendorID = readLE16(bytes, s + 4)
    bcdDFU = readLE16(bytes, s + 6)
  }

  /// Checks the suffix CRC of a whole file (all bytes but the last 4).
  /// - Throws: ``FileFormatError/badCRC(file:stored:computed:)``.
  public static func verifyCRC(of bytes: [UInt8], file: String) throws(FileFormatError) {
    guard bytes.count >= length else { throw .truncated(file: file, at: .offset(0), expected: "a 16-byte DFU suffix") }
    let stored = readLE32(bytes, bytes.count - 4)
    let computed = CRC32.dfuCRC(bytes[..<(bytes.count - 4)])
    guard stored == computed else { throw .badCRC(file: file, stored: stored, computed: computed) }
  }

  /// Appends this suffix and the CRC over everything before it to `bytes`.
  public func append(to bytes: inout [UInt8]) {
    appendLE16(&bytes, bcdDevice)
    appendLE16(&bytes, productID)
    appendLE16(&bytes, vendorID)
    appendLE16(&bytes, bcdDFU)
    bytes += [UInt8(ascii: "U"), UInt8(ascii: "F"), UInt8(ascii: "D"), 16]
    appendLE32(&bytes, CRC32.dfuCRC(bytes))
  }

  /// Why this file's suffix does not name `device`, or nil when it does.
  /// 0xFFFF matches anything; bcdDevice 0x0000 also does, because dfuse-pack and
  /// DFU File Manager write 0 (stm32-dfu-facts §6).
  public func mismatch(with device: DFUDeviceInfo) -> String? {
    var problems: [String] = []
    if vendorID != Self.wildcard && vendorID != device.vendorID || productID != Self.wildcard && productID != device.productID {
      problems.append("the file is made for \(hex16(vendorID)):\(hex16(productID)) but the device is \(device.vidPid)")
    }
    if bcdDevice != Self.wildcard && bcdDevice != 0 && bcdDevice != device.deviceRelease {
      problems.append("the file is made for device release (bcdDevice) \(hex16(bcdDevice)) but the device reports "
                      + hex16(device.deviceRelease))
    }
    guard !problems.isEmpty else { return nil }
    return problems.joined(separator: "; ") + ". Files for a product's own USB ID are often flashed through the ST ROM "
      + "(0483:df11) on purpose; check that this is the right file for this board"
  }
}

@inline(__always) func readLE16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
@inline(__always) func readLE32(_ b: [UInt8], _ i: Int) -> UInt32 {
  UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}
@inline(__always) func appendLE16(_ b: inout [UInt8], _ v: UInt16) { b += [UInt8(v & 0xFF), UInt8(v >> 8)] }
@inline(__always) func appendLE32(_ b: inout [UInt8], _ v: UInt32) {
  b += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
}
