import DfuSe

/// The raw USB descriptors of a simulated ROM, encoded per USB 2.0 §9.6 (all
/// multi-byte fields little-endian), for serving to libusb (umockdev) or tests.
///
/// String indices: 0 = language IDs (0x0409), 1 = manufacturer, 2 = product,
/// 3 = serial number, 4 + *n* = name of alternate setting *n*.
extension SimulatedSTM32 {
  /// The 18-byte device descriptor (USB 2.0 §9.6.1): bcdUSB and bcdDevice
  /// from the profile, class 0 (defined by the interface), 1 configuration.
  public var deviceDescriptor: [UInt8] {
    let id = profile.identity
    return [18, 0x01] + Self.le16(id.usbRelease) + [0x00, 0x00, 0x00, id.maxPacketSize0]
      + Self.le16(id.vendorID) + Self.le16(id.productID) + Self.le16(id.deviceRelease)
      + [Self.manufacturerIndex, Self.productIndex, Self.serialIndex, 1]
  }

  /// The full configuration descriptor set (USB 2.0 §9.6.3, §9.6.5; DFU 1.1
  /// §4.2): configuration, one interface with one descriptor per alternate
  /// setting (class 0xFE, subclass 0x01, protocol 0x02 = DFU mode, no
  /// endpoints), then the 9-byte DFU functional descriptor once, after the
  /// last alternate (stm32-dfu-facts §1.4; wTotalLength 54 on a 4-alt F4).
  public var configurationDescriptor: [UInt8] {
    let id = profile.identity
    var interfaces: [UInt8] = []
    for (number, _) in profile.alternates.enumerated() {
      interfaces += [9, 0x04, 0, UInt8(truncatingIfNeeded: number), 0, 0xFE, 0x01, 0x02,
                     Self.alternateStringIndex(number)]
    }
    let functional = profile.functionalDescriptor.bytes
    let total = 9 + interfaces.count + functional.count
    let power = UInt8(clamping: (id.maxPowerMilliamps + 1) / 2)
    return [9, 0x02] + Self.le16(UInt16(clamping: total)) + [1, 1, 0, id.configurationAttributes, power]
      + interfaces + functional
  }

  /// String descriptor `index` (USB 2.0 §9.6.7): index 0 lists language
  /// 0x0409; others are UTF-16LE text. Nil for an index the device lacks.
  public func stringDescriptor(index: UInt8) -> [UInt8]? {
    guard let text = string(index: index) else {
      return index == 0 ? [4, 0x03, 0x09, 0x04] : nil
    }
    let units = Array(text.utf16.prefix(126))
    return [UInt8(2 + 2 * units.count), 0x03] + units.flatMap { Self.le16($0) }
  }

  /// The text of string `index`, nil for index 0 and absent strings.
  public func string(index: UInt8) -> String? {
    switch index {
    case 0: return nil
    case Self.manufacturerIndex: return profile.identity.manufacturer
    case Self.productIndex: return profile.identity.product
    case Self.serialIndex: return serialNumber
    default:
      let alternate = Int(index) - Int(Self.alternateStringBase)
      return profile.alternates.indices.contains(alternate) ? profile.alternates[alternate].name : nil
    }
  }

  static let manufacturerIndex: UInt8 = 1
  static let productIndex: UInt8 = 2
  static let serialIndex: UInt8 = 3
  static let alternateStringBase: UInt8 = 4

  static func alternateStringIndex(_ number: Int) -> UInt8 {
    UInt8(clamping: Int(alternateStringBase) + number)
  }

  static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
}
