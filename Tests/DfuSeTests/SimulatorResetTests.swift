import DfuSe
import DfuSeSimulator
import Testing

@Suite("Simulator: leave, option-byte writes, Read Unprotect, USB reset")
struct SimulatorResetTests {
  @Test("Leave on blank flash: dfuMANIFEST, then the board resets into the ROM and re-enumerates")
  func leaveBlankFlash() throws {
    let h = try SimulatorHarness(.stm32f405)
    let address = h.board.deviceAddress
    try h.run(.setAddress(0x0800_0000))
    try h.dnload(2, [])
    #expect(h.board.state == .manifestSync)
    let manifest = try h.getStatus()
    #expect(manifest.state == .manifest)
    expectTransportError(.noDevice) { _ = try h.getStatus() }
    #expect(h.board.isConnected)
    #expect(!h.board.isRunningApplication)
    #expect(h.board.deviceAddress != address)
    #expect(h.board.state == .dfuError)  // F405: errFIRMWARE after enumeration
    #expect(h.bus.devices().count == 1)
  }

  @Test("Leave with a valid vector table: the application runs and the board stays off the bus",
        arguments: ["stm32f405", "stm32l476"])
  func leaveIntoApplication(profile: String) throws {
    let h = try SimulatorHarness(try #require(SimulatedProfile.named(profile)))
    try h.write(SimulatorHarness.vectorTable(sp: 0x2002_0000, reset: 0x0800_01C1), at: 0x0800_0000)
    try h.run(.setAddress(0x0800_0000))
    try h.dnload(0, [])  // pydfu's wValue 0 form
    #expect(try h.getStatus().state == .manifest)
    #expect(!h.board.isConnected)
    #expect(h.board.isRunningApplication)
    #expect(h.board.deviceInfo == nil)
    #expect(h.bus.devices().isEmpty)
    expectTransportError(.noDevice) { _ = try h.getState() }
    h.board.reconnect()
    #expect(h.board.isConnected)
    try h.reopen()
    #expect(h.board.memory(at: 0x0800_0004, count: 4) == [0xC1, 0x01, 0x00, 0x08])
  }

  @Test("Leave re-enters the ROM when the vector table is invalid",
        arguments: [(UInt32(0x2002_0000), UInt32(0x0800_01C0)),  // no Thumb bit
                    (0x0800_0000, 0x0800_01C1),                  // SP not in SRAM
                    (0x2002_0000, 0x2000_01C1)])                 // reset vector not in flash
  func leaveInvalidVectors(sp: UInt32, reset: UInt32) throws {
    let h = try SimulatorHarness(.stm32l476)
    h.board.poke(at: 0x0800_0000, bytes: SimulatorHarness.vectorTable(sp: sp, reset: reset))
    try h.dnload(2, [])
    #expect(try h.getStatus().state == .manifest)
    #expect(h.board.isConnected)
    #expect(!h.board.isRunningApplication)
  }

  @Test("F405 option-byte write: device resets, re-enumerates with the same serial, new RDP applies")
  func optionByteWriteF405() throws {
    let h = try SimulatorHarness(.stm32f405)
    let oldAddress = h.board.deviceAddress
    var ob = h.board.optionBytes[0]
    #expect(ob == [0xEC, 0xAA, 0x13, 0x55, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF])
    ob[1] = 0xBB
    try h.transport.selectAlternateSetting(1)
    try h.write(ob, at: 0x1FFF_C000, expectReset: true)
    #expect(!h.board.isConnected)  // still programming (250 ms)
    h.clock.sleep(for: .milliseconds(250))
    #expect(h.board.isConnected)
    #expect(h.board.deviceAddress != oldAddress)
    #expect(h.bus.devices().first?.serialNumber == "SIM000000001")
    #expect(h.board.readProtectionLevel == 1)
    #expect(h.board.optionBytes[0][3] == 0x44)  // complement recomputed
    #expect(h.board.alternateSetting == 0)
  }

  @Test("Option-byte writes of another size or address are errTARGET", arguments: [8, 32])
  func optionByteWrongSize(size: Int) throws {
    let h = try SimulatorHarness(.stm32f405)
    try h.transport.selectAlternateSetting(1)
    let final = try h.write([UInt8](repeating: 0, count: size), at: 0x1FFF_C000)
    #expect(final.status == .errTarget)
    #expect(h.board.isConnected)
    #expect(h.board.readProtectionLevel == 0)
  }

  @Test("L476 bank-2 option zone write sets WRP2AR and write-protects bank-2 pages")
  func optionByteWriteL476() throws {
    let h = try SimulatorHarness(.stm32l476)
    var zone = h.board.optionBytes[1]
    zone[0x18] = 0x00; zone[0x1A] = 0x01  // WRP2AR: STRT 0, END 1
    try h.transport.selectAlternateSetting(1)
    try h.write(zone, at: 0x1FFF_F800, expectReset: true)
    h.clock.sleep(for: .milliseconds(25))
    #expect(h.board.isConnected)
    let wrp = h.board.writeProtectedSectors
    #expect(wrp[256] && wrp[257] && !wrp[258] && !wrp[0])
    #expect(h.board.optionBytes[1][0x1C...0x1F] == [0xFF, 0xFF, 0xFE, 0xFF])  // complement of 0x00010000
    try h.reopen()
    try h.write([UInt8](repeating: 0, count: 8), at: 0x0808_0000)
    #expect(h.board.memory(at: 0x0808_0000, count: 8) == [UInt8](repeating: 0xFF, count: 8))
  }

  @Test("Read Unprotect under RDP 1: flash erased, factory option bytes, reset and re-enumeration")
  func readUnprotectProtected() throws {
    let h = try SimulatorHarness(.stm32f405)
    h.board.poke(at: 0x0800_0000, bytes: [1, 2, 3, 4])
    h.board.poke(at: 0x2000_0000, bytes: [9, 9])
    h.board.setReadProtection(level1: true)
    try h.command(.readUnprotect)
    let busy = try h.getStatus()
    #expect(busy.state == .downloadBusy)
    expectTransportError(.noDevice) { _ = try h.getStatus() }
    h.clock.sleep(for: .seconds(8))
    #expect(h.board.isConnected)
    #expect(h.board.readProtectionLevel == 0)
    #expect(h.board.optionBytes == SimulatedProfile.stm32f405.factoryOptionBytes)
    #expect(h.board.memory(at: 0x0800_0000, count: 4) == [0xFF, 0xFF, 0xFF, 0xFF])
    #expect(h.board.memory(at: 0x2000_0000, count: 2) == [0, 0])
  }

  @Test("Read Unprotect without protection clears RAM, keeps flash, still resets")
  func readUnprotectUnprotected() throws {
    let h = try SimulatorHarness(.stm32l476)
    let address = h.board.deviceAddress
    h.board.poke(at: 0x0800_0000, bytes: [1, 2, 3, 4])
    h.board.poke(at: 0x2000_0000, bytes: [9, 9])
    try h.command(.readUnprotect)
    _ = try h.getStatus()
    expectTransportError(.noDevice) { _ = try h.getStatus() }
    #expect(h.board.isConnected)
    #expect(h.board.deviceAddress != address)
    #expect(h.board.memory(at: 0x0800_0000, count: 4) == [1, 2, 3, 4])
    #expect(h.board.memory(at: 0x2000_0000, count: 2) == [0, 0])
  }

  @Test("USB reset re-enumerates; the old transport throws .noDevice")
  func usbReset() throws {
    let h = try SimulatorHarness(.stm32l476)
    let address = h.board.deviceAddress
    try h.run(.setAddress(0x0800_4000))
    try h.transport.reset()
    expectTransportError(.noDevice) { _ = try h.getStatus() }
    expectTransportError(.noDevice) { try h.transport.reset() }
    #expect(h.board.deviceAddress != address)
    #expect(h.board.addressPointer == 0x0800_0000)
    #expect(h.board.counters.enumerations == 2)
    try h.reopen()
    #expect(try h.getState() == .dfuIdle)
  }

  @Test("Writing RDP 0xCC (level 2) disables the ROM for good")
  func rdpLevel2() throws {
    let h = try SimulatorHarness(.stm32f405)
    var ob = h.board.optionBytes[0]
    ob[1] = 0xCC
    try h.transport.selectAlternateSetting(1)
    try h.write(ob, at: 0x1FFF_C000, expectReset: true)
    h.clock.sleep(for: .seconds(1))
    #expect(h.board.readProtectionLevel == 2)
    #expect(!h.board.isConnected)
    h.board.reconnect()
    #expect(!h.board.isConnected)
    #expect(h.bus.devices().isEmpty)
  }
}
