import DfuSe
import DfuSeSimulator
import Testing

@Suite("Simulator: injected faults")
struct SimulatorFaultTests {
  @Test("disconnectAfterBytes: the board drops off mid-download, stays gone until reconnect, flash kept")
  func disconnectAfterBytes() throws {
    let h = try SimulatorHarness(.stm32f405, faults: SimulatedFaults(disconnectAfterBytes: 3000))
    let block = [UInt8](repeating: 0x00, count: 2048)
    try h.write(block, at: 0x0800_0000)
    try h.run(.setAddress(0x0800_0800))
    expectTransportError(.noDevice) { try h.dnload(2, block) }
    #expect(!h.board.isConnected)
    #expect(h.bus.devices().isEmpty)
    expectTransportError(.noDevice) { _ = try h.getStatus() }
    expectTransportError(.noDevice) { _ = try h.board.open() }
    #expect(h.board.counters.bytesDownloaded == 2048)
    h.board.reconnect()
    #expect(h.board.isConnected)
    expectTransportError(.noDevice) { _ = try h.getStatus() }  // the old handle stays dead
    try h.reopen()
    try h.clearStatus()
    #expect(h.board.memory(at: 0x0800_0000, count: 2048) == block)
    #expect(h.board.memory(at: 0x0800_0800, count: 4) == [0xFF, 0xFF, 0xFF, 0xFF])
    // The fault fired once; the rerun completes.
    #expect(try h.write(block, at: 0x0800_0800).status == .ok)
    #expect(h.board.faults.disconnectAfterBytes == nil)
  }

  @Test("stallRequest: the K-th control request is STALLed and the device enters dfuERROR/errSTALLEDPKT")
  func stallRequest() throws {
    let h = try SimulatorHarness(.stm32l476, faults: SimulatedFaults(stallRequest: 3))
    _ = try h.getStatus()  // 1
    try h.command(.setAddress(0x0800_4000))  // 2
    expectTransportError(.stall) { _ = try h.getStatus() }  // 3
    #expect(h.board.addressPointer == 0x0800_0000)  // the stored DNLOAD was lost
    let s = try h.getStatus()  // 4
    #expect(s.state == .dfuError)
    #expect(s.status == .errStalledPacket)
    try h.clearStatus()
    #expect(try h.run(.setAddress(0x0800_4000)).state == .downloadIdle)
    #expect(h.board.requestLog.count == 8)
  }

  @Test("errorStatus: the N-th executed DNLOAD does nothing and ends in dfuERROR with the status")
  func errorStatus() throws {
    let fault = SimulatedFaults.StatusFault(status: .errWrite, onCommand: 2)
    let h = try SimulatorHarness(.stm32f405, faults: SimulatedFaults(errorStatus: fault))
    try h.run(.setAddress(0x0800_0000))  // 1st executed
    try h.dnload(2, [0x00, 0x00, 0x00, 0x00])  // 2nd executed: fails
    let (busy, final) = try h.execute()
    #expect(busy.state == .downloadBusy)
    #expect(final.state == .dfuError)
    #expect(final.status == .errWrite)
    #expect(h.board.memory(at: 0x0800_0000, count: 4) == [0xFF, 0xFF, 0xFF, 0xFF])
    try h.clearStatus()
    #expect(try h.write([0, 0, 0, 0], at: 0x0800_0000).status == .ok)
    #expect(h.board.memory(at: 0x0800_0000, count: 4) == [0, 0, 0, 0])
    #expect(h.board.counters.executedDownloads == 4)
  }

  @Test("Faults can be armed after the board was made")
  func armLater() throws {
    let h = try SimulatorHarness(.stm32l476)
    h.board.faults = SimulatedFaults(errorStatus: .init(status: .errErase, onCommand: 1))
    #expect(try h.run(.erasePage(0x0800_0000)).status == .errErase)
    #expect(h.board.counters.pageErases == 0)
  }
}
