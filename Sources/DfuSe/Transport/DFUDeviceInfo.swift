/// A snapshot of one DFU-class interface found during enumeration: identity,
/// location, strings, alternate settings and the DFU functional descriptor.
public struct DFUDeviceInfo: Hashable, Sendable {
  public var vendorID: UInt16
  public var productID: UInt16
  /// `bcdDevice`; on ST ROMs its high byte is the DFU protocol version (AN3156 §1),
  /// except Cube-era ROMs that report 0x0200.
  public var deviceRelease: UInt16
  public var manufacturer: String?
  public var product: String?
  public var serialNumber: String?
  /// USB bus number.
  public var busNumber: UInt8
  /// Port numbers from the root hub down (libusb_get_port_numbers).
  public var portNumbers: [UInt8]
  /// Device address on the bus (changes on every re-enumeration).
  public var deviceAddress: UInt8
  /// `bInterfaceNumber` of the DFU interface.
  public var interfaceNumber: UInt8
  /// `bInterfaceProtocol`: 1 = runtime (application), 2 = DFU mode.
  public var interfaceProtocol: UInt8
  public var alternateSettings: [DFUAlternateSetting]
  public var functionalDescriptor: FunctionalDescriptor?
  /// Why strings could not be read (for example, no permission), if so.
  public var stringsUnavailableReason: String?

  public init(vendorID: UInt16, productID: UInt16, deviceRelease: UInt16, manufacturer: String?, product: String?,
              serialNumber: String?, busNumber: UInt8, portNumbers: [UInt8], deviceAddress: UInt8,
              interfaceNumber: UInt8, interfaceProtocol: UInt8, alternateSettings: [DFUAlternateSetting],
              functionalDescriptor: FunctionalDescriptor?, stringsUnavailableReason: String? = nil) {
    self.vendorID = vendorID
    self.productID = productID
    self.deviceRelease = deviceRelease
    self.manufacturer = manufacturer
    self.product = product
    self.serialNumber = serialNumber
    self.busNumber = busNumber
    self.portNumbers = portNumbers
    self.deviceAddress = deviceAddress
    self.interfaceNumber = interfaceNumber
    self.interfaceProtocol = interfaceProtocol
    self.alternateSettings = alternateSettings
    self.functionalDescriptor = functionalDescriptor
    self.stringsUnavailableReason = stringsUnavailableReason
  }

  /// True when the strings could be read and every alternate setting has its
  /// name (an ST ROM names each: the memory map is in it).
  public var isFullyDescribed: Bool {
    stringsUnavailableReason == nil && alternateSettings.allSatisfy { $0.name != nil }
  }

  /// `VID:PID` in lowercase hex, as lsusb and dfu-util print it (`0483:df11`).
  public var vidPid: String { "\(hex16(vendorID)):\(hex16(productID))" }

  /// The stable physical location, `BUS-PORT[.PORT…]` (dfu-util's `--path` form).
  public var path: String {
    "\(busNumber)-" + (portNumbers.isEmpty ? "0" : portNumbers.map(String.init).joined(separator: "."))
  }

  /// True when the interface is in DFU mode (not the runtime interface of an application).
  public var isDFUMode: Bool { interfaceProtocol == 2 }

  /// The alternate setting with this number, if any.
  public func alternate(_ number: UInt8) -> DFUAlternateSetting? {
    alternateSettings.first { $0.number == number }
  }
}

/// One alternate setting of a DFU interface; on ST ROMs its name is a memory
/// map (stm32-dfu-facts §3), such as `@Internal Flash  /0x08000000/04*016Kg,…`.
public struct DFUAlternateSetting: Hashable, Sendable {
  /// `bAlternateSetting`.
  public var number: UInt8
  /// The `iInterface` string, if it could be read.
  public var name: String?

  public init(number: UInt8, name: String?) {
    self.number = number
    self.name = name
  }

  /// The memory map in the name.
  /// - Throws: ``MemoryMapError`` when the name is missing or not a DfuSe map.
  public func memoryMap() throws(MemoryMapError) -> MemoryMap {
    guard let name else { throw .notAMemoryMap(text: "") }
    return try MemoryMap(parsing: name)
  }
}

@inline(__always)
func hex16(_ v: UInt16) -> String {
  let s = String(v, radix: 16)
  return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
