import DfuSe
import DfuSeSimulator
import Testing

@Suite("Simulator: DFU state machine")
struct SimulatorStateMachineTests {
  @Test("F405 starts in dfuERROR/errFIRMWARE; CLRSTATUS clears it")
  func f405StartupError() throws {
    let h = try SimulatorHarness(.stm32f405, clearStartupError: false)
    let first = try h.getStatus()
    #expect(first.state == .dfuError)
    #expect(first.status == .errFirmware)
    try h.clearStatus()
    #expect(try h.getStatus().state == .dfuIdle)
  }

  @Test("L476 starts in dfuIDLE")
  func l476Startup() throws {
    let h = try SimulatorHarness(.stm32l476, clearStartupError: false)
    let first = try h.getStatus()
    #expect(first.state == .dfuIdle)
    #expect(first.status == .ok)
  }

  @Test("CLRSTATUS outside dfuERROR STALLs and enters dfuERROR/errSTALLEDPKT")
  func clearStatusOutsideError() throws {
    let h = try SimulatorHarness()
    expectTransportError(.stall) { try h.clearStatus() }
    let s = try h.getStatus()
    #expect(s.state == .dfuError)
    #expect(s.status == .errStalledPacket)
  }

  @Test("DETACH and unknown class requests STALL into dfuERROR")
  func detachAndUnknown() throws {
    let h = try SimulatorHarness()
    expectTransportError(.stall) { try h.out(.detach) }
    #expect(h.board.status == .errStalledPacket)
    try h.clearStatus()
    let unknown = SetupPacket(requestType: 0x21, request: 7, value: 0, index: 0, length: 0)
    expectTransportError(.stall) { try h.transport.controlOut(unknown, data: [], timeout: .seconds(1)) }
    #expect(h.board.state == .dfuError)
  }

  @Test("Wrong wIndex, wrong request type or wrong direction STALL without changing state")
  func usbLevelValidation() throws {
    let h = try SimulatorHarness()
    let wrongIndex = SetupPacket(requestType: 0xA1, request: 3, value: 0, index: 1, length: 6)
    expectTransportError(.stall) { _ = try h.transport.controlIn(wrongIndex, timeout: .seconds(1)) }
    let vendor = SetupPacket(requestType: 0xC1, request: 3, value: 0, index: 0, length: 6)
    expectTransportError(.stall) { _ = try h.transport.controlIn(vendor, timeout: .seconds(1)) }
    let standard = SetupPacket(requestType: 0x80, request: 6, value: 0x0100, index: 0, length: 18)
    expectTransportError(.stall) { _ = try h.transport.controlIn(standard, timeout: .seconds(1)) }
    let getStatusAsOut = SetupPacket(requestType: 0xA1, request: 3, value: 0, index: 0, length: 0)
    expectTransportError(.stall) { try h.transport.controlOut(getStatusAsOut, data: [], timeout: .seconds(1)) }
    #expect(h.board.state == .dfuIdle)
    #expect(h.board.requestLog.count >= 4)
  }

  @Test("GETSTATE returns the state byte")
  func getState() throws {
    let h = try SimulatorHarness()
    #expect(try h.getState() == .dfuIdle)
    try h.command(.setAddress(0x0800_0000))
    #expect(try h.getState() == .downloadSync)
  }

  @Test("Get Command returns 00 21 41 92 and enters dfuUPLOAD-IDLE")
  func getCommand() throws {
    let h = try SimulatorHarness()
    #expect(try h.upload(0, length: 4) == [0x00, 0x21, 0x41, 0x92])
    #expect(try h.getState() == .uploadIdle)
    #expect(try h.upload(0, length: 2) == [0x00, 0x21])
  }

  @Test("UPLOAD in dfuDNLOAD-IDLE STALLs; after ABORT it works")
  func uploadNeedsIdle() throws {
    let h = try SimulatorHarness()
    h.board.poke(at: 0x0800_0000, bytes: [1, 2, 3, 4])
    try h.run(.setAddress(0x0800_0000))
    expectTransportError(.stall) { _ = try h.upload(2, length: 4) }
    #expect(h.board.status == .errStalledPacket)
    try h.clearStatus()
    #expect(try h.upload(2, length: 4) == [1, 2, 3, 4])
    #expect(try h.getState() == .uploadIdle)
  }

  @Test("DNLOAD in dfuUPLOAD-IDLE STALLs")
  func downloadNeedsIdle() throws {
    let h = try SimulatorHarness()
    _ = try h.upload(0, length: 4)
    expectTransportError(.stall) { try h.command(.setAddress(0x0800_0000)) }
    #expect(h.board.state == .dfuError)
    #expect(h.board.status == .errStalledPacket)
  }

  @Test("DNLOAD wValue 1, oversize wLength and unknown opcodes STALL into dfuERROR/errSTALLEDPKT")
  func badDownloads() throws {
    let h = try SimulatorHarness()
    expectTransportError(.stall) { try h.dnload(1, [0, 1, 2, 3]) }
    #expect(h.board.status == .errStalledPacket)
    try h.clearStatus()
    expectTransportError(.stall) { try h.dnload(2, [UInt8](repeating: 0, count: 2049)) }
    #expect(h.board.state == .dfuError)
    try h.clearStatus()
    expectTransportError(.stall) { try h.dnload(0, [0x55, 1, 2, 3, 4]) }
    #expect(h.board.status == .errStalledPacket)
    try h.clearStatus()
    expectTransportError(.stall) { try h.dnload(0, [0x21, 1, 2]) }
    #expect(h.board.state == .dfuError)
  }

  @Test("ABORT returns to dfuIDLE and drops a stored DNLOAD; in dfuERROR it STALLs and keeps the status")
  func abort() throws {
    let h = try SimulatorHarness(clearStartupError: false)
    expectTransportError(.stall) { try h.abort() }
    #expect(try h.getStatus().status == .errFirmware)
    try h.clearStatus()
    try h.command(.setAddress(0x0800_4000))
    try h.abort()
    #expect(try h.getState() == .dfuIdle)
    #expect(h.board.addressPointer == 0x0800_0000)
    try h.run(.setAddress(0x0800_4000))
    try h.abort()  // from dfuDNLOAD-IDLE
    #expect(try h.getState() == .dfuIdle)
    expectTransportError(.stall) { try h.out(.detach) }
    expectTransportError(.stall) { try h.abort() }
    #expect(try h.getState() == .dfuError)
    try h.clearStatus()
    #expect(try h.getState() == .dfuIdle)
  }

  @Test("Every received request is logged, STALLed ones included")
  func requestLog() throws {
    let h = try SimulatorHarness(clearStartupError: false)
    _ = try h.getStatus()
    try h.clearStatus()
    expectTransportError(.stall) { try h.out(.detach) }
    let log = h.board.requestLog
    #expect(log.map(\.request) == [3, 4, 0])
    #expect(log[0].requestType == 0xA1)
    #expect(log[1].requestType == 0x21)
  }
}
