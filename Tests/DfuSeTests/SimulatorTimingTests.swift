import DfuSe
import DfuSeSimulator
import Testing

@Suite("Simulator: deferred execution and timing")
struct SimulatorTimingTests {
  @Test("A DNLOAD runs only on the next GETSTATUS, which answers dfuDNBUSY")
  func deferredExecution() throws {
    let h = try SimulatorHarness()
    try h.command(.setAddress(0x0800_4000))
    #expect(h.board.state == .downloadSync)
    #expect(h.board.addressPointer == 0x0800_0000)
    let busy = try h.getStatus()
    #expect(busy.state == .downloadBusy)
    #expect(busy.status == .ok)
    #expect(busy.pollTimeoutMilliseconds == 104)
    #expect(h.board.addressPointer == 0x0800_4000)
    let done = try h.getStatus()
    #expect(done.state == .downloadIdle)
    #expect(done.status == .ok)
  }

  @Test("F405 SET_ADDRESS reports 104 ms but finishes at once")
  func f405SetAddressIsInstant() throws {
    let h = try SimulatorHarness()
    try h.command(.setAddress(0x0800_0000))
    _ = try h.getStatus()
    let before = h.clock.now
    #expect(try h.getStatus().state == .downloadIdle)
    #expect(h.clock.now == before)
  }

  @Test("F405 sector erase reports 100 ms and takes 250/550/1000 ms by sector size",
        arguments: [(UInt32(0x0800_0000), 250), (0x0801_0000, 550), (0x0802_0000, 1000)])
  func f405EraseTiming(address: UInt32, milliseconds: Int) throws {
    let h = try SimulatorHarness()
    try h.command(.erasePage(address))
    let busy = try h.getStatus()
    #expect(busy.pollTimeoutMilliseconds == 100)
    let start = h.clock.now
    #expect(try h.getStatus().state == .downloadIdle)  // held off until done
    #expect(h.clock.now - start == .milliseconds(milliseconds))
  }

  @Test("F405 holds off a request while busy; a short timeout throws .timeout")
  func f405HoldOff() throws {
    let h = try SimulatorHarness()
    try h.command(.erasePage(0x0802_0000))
    _ = try h.getStatus()
    let start = h.clock.now
    expectTransportError(.timeout) { _ = try h.getStatus(timeout: .milliseconds(200)) }
    #expect(h.clock.now - start == .milliseconds(200))
    #expect(h.board.state == .downloadBusy)
    #expect(try h.getState() == .downloadIdle)
    #expect(h.clock.now - start == .milliseconds(1000))
  }

  @Test("F405 mass erase reports 100 ms but takes 8 s")
  func f405MassEraseLie() throws {
    let h = try SimulatorHarness()
    try h.command(.massErase)
    let busy = try h.getStatus()
    #expect(busy.pollTimeoutMilliseconds == 100)
    let start = h.clock.now
    h.clock.sleep(for: busy.pollTimeout)
    #expect(try h.getStatus().state == .downloadIdle)
    #expect(h.clock.now - start == .seconds(8))
    #expect(h.board.counters.massErases == 1)
  }

  @Test("Program poll timeout: F405 16 µs per word, L476 81.69 µs per double-word (rounded up)",
        arguments: [("stm32f405", 9), ("stm32l476", 21)])
  func programTiming(profile: String, milliseconds: UInt32) throws {
    let h = try SimulatorHarness(try #require(SimulatedProfile.named(profile)))
    try h.run(.setAddress(0x0800_0000))
    try h.dnload(2, [UInt8](repeating: 0x00, count: 2048))
    let busy = try h.getStatus()
    #expect(busy.pollTimeoutMilliseconds == milliseconds)
    let start = h.clock.now
    #expect(try h.getStatus().state == .downloadIdle)
    #expect(h.clock.now - start <= .milliseconds(Int(milliseconds)))
    #expect(h.clock.now - start > .milliseconds(Int(milliseconds) - 1))
  }

  @Test("L476 STALLs GETSTATUS during an erase without entering dfuERROR")
  func l476StallDuringErase() throws {
    let h = try SimulatorHarness(.stm32l476)
    try h.command(.erasePage(0x0800_0800))
    let busy = try h.getStatus()
    #expect(busy.pollTimeoutMilliseconds == 10)
    h.clock.sleep(for: busy.pollTimeout)
    expectTransportError(.stall) { _ = try h.getStatus() }
    #expect(h.board.state == .downloadBusy)
    h.clock.sleep(for: .milliseconds(10))
    expectTransportError(.stall) { _ = try h.getStatus() }
    h.clock.sleep(for: .milliseconds(3))
    let done = try h.getStatus()
    #expect(done.state == .downloadIdle)
    #expect(done.status == .ok)
  }

  @Test("L476 holds off GETSTATE during an erase and GETSTATUS during a write")
  func l476HoldsOffOthers() throws {
    let h = try SimulatorHarness(.stm32l476)
    try h.command(.erasePage(0x0800_0000))
    _ = try h.getStatus()
    let start = h.clock.now
    #expect(try h.getState() == .downloadIdle)
    #expect(h.clock.now - start == .microseconds(22_020))
    try h.abort()
    try h.run(.setAddress(0x0800_0000))
    try h.dnload(2, [UInt8](repeating: 0, count: 2048))
    _ = try h.getStatus()
    #expect(try h.getStatus().state == .downloadIdle)  // no STALL for a write
  }

  @Test("Busy time is accounted")
  func busyTime() throws {
    let h = try SimulatorHarness()
    try h.run(.erasePage(0x0800_0000))
    try h.run(.erasePage(0x0800_4000))
    #expect(h.board.counters.busyTime == .milliseconds(500))
    #expect(h.board.counters.pageErases == 2)
  }
}
