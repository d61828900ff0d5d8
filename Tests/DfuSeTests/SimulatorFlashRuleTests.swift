import DfuSe
import DfuSeSimulator
import Testing

@Suite("Simulator: flash programming and erase rules")
struct SimulatorFlashRuleTests {
  @Test("F4 programming ANDs new data into old")
  func f4AndRule() throws {
    let h = try SimulatorHarness(.stm32f405)
    try h.write([0xF0, 0x0F, 0xAA, 0xFF], at: 0x0800_0100)
    try h.abort()
    try h.write([0x3C, 0xFF, 0x55, 0x00], at: 0x0800_0100)
    #expect(h.board.memory(at: 0x0800_0100, count: 4) == [0x30, 0x0F, 0x00, 0x00])
    #expect(h.board.counters.rejectedWordWrites == 0)
  }

  @Test("L4 double-words are programmable once; a second write leaves them unchanged without error")
  func l4ProgramOnce() throws {
    let h = try SimulatorHarness(.stm32l476)
    try h.write([UInt8](repeating: 0xF0, count: 8), at: 0x0800_0000)
    try h.abort()
    let second = try h.write([UInt8](repeating: 0x00, count: 16), at: 0x0800_0000)
    #expect(second.state == .downloadIdle)
    #expect(second.status == .ok)
    #expect(h.board.memory(at: 0x0800_0000, count: 8) == [UInt8](repeating: 0xF0, count: 8))
    #expect(h.board.memory(at: 0x0800_0008, count: 8) == [UInt8](repeating: 0x00, count: 8))
    #expect(h.board.counters.rejectedWordWrites == 1)
  }

  @Test("L4: a write covering part of a double-word programs the rest as 0xFF and uses the word up")
  func l4PartialWord() throws {
    let h = try SimulatorHarness(.stm32l476)
    try h.write([0x11, 0x22, 0x33, 0x44], at: 0x0800_0000)
    try h.abort()
    try h.write([0x55, 0x66, 0x77, 0x88], at: 0x0800_0004)
    #expect(h.board.memory(at: 0x0800_0000, count: 8) == [0x11, 0x22, 0x33, 0x44, 0xFF, 0xFF, 0xFF, 0xFF])
    #expect(h.board.counters.rejectedWordWrites == 1)
  }

  @Test("L4: after a page erase the double-words can be programmed again")
  func l4EraseClearsProgrammedFlags() throws {
    let h = try SimulatorHarness(.stm32l476)
    try h.write([UInt8](repeating: 0x00, count: 8), at: 0x0800_0800)
    try h.abort()
    try h.run(.erasePage(0x0800_0A00))  // unaligned: erases page 1 (0x0800_0800)
    #expect(h.stallsSeen == 2)  // 10 ms reported, 22.02 ms actual: polls at 10 and 20 ms STALL
    #expect(h.board.memory(at: 0x0800_0800, count: 8) == [UInt8](repeating: 0xFF, count: 8))
    try h.abort()
    try h.write([UInt8](repeating: 0x5A, count: 8), at: 0x0800_0800)
    #expect(h.board.memory(at: 0x0800_0800, count: 8) == [UInt8](repeating: 0x5A, count: 8))
  }

  @Test("L476 ROM bug: a write > 256 bytes that is not a multiple of 8 loses everything after the last whole 256-byte row")
  func l476LongUnalignedWriteCorrupted() throws {
    let h = try SimulatorHarness(.stm32l476)
    let data = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
    let final = try h.write(data, at: 0x0800_0000)
    #expect(final.status == .ok)  // the ROM reports nothing; only verify shows it
    #expect(h.board.memory(at: 0x0800_0000, count: 256) == Array(data[0..<256]))
    #expect(h.board.memory(at: 0x0800_0100, count: 44) == [UInt8](repeating: 0xFF, count: 44))
    #expect(h.board.counters.bytesProgrammed == 256)
  }

  @Test("L476: multiple-of-8 writes, and short unaligned ones, are programmed whole",
        arguments: [304, 2048, 250])
  func l476AlignedWriteFine(count: Int) throws {
    let h = try SimulatorHarness(.stm32l476)
    let data = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    try h.write(data, at: 0x0800_1000)
    #expect(h.board.memory(at: 0x0800_1000, count: count) == data)
  }

  @Test("F405 has no such bug: a 300-byte write is programmed whole")
  func f405UnalignedWriteFine() throws {
    let h = try SimulatorHarness(.stm32f405)
    let data = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
    try h.write(data, at: 0x0800_0000)
    #expect(h.board.memory(at: 0x0800_0000, count: 300) == data)
  }

  @Test("F405 page erase erases the whole containing sector, and only it")
  func f405SectorErase() throws {
    let h = try SimulatorHarness(.stm32f405)
    h.board.poke(at: 0x0800_3FFC, bytes: [UInt8](repeating: 0, count: 8))  // end of sector 0, start of sector 1
    try h.run(.erasePage(0x0800_0123))
    #expect(h.board.memory(at: 0x0800_3FFC, count: 4) == [0xFF, 0xFF, 0xFF, 0xFF])
    #expect(h.board.memory(at: 0x0800_4000, count: 4) == [0, 0, 0, 0])
  }

  @Test("Mass erase erases all of the main flash", arguments: ["stm32f405", "stm32l476"])
  func massErase(profile: String) throws {
    let h = try SimulatorHarness(try #require(SimulatedProfile.named(profile)))
    h.board.poke(at: 0x0800_0000, bytes: [1, 2, 3, 4, 5, 6, 7, 8])
    h.board.poke(at: 0x080F_FFF8, bytes: [1, 2, 3, 4, 5, 6, 7, 8])
    #expect(try h.run(.massErase).status == .ok)
    #expect(h.board.memory(at: 0x0800_0000, count: 8) == [UInt8](repeating: 0xFF, count: 8))
    #expect(h.board.memory(at: 0x080F_FFF8, count: 8) == [UInt8](repeating: 0xFF, count: 8))
  }

  @Test("OTP is written once by AND and cannot be erased")
  func otp() throws {
    let h = try SimulatorHarness(.stm32f405)
    try h.transport.selectAlternateSetting(2)
    try h.write([0x0F, 0xF0], at: 0x1FFF_7800)
    try h.abort()
    try h.write([0xFF, 0x00], at: 0x1FFF_7800)
    #expect(h.board.memory(at: 0x1FFF_7800, count: 2) == [0x0F, 0x00])
    try h.abort()
    #expect(try h.run(.erasePage(0x1FFF_7800)).status == .errTarget)
    #expect(h.board.memory(at: 0x1FFF_7800, count: 2) == [0x0F, 0x00])
  }

  @Test("F405 write-protected sectors are skipped silently")
  func writeProtection() throws {
    let h = try SimulatorHarness(.stm32f405)
    var ob = h.board.optionBytes[0]
    ob[8] = 0xFD  // nWRP bit 1 = 0: sector 1 (0x0800_4000) protected
    try h.transport.selectAlternateSetting(1)
    try h.write(ob, at: 0x1FFF_C000, expectReset: true)
    #expect(h.board.writeProtectedSectors.prefix(3) == [false, true, false])
    h.clock.sleep(for: .seconds(1))
    try h.reopen()
    if h.board.state == .dfuError { try h.clearStatus() }
    let final = try h.write([UInt8](repeating: 0, count: 16), at: 0x0800_4000)
    #expect(final.status == .ok)
    #expect(h.board.memory(at: 0x0800_4000, count: 16) == [UInt8](repeating: 0xFF, count: 16))
    try h.abort()
    try h.write([UInt8](repeating: 0, count: 16), at: 0x0800_0000)
    #expect(h.board.memory(at: 0x0800_0000, count: 16) == [UInt8](repeating: 0, count: 16))
  }
}

extension SimulatorHarness {
  /// SET_ADDRESS then a write that makes the device reset: the GETSTATUS
  /// answers dfuDNBUSY and the transport is dead afterwards.
  func write(_ data: [UInt8], at address: UInt32, expectReset: Bool) throws {
    try run(.setAddress(address))
    try dnload(2, data)
    let busy = try getStatus()
    #expect(busy.state == .downloadBusy)
    if expectReset {
      expectTransportError(.noDevice) { _ = try getStatus() }
    }
  }
}
