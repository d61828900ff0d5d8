import DfuSe
import DfuSeSimulator
import Testing

/// Drives a simulated board with raw setup packets, as a host would, on a
/// virtual clock. No host engine involved.
final class SimulatorHarness {
  let clock = VirtualClock()
  let board: SimulatedSTM32
  let bus: SimulatedBus
  var transport: SimulatedTransport
  /// GETSTATUS STALLs absorbed by ``execute()``.
  var stallsSeen = 0
  static let timeout: Duration = .seconds(60)

  /// A board on a one-board bus, opened on alternate 0; F4's start-up
  /// errFIRMWARE is cleared unless `clearStartupError` is false.
  init(_ profile: SimulatedProfile = .stm32f405, faults: SimulatedFaults = .init(),
       clearStartupError: Bool = true) throws {
    board = SimulatedSTM32(profile: profile, clock: clock, serialNumber: "SIM000000001", faults: faults)
    bus = SimulatedBus(boards: [board])
    let info = try #require(bus.devices().first)
    transport = try bus.openSimulated(info)
    if clearStartupError, board.state == .dfuError { try clearStatus() }
  }

  /// Opens the board again (after a re-enumeration).
  func reopen(alternate: UInt8 = 0) throws {
    transport = try board.open(alternateSetting: alternate)
  }

  func out(_ request: DFURequest, value: UInt16 = 0, _ data: [UInt8] = []) throws {
    try transport.controlOut(SetupPacket(request, value: value, interface: 0, length: data.count), data: data,
                             timeout: Self.timeout)
  }

  func dnload(_ value: UInt16, _ data: [UInt8]) throws { try out(.download, value: value, data) }
  func command(_ command: DfuSeCommand) throws { try dnload(0, command.payload) }
  func clearStatus() throws { try out(.clearStatus) }
  func abort() throws { try out(.abort) }

  func getStatus(timeout: Duration = SimulatorHarness.timeout) throws -> StatusResponse {
    let bytes = try transport.controlIn(SetupPacket(.getStatus, interface: 0, length: 6), timeout: timeout)
    return try StatusResponse(parsing: bytes)
  }

  func getState() throws -> DFUState {
    let bytes = try transport.controlIn(SetupPacket(.getState, interface: 0, length: 1), timeout: Self.timeout)
    return DFUState(rawValue: try #require(bytes.first))
  }

  func upload(_ value: UInt16, length: Int) throws -> [UInt8] {
    try transport.controlIn(SetupPacket(.upload, value: value, interface: 0, length: length), timeout: Self.timeout)
  }

  /// The standard two-poll dance: GETSTATUS (must be dfuDNBUSY), sleep the
  /// reported timeout, then poll again; a STALL (the L4 erase quirk) is
  /// retried after another poll timeout, as dfu-util does (≤ 3 times).
  /// Returns the first and final replies.
  @discardableResult
  func execute() throws -> (busy: StatusResponse, final: StatusResponse) {
    let busy = try getStatus()
    #expect(busy.state == .downloadBusy)
    for _ in 0..<3 {
      clock.sleep(for: busy.pollTimeout)
      do {
        return (busy, try getStatus())
      } catch TransportError.stall {
        stallsSeen += 1
      }
    }
    clock.sleep(for: busy.pollTimeout)
    return (busy, try getStatus())
  }

  /// DNLOAD a command and execute it; returns the final status.
  @discardableResult
  func run(_ c: DfuSeCommand) throws -> StatusResponse {
    try command(c)
    return try execute().final
  }

  /// SET_ADDRESS then one write with wBlockNum 2; returns the final status of the write.
  @discardableResult
  func write(_ data: [UInt8], at address: UInt32) throws -> StatusResponse {
    let set = try run(.setAddress(address))
    #expect(set.state == .downloadIdle)
    try dnload(2, data)
    return try execute().final
  }

  /// ABORT, SET_ADDRESS, ABORT, UPLOAD wBlockNum 2.
  func read(_ count: Int, at address: UInt32) throws -> [UInt8] {
    try abort()
    try run(.setAddress(address))
    try abort()
    let bytes = try upload(2, length: count)
    try abort()
    return bytes
  }

  /// A little-endian 32-bit vector table entry pair.
  static func vectorTable(sp: UInt32, reset: UInt32) -> [UInt8] {
    [sp, reset].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
  }
}

/// Asserts that `body` throws exactly `expected`.
func expectTransportError(_ expected: TransportError, sourceLocation: SourceLocation = #_sourceLocation,
                          _ body: () throws -> Void) {
  do {
    try body()
    Issue.record("expected \(expected), nothing was thrown", sourceLocation: sourceLocation)
  } catch let error as TransportError {
    #expect(error == expected, sourceLocation: sourceLocation)
  } catch {
    Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
  }
}
