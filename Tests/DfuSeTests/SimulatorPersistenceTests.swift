import DfuSe
import DfuSeSimulator
import Foundation
import Testing

@Suite("Simulator: save and restore")
struct SimulatorPersistenceTests {
  static func temporaryDirectory() -> String {
    NSTemporaryDirectory() + "dfutui-sim-\(UUID().uuidString)"
  }

  @Test("Round trip keeps flash, OTP, option bytes, RDP, serial and the L4 programmed-word bitmap")
  func roundTripL476() throws {
    let directory = Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let h = try SimulatorHarness(.stm32l476)
    try h.write([0x11, 0x22, 0x33, 0x44], at: 0x0800_0000)  // word 0 used up
    try h.abort()
    try h.transport.selectAlternateSetting(2)
    try h.write([0x5A], at: 0x1FFF_7000)
    h.board.setReadProtection(level1: true)
    try h.board.save(to: directory)

    let clock = VirtualClock()
    let restored = try SimulatedSTM32(restoringFrom: directory, clock: clock)
    #expect(restored.profile.name == "stm32l476")
    #expect(restored.serialNumber == "SIM000000001")
    #expect(restored.memory(at: 0x0800_0000, count: 8) == [0x11, 0x22, 0x33, 0x44, 0xFF, 0xFF, 0xFF, 0xFF])
    #expect(restored.memory(at: 0x1FFF_7000, count: 1) == [0x5A])
    #expect(restored.optionBytes == h.board.optionBytes)
    #expect(restored.readProtectionLevel == 1)
    #expect(restored.isConnected)
    #expect(restored.state == .dfuIdle)

    // The bitmap survived: word 0 still cannot be reprogrammed.
    restored.setReadProtection(level1: false)
    let r = try restored.open()
    let setup = SetupPacket(.download, value: 0, interface: 0, length: 5)
    try r.controlOut(setup, data: DfuSeCommand.setAddress(0x0800_0004).payload, timeout: .seconds(1))
    for _ in 0..<2 { _ = try r.controlIn(SetupPacket(.getStatus, interface: 0, length: 6), timeout: .seconds(1)) }
    try r.controlOut(SetupPacket(.download, value: 2, interface: 0, length: 4), data: [0, 0, 0, 0], timeout: .seconds(1))
    for _ in 0..<2 { _ = try r.controlIn(SetupPacket(.getStatus, interface: 0, length: 6), timeout: .seconds(1)) }
    #expect(restored.memory(at: 0x0800_0004, count: 4) == [0xFF, 0xFF, 0xFF, 0xFF])
    #expect(restored.counters.rejectedWordWrites == 1)
  }

  @Test("Round trip on the F405 keeps flash and option bytes")
  func roundTripF405() throws {
    let directory = Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let board = SimulatedSTM32(profile: .stm32f405, clock: VirtualClock(), serialNumber: "ABCDEF012345")
    board.poke(at: 0x080F_FFFC, bytes: [1, 2, 3, 4])
    try board.save(to: directory)
    let restored = try SimulatedSTM32.load(from: directory, orCreate: .stm32l476, clock: VirtualClock())
    #expect(restored.profile.name == "stm32f405")
    #expect(restored.serialNumber == "ABCDEF012345")
    #expect(restored.memory(at: 0x080F_FFFC, count: 4) == [1, 2, 3, 4])
    #expect(restored.optionBytes == SimulatedProfile.stm32f405.factoryOptionBytes)
    #expect(restored.state == .dfuError)  // fresh enumeration: errFIRMWARE
  }

  @Test("load(from:orCreate:) makes a fresh board when nothing was saved")
  func loadOrCreate() throws {
    let board = try SimulatedSTM32.load(from: Self.temporaryDirectory(), orCreate: .stm32l476, clock: VirtualClock())
    #expect(board.profile.name == "stm32l476")
    #expect(board.memory(at: 0x0800_0000, count: 4) == [0xFF, 0xFF, 0xFF, 0xFF])
  }

  @Test("A damaged state directory is reported, not crashed on")
  func damagedState() throws {
    let directory = Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let board = SimulatedSTM32(profile: .stm32f405, clock: VirtualClock())
    try board.save(to: directory)
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory + "/flash.bin"))
    #expect(throws: SimulatorError.self) { _ = try SimulatedSTM32(restoringFrom: directory, clock: VirtualClock()) }
    try Data(#"{"formatVersion":1,"profile":"stm32x999","serialNumber":"1","readProtectionLevel":0}"#.utf8)
      .write(to: URL(fileURLWithPath: directory + "/board.json"))
    #expect(throws: SimulatorError.unknownProfile("stm32x999")) {
      _ = try SimulatedSTM32(restoringFrom: directory, clock: VirtualClock())
    }
  }
}
