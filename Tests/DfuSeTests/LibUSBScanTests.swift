import Testing

@testable import DfuSe

/// DFUInterfaceScan turns descriptors into DFUDeviceInfo values; these tests
/// feed it an STM32F4 ROM's descriptors (stm32-dfu-facts §1.4, §3.2).
@Suite("LibUSB descriptor scan")
struct LibUSBScanTests {
  final class FakeStrings: USBStringSource {
    var table: [UInt8: String]
    var unavailableReason: String?
    init(_ table: [UInt8: String], unavailableReason: String? = nil) {
      self.table = table
      self.unavailableReason = unavailableReason
    }
    func string(at index: UInt8) -> String? { index == 0 ? nil : table[index] }
  }

  static let functional: [UInt8] = [9, 0x21, 0x0B, 0xFF, 0x00, 0x00, 0x08, 0x1A, 0x01]

  static func dfuAlt(_ alt: UInt8, name: UInt8, extra: [UInt8] = [], interface: UInt8 = 0) -> USBInterfaceSetting {
    USBInterfaceSetting(interfaceNumber: interface, alternateSetting: alt, interfaceClass: 0xFE,
                        interfaceSubClass: 0x01, interfaceProtocol: 2, nameIndex: name, extra: extra)
  }

  static let f4Device = USBDeviceDescriptor(
    vendorID: 0x0483, productID: 0xDF11, deviceRelease: 0x2200, manufacturerIndex: 1,
    productIndex: 2, serialNumberIndex: 3, configurationCount: 1)

  static let f4Config = USBConfiguration(
    value: 1,
    interfaces: [USBInterface(alternateSettings: [
      dfuAlt(0, name: 4), dfuAlt(1, name: 5), dfuAlt(2, name: 6), dfuAlt(3, name: 7, extra: functional),
    ])],
    extra: [])

  static let location = USBLocation(busNumber: 3, portNumbers: [1, 4], deviceAddress: 17)

  @Test func f4RomBecomesOneInfoWithFourAlternates() {
    let strings = FakeStrings([
      1: "STMicroelectronics", 2: "STM32  BOOTLOADER", 3: "315A28A0B956",
      4: "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg", 5: "@Option Bytes  /0x1FFFC000/01*016 e",
      6: "@OTP Memory /0x1FFF7800/01*512 e,01*016 e", 7: "@Device Feature/0xFFFF0000/01*004 e",
    ])
    let infos = DFUInterfaceScan.infos(descriptor: Self.f4Device, configuration: Self.f4Config,
                                       location: Self.location, strings: strings)
    #expect(infos.count == 1)
    guard let info = infos.first else { return }
    #expect(info.vidPid == "0483:df11")
    #expect(info.deviceRelease == 0x2200)
    #expect(info.manufacturer == "STMicroelectronics")
    #expect(info.product == "STM32  BOOTLOADER")
    #expect(info.serialNumber == "315A28A0B956")
    #expect(info.path == "3-1.4")
    #expect(info.deviceAddress == 17)
    #expect(info.interfaceNumber == 0)
    #expect(info.isDFUMode)
    #expect(info.alternateSettings.map(\.number) == [0, 1, 2, 3])
    #expect(info.alternate(1)?.name == "@Option Bytes  /0x1FFFC000/01*016 e")
    #expect(info.functionalDescriptor?.transferSize == 2048)
    #expect(info.functionalDescriptor?.isDfuSe == true)
    #expect(info.stringsUnavailableReason == nil)
  }

  @Test func unopenableDeviceIsListedWithReason() {
    let reason = TransportError.accessDenied.description
    let strings = FakeStrings([:], unavailableReason: reason)
    let infos = DFUInterfaceScan.infos(descriptor: Self.f4Device, configuration: Self.f4Config,
                                       location: Self.location, strings: strings)
    #expect(infos.count == 1)
    #expect(infos.first?.product == nil)
    #expect(infos.first?.alternateSettings.map(\.name) == [nil, nil, nil, nil])
    #expect(infos.first?.stringsUnavailableReason == reason)
  }

  @Test func nonDFUInterfacesAreSkippedAndEachDFUInterfaceListedOnce() {
    let cdc = USBInterfaceSetting(interfaceNumber: 0, alternateSetting: 0, interfaceClass: 0x02,
                                  interfaceSubClass: 0x02, interfaceProtocol: 1, nameIndex: 0, extra: [])
    var runtime = Self.dfuAlt(0, name: 0, interface: 2)
    runtime.interfaceProtocol = 1
    let config = USBConfiguration(
      value: 1,
      interfaces: [USBInterface(alternateSettings: [cdc]), USBInterface(alternateSettings: [runtime])],
      extra: Self.functional)
    let infos = DFUInterfaceScan.infos(descriptor: Self.f4Device, configuration: config,
                                       location: Self.location, strings: FakeStrings([:]))
    #expect(infos.map(\.interfaceNumber) == [2])
    #expect(infos.first?.interfaceProtocol == 1)
    #expect(infos.first?.isDFUMode == false)
    #expect(infos.first?.functionalDescriptor?.detachTimeoutMilliseconds == 255)
    #expect(DFUInterfaceScan.hasDFUInterface(config))
    #expect(!DFUInterfaceScan.hasDFUInterface(USBConfiguration(
      value: 1, interfaces: [USBInterface(alternateSettings: [cdc])], extra: [])))
  }

  @Test func functionalDescriptorSearchOrder() {
    let inConfig = FunctionalDescriptor(attributes: .canDownload, detachTimeoutMilliseconds: 1,
                                        transferSize: 64, dfuVersion: 0x0110)
    let inAlt = FunctionalDescriptor(attributes: [.canDownload, .canUpload], detachTimeoutMilliseconds: 2,
                                     transferSize: 1024, dfuVersion: 0x011A)
    let interface = USBInterface(alternateSettings: [Self.dfuAlt(0, name: 0), Self.dfuAlt(1, name: 0, extra: inAlt.bytes)])
    let both = USBConfiguration(value: 1, interfaces: [interface], extra: inConfig.bytes)
    #expect(DFUInterfaceScan.functionalDescriptor(of: interface, in: both) == inAlt)

    let bare = USBInterface(alternateSettings: [Self.dfuAlt(0, name: 0)])
    let configOnly = USBConfiguration(value: 1, interfaces: [bare], extra: inConfig.bytes)
    #expect(DFUInterfaceScan.functionalDescriptor(of: bare, in: configOnly) == inConfig)

    let none = USBConfiguration(value: 1, interfaces: [bare], extra: [])
    #expect(DFUInterfaceScan.functionalDescriptor(of: bare, in: none) == nil)
  }
}
