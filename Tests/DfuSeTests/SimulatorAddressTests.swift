import DfuSe
import DfuSeSimulator
import Testing

/// Device addresses on the simulated bus (what `dfutui simulate` turns into
/// /dev/bus/usb/001/DDD): like Linux's choose_devnum() (drivers/usb/core/hub.c),
/// a new enumeration never takes an address a board on the bus still holds.
@Suite struct SimulatorAddressTests {
  @Test func reEnumeratingOneBoardNeverTakesTheAddressOfABoardStillOnTheBus() throws {
    let profile = try #require(SimulatedProfile.named("stm32f405"))
    let clock = VirtualClock()
    let bus = SimulatedBus(boards: (0..<3).map { _ in SimulatedSTM32(profile: profile, clock: clock) })
    let (steady, other) = (bus.boards[0], bus.boards[1])
    var previous = bus.boards[2].deviceAddress
    // 126 addresses exist: 300 re-plugs of one board wrap the counter twice.
    for _ in 0..<300 {
      bus.boards[2].unplug()
      bus.boards[2].reconnect()
      let address = bus.boards[2].deviceAddress
      #expect(address != steady.deviceAddress && address != other.deviceAddress && address != previous,
              "re-plug got \(address), held by another board or its own last enumeration")
      if address == steady.deviceAddress || address == other.deviceAddress { break }
      previous = address
    }
    #expect(Set(bus.devices().map(\.deviceAddress)).count == 3)
  }
}
