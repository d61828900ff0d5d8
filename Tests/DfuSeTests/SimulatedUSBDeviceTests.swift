import DfuSe
import DfuSeSimulator
import Testing

/// ``SimulatedUSBDevice``: the board as a whole USB device (what the umockdev
/// bridge serves to libusb) — chapter 9 requests, class requests, addresses.
@Suite("Simulator: the board as a USB device (chapter 9, addresses, reset)")
struct SimulatedUSBDeviceTests {
  let board = SimulatedSTM32(profile: .stm32l476, clock: VirtualClock(), serialNumber: "207928A0B956")
  var device: SimulatedUSBDevice { SimulatedUSBDevice(board: board) }

  func getDescriptor(_ type: UInt8, _ index: UInt8, length: UInt16) -> SetupPacket {
    SetupPacket(requestType: 0x80, request: 6, value: UInt16(type) << 8 | UInt16(index), index: 0x0409, length: length)
  }

  @Test("sysfs descriptors = device descriptor + configuration; GET_DESCRIPTOR serves the same bytes, cut to wLength")
  func descriptors() throws {
    let usb = device
    let e = try #require(usb.enumeration)
    #expect(e.descriptors == board.deviceDescriptor + board.configurationDescriptor)
    #expect((e.busNumber, e.portNumber) == (1, 1))
    #expect(try usb.control(getDescriptor(1, 0, length: 18), data: [], address: e.deviceAddress, timeout: .zero)
      == board.deviceDescriptor)
    #expect(try usb.control(getDescriptor(2, 0, length: 9), data: [], address: e.deviceAddress, timeout: .zero)
      == Array(board.configurationDescriptor.prefix(9)))
    let serial = try usb.control(getDescriptor(3, 3, length: 255), data: [], address: e.deviceAddress, timeout: .zero)
    #expect(serial == board.stringDescriptor(index: 3))
    expectTransportError(.stall) {
      _ = try usb.control(getDescriptor(3, 40, length: 255), data: [], address: e.deviceAddress, timeout: .zero)
    }
    expectTransportError(.stall) {  // vendor request
      _ = try usb.control(SetupPacket(requestType: 0xC0, request: 1, value: 0, index: 0, length: 4), data: [],
                          address: e.deviceAddress, timeout: .zero)
    }
  }

  @Test("Class requests reach the ROM; SET_INTERFACE selects the alternate; a wrong address is no device")
  func classRequestsAndAddresses() throws {
    let usb = device
    let address = try #require(usb.enumeration?.deviceAddress)
    try usb.setInterface(0, alternate: 1, address: address)
    #expect(board.alternateSetting == 1)
    let getStatus = SetupPacket(requestType: 0xA1, request: 3, value: 0, index: 0, length: 6)
    #expect(try usb.control(getStatus, data: [], address: address, timeout: .zero).count == 6)
    expectTransportError(.noDevice) { _ = try usb.control(getStatus, data: [], address: address &+ 1, timeout: .zero) }
    expectTransportError(.stall) { try usb.setInterface(0, alternate: 9, address: address) }
  }

  @Test("A port reset re-enumerates under a new address; the old one is gone")
  func reset() throws {
    let usb = device
    let old = try #require(usb.enumeration?.deviceAddress)
    try usb.reset(address: old)
    let new = try #require(usb.enumeration?.deviceAddress)
    #expect(new != old)
    let getStatus = SetupPacket(requestType: 0xA1, request: 3, value: 0, index: 0, length: 6)
    expectTransportError(.noDevice) { _ = try usb.control(getStatus, data: [], address: old, timeout: .zero) }
    #expect(try usb.control(getStatus, data: [], address: new, timeout: .zero).count == 6)
  }

  @Test("Off the bus (injected disconnect): no enumeration, every request is no device")
  func offTheBus() throws {
    let usb = device
    let address = try #require(usb.enumeration?.deviceAddress)
    board.faults.disconnectAfterBytes = 0
    let write = SetupPacket(requestType: 0x21, request: 1, value: 2, index: 0, length: 8)
    expectTransportError(.noDevice) { _ = try usb.control(write, data: [UInt8](repeating: 0, count: 8), address: address, timeout: .zero) }
    #expect(usb.enumeration == nil)
  }
}
