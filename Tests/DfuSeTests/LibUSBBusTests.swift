import Testing

@testable import DfuSe

/// Tests against the real libusb on this machine (which may have no USB
/// devices at all; a later suite fakes one with umockdev).
@Suite("LibUSB bus")
struct LibUSBBusTests {
  @Test func initialises() throws {
    _ = try LibUSBBus(logger: .silent)
  }

  @Test func devicesListsOnlyDFUInterfaces() throws {
    let bus = try LibUSBBus(logger: .silent)
    let devices = try bus.devices()
    for device in devices {
      #expect([1, 2].contains(device.interfaceProtocol), "\(device.vidPid) protocol \(device.interfaceProtocol)")
      #expect(!device.alternateSettings.isEmpty)
    }
    // One entry per DFU interface, not per alternate setting.
    let keys = devices.map { "\($0.busNumber)/\($0.deviceAddress)/\($0.interfaceNumber)" }
    #expect(Set(keys).count == keys.count)
  }

  @Test func openingAMissingDeviceThrowsNoDeviceOrNotFound() throws {
    let bus = try LibUSBBus(logger: .silent)
    let existing = Set(try bus.devices().map { [$0.busNumber, $0.deviceAddress] })
    // Address 0 is the default address, never kept by a configured device
    // (USB 2.0 §9.1.1.4); bus 255 does not exist on ordinary hosts.
    let ghost = DFUDeviceInfo(
      vendorID: 0x0483, productID: 0xDF11, deviceRelease: 0x2200, manufacturer: nil, product: nil,
      serialNumber: nil, busNumber: 255, portNumbers: [1], deviceAddress: 0,
      interfaceNumber: 0, interfaceProtocol: 2, alternateSettings: [], functionalDescriptor: nil)
    #expect(!existing.contains([255, 0]))
    do {
      let transport = try bus.open(ghost, alternateSetting: 0)
      transport.close()
      Issue.record("opened a device that does not exist")
    } catch {
      #expect(error == .noDevice || error == .notFound, "got \(error)")
    }
  }
}
