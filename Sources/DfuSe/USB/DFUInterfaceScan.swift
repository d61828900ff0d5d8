/// Where a device sits on the bus (libusb_get_bus_number,
/// libusb_get_port_numbers, libusb_get_device_address).
struct USBLocation: Hashable {
  var busNumber: UInt8
  var portNumbers: [UInt8]
  var deviceAddress: UInt8
}

/// String descriptors of one device (USB 2.0 §9.6.7).
protocol USBStringSource: AnyObject {
  /// The string at `index`; nil for index 0 or when it cannot be read.
  func string(at index: UInt8) -> String?
  /// Why no string can be read (the device could not be opened), if so.
  var unavailableReason: String? { get }
}

/// Turns one device's descriptors into ``DFUDeviceInfo`` values, without
/// touching libusb (so it is testable with hand-made descriptors).
enum DFUInterfaceScan {
  /// True when some interface has a DFU alternate setting.
  static func hasDFUInterface(_ configuration: USBConfiguration) -> Bool {
    configuration.interfaces.contains { $0.alternateSettings.contains(where: \.isDFU) }
  }

  /// One ``DFUDeviceInfo`` per interface with a DFU alternate setting (class
  /// 0xFE, subclass 0x01; DFU 1.1 §4.1.2 protocol 1, §4.2.3 protocol 2),
  /// listing its DFU alternate settings with their `iInterface` strings.
  static func infos(descriptor: USBDeviceDescriptor, configuration: USBConfiguration,
                    location: USBLocation, strings: some USBStringSource) -> [DFUDeviceInfo] {
    let manufacturer = strings.string(at: descriptor.manufacturerIndex)
    let product = strings.string(at: descriptor.productIndex)
    let serialNumber = strings.string(at: descriptor.serialNumberIndex)
    return configuration.interfaces.compactMap { interface in
      let settings = interface.alternateSettings.filter(\.isDFU)
      guard let first = settings.first else { return nil }
      let alternates = settings.map {
        DFUAlternateSetting(number: $0.alternateSetting, name: strings.string(at: $0.nameIndex))
      }
      return DFUDeviceInfo(
        vendorID: descriptor.vendorID, productID: descriptor.productID,
        deviceRelease: descriptor.deviceRelease,
        manufacturer: manufacturer, product: product, serialNumber: serialNumber,
        busNumber: location.busNumber, portNumbers: location.portNumbers,
        deviceAddress: location.deviceAddress,
        interfaceNumber: first.interfaceNumber, interfaceProtocol: first.interfaceProtocol,
        alternateSettings: alternates,
        functionalDescriptor: functionalDescriptor(of: interface, in: configuration),
        stringsUnavailableReason: strings.unavailableReason)
    }
  }

  /// The DFU functional descriptor (DFU 1.1 §4.1.3). libusb files a
  /// class-specific descriptor under the interface descriptor it follows, so
  /// this searches the DFU alternate settings' `extra` in order (ST ROMs put
  /// it after the last one), then the interface's other alternate settings,
  /// then the configuration's `extra` (where dfu-libusb looks first).
  static func functionalDescriptor(of interface: USBInterface, in configuration: USBConfiguration)
    -> FunctionalDescriptor?
  {
    let dfu = interface.alternateSettings.filter(\.isDFU)
    let others = interface.alternateSettings.filter { !$0.isDFU }
    for setting in dfu + others {
      if let found = FunctionalDescriptor.find(in: setting.extra) { return found }
    }
    return FunctionalDescriptor.find(in: configuration.extra)
  }
}
