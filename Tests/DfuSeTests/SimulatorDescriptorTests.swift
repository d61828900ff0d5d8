import DfuSe
import DfuSeSimulator
import Testing

@Suite("Simulator: USB descriptors, enumeration and bus")
struct SimulatorDescriptorTests {
  @Test("Device descriptor is the exact 18-byte USB 2.0 §9.6.1 encoding")
  func deviceDescriptor() {
    let board = SimulatedSTM32(profile: .stm32f405, clock: VirtualClock(), serialNumber: "315A28A0B956")
    #expect(board.deviceDescriptor == [
      18, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 64,
      0x83, 0x04, 0x11, 0xDF, 0x00, 0x22, 1, 2, 3, 1,
    ])
  }

  @Test("Configuration descriptor: 4 DFU alternates then the functional descriptor; wTotalLength right",
        arguments: SimulatedProfile.all)
  func configurationDescriptor(profile: SimulatedProfile) throws {
    let board = SimulatedSTM32(profile: profile, clock: VirtualClock())
    let d = board.configurationDescriptor
    #expect(d.count == 54)
    #expect(Array(d[0..<9]) == [9, 0x02, 54, 0, 1, 1, 0, 0xC0, 50])
    var alternates: [UInt8] = []
    var i = 9
    var functionalOffset: Int?
    while i < d.count {
      let length = Int(d[i])
      try #require(length >= 2 && i + length <= d.count)
      if d[i + 1] == 0x04 {
        #expect(length == 9)
        #expect(d[i + 2] == 0)  // interface 0
        #expect(d[i + 4] == 0)  // no endpoints
        #expect(Array(d[(i + 5)...(i + 7)]) == [0xFE, 0x01, 0x02])
        alternates.append(d[i + 3])
        let name = try #require(board.stringDescriptor(index: d[i + 8]))
        #expect(Self.decodeString(name) == profile.alternates[Int(d[i + 3])].name)
      } else if d[i + 1] == 0x21 {
        functionalOffset = i
      }
      i += length
    }
    #expect(alternates == [0, 1, 2, 3])
    #expect(functionalOffset == 45)  // after the last alternate
    let functional = try #require(FunctionalDescriptor.find(in: Array(d[9...])))
    #expect(functional.attributes.rawValue == 0x0B)
    #expect(functional.detachTimeoutMilliseconds == 255)
    #expect(functional.transferSize == 2048)
    #expect(functional.dfuVersion == 0x011A)
  }

  @Test("String descriptors: language 0x0409, manufacturer, product with two spaces, serial")
  func strings() throws {
    let board = SimulatedSTM32(profile: .stm32l476, clock: VirtualClock(), serialNumber: "206A35A05241")
    #expect(board.stringDescriptor(index: 0) == [4, 0x03, 0x09, 0x04])
    let product = try #require(board.stringDescriptor(index: 2))
    #expect(product[0] == 2 + 2 * 17)
    #expect(product[1] == 0x03)
    #expect(Array(product[2...5]) == [0x53, 0x00, 0x54, 0x00])  // "ST" in UTF-16LE
    #expect(Self.decodeString(product) == "STM32  BOOTLOADER")
    #expect(Self.decodeString(try #require(board.stringDescriptor(index: 1))) == "STMicroelectronics")
    #expect(Self.decodeString(try #require(board.stringDescriptor(index: 3))) == "206A35A05241")
    #expect(board.stringDescriptor(index: 8) == nil)
  }

  @Test("Every alternate string parses as a DfuSe memory map", arguments: SimulatedProfile.all)
  func alternateStringsParse(profile: SimulatedProfile) throws {
    for alternate in profile.alternates {
      _ = try MemoryMap(parsing: alternate.name)
    }
    let flash = try MemoryMap(parsing: profile.alternates[0].name)
    #expect(flash.segments.reduce(0) { $0 + $1.byteCount } == 1024 * 1024)
    let ob = try MemoryMap(parsing: profile.alternates[1].name)
    #expect(ob.segments.map(\.start) == profile.optionByteZones.map(\.address))
    #expect(ob.segments.map { Int($0.byteCount) } == profile.optionByteZones.map(\.size))
  }

  @Test("Profiles are found by name")
  func profileLookup() {
    #expect(SimulatedProfile.named("stm32f405")?.name == "stm32f405")
    #expect(SimulatedProfile.named("STM32L476")?.name == "stm32l476")
    #expect(SimulatedProfile.named("stm32h743") == nil)
    #expect(SimulatedProfile.all.count == 2)
  }

  @Test("Bus lists boards on bus 1, port index+1, distinct serials; opens by device info")
  func bus() throws {
    let clock = VirtualClock()
    let boards = [SimulatedSTM32(profile: .stm32f405, clock: clock), SimulatedSTM32(profile: .stm32l476, clock: clock)]
    let bus = SimulatedBus(boards: boards)
    let devices = bus.devices()
    #expect(devices.map(\.path) == ["1-1", "1-2"])
    #expect(Set(devices.compactMap(\.serialNumber)).count == 2)
    #expect(devices.allSatisfy { $0.vidPid == "0483:df11" && $0.isDFUMode && $0.alternateSettings.count == 4 })
    #expect(devices[0].alternate(1)?.name == SimulatedProfile.stm32f405.alternates[1].name)
    #expect(devices[1].functionalDescriptor?.transferSize == 2048)
    let transport = try bus.open(devices[1], alternateSetting: 2)
    #expect(transport.alternateSetting == 2)
    #expect(boards[1].alternateSetting == 2)
    _ = try transport.controlIn(SetupPacket(.getStatus, interface: 0, length: 6), timeout: .seconds(1))
    #expect(boards[1].requestLog.count == 1)
    #expect(boards[0].requestLog.isEmpty)
  }

  @Test("The device address changes at every re-enumeration; the serial does not")
  func addressChanges() throws {
    let board = SimulatedSTM32(profile: .stm32l476, clock: VirtualClock())
    let bus = SimulatedBus(boards: [board])
    let first = try #require(bus.devices().first)
    board.reconnect()
    let second = try #require(bus.devices().first)
    #expect(first.deviceAddress != second.deviceAddress)
    #expect(first.serialNumber == second.serialNumber)
    #expect(first.path == second.path)
    _ = try bus.open(first, alternateSetting: 0)  // found again by path
  }

  static func decodeString(_ descriptor: [UInt8]) -> String? {
    guard descriptor.count >= 2, Int(descriptor[0]) == descriptor.count, descriptor[1] == 0x03 else { return nil }
    let units = stride(from: 2, to: descriptor.count, by: 2).map { UInt16(descriptor[$0]) | UInt16(descriptor[$0 + 1]) << 8 }
    return String(decoding: units, as: UTF16.self)
  }
}
