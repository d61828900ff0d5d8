import DfuSe
import DfuSeSimulator
import Testing

@Suite("Simulator: errTARGET, errVENDOR and address checks")
struct SimulatorErrorTests {
  @Test("SET_ADDRESS outside the selected alternate's map ends in dfuERROR/errTARGET")
  func setAddressOutsideMap() throws {
    let h = try SimulatorHarness()
    try h.command(.setAddress(0x0810_0000))
    let (busy, final) = try h.execute()
    #expect(busy.state == .downloadBusy)
    #expect(final.state == .dfuError)
    #expect(final.status == .errTarget)
    #expect(h.board.addressPointer == 0x0800_0000)
    try h.clearStatus()
    // The option bytes are not in alternate 0's map…
    #expect(try h.run(.setAddress(0x1FFF_C000)).status == .errTarget)
    try h.clearStatus()
    // …but are in alternate 1's.
    try h.transport.selectAlternateSetting(1)
    #expect(try h.run(.setAddress(0x1FFF_C000)).state == .downloadIdle)
  }

  @Test("A write running past the end of flash is refused whole with errTARGET")
  func writePastEnd() throws {
    let h = try SimulatorHarness()
    let final = try h.write([UInt8](repeating: 0, count: 32), at: 0x080F_FFF0)
    #expect(final.status == .errTarget)
    #expect(h.board.memory(at: 0x080F_FFF0, count: 16) == [UInt8](repeating: 0xFF, count: 16))
  }

  @Test("Writes are checked against the alternate selected now, not the one the pointer was set in")
  func writeCheckedAgainstCurrentAlternate() throws {
    let h = try SimulatorHarness()
    try h.transport.selectAlternateSetting(2)
    try h.run(.setAddress(0x1FFF_7800))  // OTP, valid on alternate 2
    try h.transport.selectAlternateSetting(0)
    try h.dnload(2, [0x00, 0x00])
    let final = try h.execute().final
    #expect(final.status == .errTarget)
    #expect(h.board.memory(at: 0x1FFF_7800, count: 2) == [0xFF, 0xFF])
  }

  @Test("Erasing SRAM or option bytes is errTARGET")
  func eraseNonFlash() throws {
    let h = try SimulatorHarness()
    #expect(try h.run(.erasePage(0x2000_0000)).status == .errTarget)
    try h.clearStatus()
    try h.transport.selectAlternateSetting(1)
    #expect(try h.run(.erasePage(0x1FFF_C000)).status == .errTarget)
  }

  @Test("Alternate 0 reads and writes SRAM")
  func sramOnAlternateZero() throws {
    let h = try SimulatorHarness()
    #expect(try h.write([1, 2, 3, 4, 5], at: 0x2000_1000).state == .downloadIdle)
    #expect(try h.read(5, at: 0x2000_1000) == [1, 2, 3, 4, 5])
  }

  @Test("UPLOAD past the end of readable memory STALLs with errTARGET")
  func readPastEnd() throws {
    let h = try SimulatorHarness()
    try h.run(.setAddress(0x080F_FF00))
    try h.abort()
    #expect(try h.upload(2, length: 256).count == 256)
    expectTransportError(.stall) { _ = try h.upload(3, length: 256) }
    #expect(h.board.status == .errTarget)
  }

  @Test("Block numbers address pointer + (wBlockNum − 2) × wTransferSize (2048), whatever the wLength")
  func blockNumberAddressing() throws {
    let h = try SimulatorHarness()
    try h.run(.setAddress(0x0800_0000))
    try h.dnload(2, [UInt8](repeating: 0x11, count: 16))
    try h.execute()
    try h.dnload(4, [UInt8](repeating: 0x33, count: 16))
    try h.execute()
    #expect(h.board.memory(at: 0x0800_0000, count: 16) == [UInt8](repeating: 0x11, count: 16))
    #expect(h.board.memory(at: 0x0800_0010, count: 16) == [UInt8](repeating: 0xFF, count: 16))
    #expect(h.board.memory(at: 0x0800_1000, count: 16) == [UInt8](repeating: 0x33, count: 16))
    try h.abort()
    #expect(try h.upload(4, length: 16) == [UInt8](repeating: 0x33, count: 16))
  }

  @Test("dfu-util's upload: full 2048-byte blocks, then a short last block under the next number")
  func shortLastUploadBlock() throws {
    let h = try SimulatorHarness()
    h.board.poke(at: 0x0800_0800, bytes: [0xA5, 0x5A, 0x01, 0x02])
    try h.run(.setAddress(0x0800_0000))
    try h.abort()
    #expect(try h.upload(2, length: 2048).count == 2048)
    #expect(try h.upload(3, length: 4) == [0xA5, 0x5A, 0x01, 0x02])
  }

  @Test("Under RDP 1, write, erase and mass erase end in errVENDOR and change nothing")
  func rdpBlocksWriteErase() throws {
    let h = try SimulatorHarness()
    h.board.poke(at: 0x0800_0000, bytes: [0x12, 0x34])
    h.board.setReadProtection(level1: true)
    #expect(h.board.readProtectionLevel == 1)
    #expect(try h.write([0, 0], at: 0x0800_0010).status == .errVendor)
    try h.clearStatus()
    #expect(try h.run(.erasePage(0x0800_0000)).status == .errVendor)
    try h.clearStatus()
    #expect(try h.run(.massErase).status == .errVendor)
    #expect(h.board.memory(at: 0x0800_0000, count: 2) == [0x12, 0x34])
    #expect(h.board.memory(at: 0x0800_0010, count: 2) == [0xFF, 0xFF])
  }

  @Test("Under RDP 1 a read STALLs with errVENDOR; Get Command and SET_ADDRESS in flash still work")
  func rdpBlocksRead() throws {
    let h = try SimulatorHarness()
    h.board.setReadProtection(level1: true)
    #expect(try h.upload(0, length: 4) == [0x00, 0x21, 0x41, 0x92])
    try h.abort()
    #expect(try h.run(.setAddress(0x0800_0000)).state == .downloadIdle)
    try h.abort()
    expectTransportError(.stall) { _ = try h.upload(2, length: 16) }
    #expect(h.board.state == .dfuError)
    #expect(h.board.status == .errVendor)
  }

  @Test("F405 under RDP 1: SET_ADDRESS into the option bytes is errVENDOR (Betaflight's detector)")
  func rdpOptionByteSetAddress() throws {
    let h = try SimulatorHarness()
    try h.transport.selectAlternateSetting(1)
    #expect(try h.run(.setAddress(0x1FFF_C000)).state == .downloadIdle)
    try h.abort()
    h.board.setReadProtection(level1: true)
    #expect(try h.run(.setAddress(0x1FFF_C000)).status == .errVendor)
  }

  @Test("Alternate settings that do not exist are rejected")
  func badAlternate() throws {
    let h = try SimulatorHarness()
    expectTransportError(.notFound) { try h.transport.selectAlternateSetting(4) }
    #expect(h.board.alternateSetting == 0)
  }
}
