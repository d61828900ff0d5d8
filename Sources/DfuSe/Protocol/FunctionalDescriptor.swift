/// The 9-byte DFU functional descriptor, type 0x21 (DFU 1.1 §4.1.3;
/// stm32-dfu-facts §1.4). ST ROMs report attributes 0x0B, detach timeout 255 ms,
/// transfer size 2048 and bcdDFU 0x011A ("1.1a", DfuSe).
public struct FunctionalDescriptor: Hashable, Sendable {
  /// `bmAttributes` bits.
  public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let canDownload = Attributes(rawValue: 1 << 0)
    public static let canUpload = Attributes(rawValue: 1 << 1)
    public static let manifestationTolerant = Attributes(rawValue: 1 << 2)
    public static let willDetach = Attributes(rawValue: 1 << 3)
  }

  public static let descriptorType: UInt8 = 0x21
  public static let byteCount = 9

  public var attributes: Attributes
  /// `wDetachTimeOut`, milliseconds.
  public var detachTimeoutMilliseconds: UInt16
  /// `wTransferSize`: the most bytes the device accepts in one DNLOAD/UPLOAD.
  public var transferSize: UInt16
  /// `bcdDFUVersion`; 0x011A marks ST's DfuSe.
  public var dfuVersion: UInt16

  public init(attributes: Attributes, detachTimeoutMilliseconds: UInt16, transferSize: UInt16, dfuVersion: UInt16) {
    self.attributes = attributes
    self.detachTimeoutMilliseconds = detachTimeoutMilliseconds
    self.transferSize = transferSize
    self.dfuVersion = dfuVersion
  }

  /// True when the device speaks ST's DfuSe extensions (bcdDFU 0x011A).
  public var isDfuSe: Bool { dfuVersion == 0x011A }

  /// Parses a functional descriptor. Some devices send a 7-byte DFU 1.0 form
  /// without `bcdDFUVersion`; that is accepted as version 1.0.
  public init?(parsing bytes: some Collection<UInt8>) {
    let b = Array(bytes)
    guard b.count >= 7, b[1] == Self.descriptorType, Int(b[0]) >= 7 else { return nil }
    attributes = Attributes(rawValue: b[2])
    detachTimeoutMilliseconds = UInt16(b[3]) | UInt16(b[4]) << 8
    transferSize = UInt16(b[5]) | UInt16(b[6]) << 8
    dfuVersion = b.count >= 9 && b[0] >= 9 ? UInt16(b[7]) | UInt16(b[8]) << 8 : 0x0100
  }

  /// Finds the functional descriptor inside a run of descriptors (the
  /// `extra` bytes libusb keeps after an interface or configuration).
  public static func find(in descriptors: [UInt8]) -> FunctionalDescriptor? {
    var i = 0
    while i + 1 < descriptors.count {
      let length = Int(descriptors[i])
      guard length >= 2, i + length <= descriptors.count else { return nil }
      if descriptors[i + 1] == descriptorType {
        return FunctionalDescriptor(parsing: descriptors[i..<(i + length)])
      }
      i += length
    }
    return nil
  }

  /// The wire encoding.
  public var bytes: [UInt8] {
    [9, Self.descriptorType, attributes.rawValue,
     UInt8(detachTimeoutMilliseconds & 0xFF), UInt8(detachTimeoutMilliseconds >> 8),
     UInt8(transferSize & 0xFF), UInt8(transferSize >> 8),
     UInt8(dfuVersion & 0xFF), UInt8(dfuVersion >> 8)]
  }
}
