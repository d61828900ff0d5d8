public import DfuSe
import Synchronization

/// One simulated STM32 in its ROM DFU bootloader: a model of ST's DfuSe
/// implementation (AN3156) faithful to stm32-dfu-facts and field-notes, for
/// the CLI's `--simulate`, tests and the TUI.
///
/// Hosts talk to it through ``SimulatedBus`` / ``SimulatedTransport`` with raw
/// setup packets, exactly as over libusb. Time runs on the injected
/// ``BlockingClock``: with a ``VirtualClock`` hours of flash work take
/// microseconds, and the board "holds off" a request by sleeping on that clock.
///
/// Modelling choices marked [U] in the reference are documented where they
/// are made; the main ones:
/// - alternate 0 also accepts SRAM addresses for read and write;
/// - reads not wholly inside readable memory STALL with errTARGET;
/// - option-byte writes must cover exactly one zone at its start, else errTARGET;
/// - a leave without a valid vector table resets back into the ROM (BOOT0 high);
/// - ABORT in dfuERROR is STALLed and the error status kept (CLRSTATUS is needed);
/// - after a reset (option bytes, Read Unprotect, leave) the board is off the
///   bus until the operation's actual duration has passed, then re-enumerates
///   with a new device address and the same serial number.
///
/// Thread-safe: all state sits behind one lock; a held-off request sleeps
/// outside it, so inspection from another thread never waits for flash work.
public final class SimulatedSTM32: Sendable {
  public let profile: SimulatedProfile
  public let clock: any BlockingClock
  let core: Mutex<SimulatedBoardCore>

  /// A board fresh from the factory: flash and OTP erased, factory option
  /// bytes (RDP level 0), enumerated on the bus.
  /// - Parameter serialNumber: the USB serial; nil gives a distinct 12-digit hex one.
  public init(profile: SimulatedProfile, clock: any BlockingClock, serialNumber: String? = nil,
              faults: SimulatedFaults = .init()) {
    self.profile = profile
    self.clock = clock
    let serial = serialNumber ?? Self.defaultSerial(profile: profile, index: SimulatedAddressAllocator.nextSerialIndex())
    core = Mutex(SimulatedBoardCore(profile: profile, serialNumber: serial, faults: faults))
  }

  init(profile: SimulatedProfile, clock: any BlockingClock, core: sending SimulatedBoardCore) {
    self.profile = profile
    self.clock = clock
    self.core = Mutex(core)
  }

  deinit { core.withLock { $0.releaseAddress() } }

  /// Runs `body` on the core after letting time act on it.
  func withCore<R: Sendable>(_ body: (inout SimulatedBoardCore) -> R) -> R {
    let now = clock.now
    return core.withLock { core in
      core.settle(now: now)
      return body(&core)
    }
  }

  /// A deterministic 12-digit upper-case hex serial (the ROM's format,
  /// stm32-dfu-facts §3.2): the profile's 4-digit prefix and 8 digits derived
  /// from `index`, so board *n* of a bench keeps its serial across runs.
  public static func defaultSerial(profile: SimulatedProfile, index: Int) -> String {
    let value = 0x28A0_B956 &+ UInt32(truncatingIfNeeded: index) &* 0x0001_0F01
    let hex = String(value, radix: 16, uppercase: true)
    let head = String((profile.serialPrefix + "0000").prefix(4)).uppercased()
    return head + String(repeating: "0", count: 8 - hex.count) + hex
  }

  // MARK: Inspection

  /// The USB serial number (unchanged across re-enumerations).
  public var serialNumber: String { core.withLock { $0.serialNumber } }

  /// Raw memory at any address, ignoring protection (unmapped bytes read 0x00).
  public func memory(at address: UInt32, count: Int) -> [UInt8] {
    withCore { $0.memory.read(at: address, count: count) }
  }

  /// Stores bytes directly, bypassing the ROM and the flash rules (test set-up;
  /// on L4 the touched flash words count as programmed).
  public func poke(at address: UInt32, bytes: [UInt8]) {
    withCore { $0.memory.poke(at: address, bytes: bytes) }
  }

  /// Current option bytes, one array per zone (``SimulatedProfile/optionByteZones`` order).
  public var optionBytes: [[UInt8]] { withCore { $0.memory.optionBytes } }

  /// RDP level from the RDP byte: 0xAA → 0, 0xCC → 2, anything else → 1.
  public var readProtectionLevel: Int { withCore { $0.readProtectionLevel } }

  /// Test hook: turns read protection level 1 on (RDP 0xBB) or off (0xAA)
  /// at once, without a reset or any erase.
  public func setReadProtection(level1: Bool) {
    withCore { $0.setReadProtectionByte(level1 ? 0xBB : 0xAA) }
  }

  /// Whether each main-flash sector is write-protected by the current option bytes.
  public var writeProtectedSectors: [Bool] { withCore { $0.writeProtection } }

  /// True while the board is enumerated as the ROM DFU device.
  public var isConnected: Bool { withCore { $0.isConnected } }

  /// True after a leave into a valid application (off the bus until ``reconnect()``).
  public var isRunningApplication: Bool { withCore { $0.connection == .runningApplication } }

  /// The DFU state (`bState`) the ROM is in now.
  public var state: DFUState { withCore { $0.state } }

  /// The DFU status (`bStatus`) the ROM would report now.
  public var status: DFUStatus { withCore { $0.status } }

  /// The DfuSe Address Pointer.
  public var addressPointer: UInt32 { withCore { $0.addressPointer } }

  /// The selected alternate setting.
  public var alternateSetting: UInt8 { withCore { $0.alternate } }

  /// Every control request received through a transport (including STALLed
  /// ones), oldest first. SET_INTERFACE and port resets are not listed.
  public var requestLog: [SetupPacket] { withCore { $0.requestLog } }

  /// Empties ``requestLog`` (the fault counter keeps counting).
  public func clearRequestLog() {
    withCore { core in
      if let k = core.faults.stallRequest { core.faults.stallRequest = k - core.requestLog.count }
      if let k = core.faults.disconnectAtRequest { core.faults.disconnectAtRequest = k - core.requestLog.count }
      core.requestLog.removeAll()
    }
  }

  /// Running totals: erases, bytes, enumerations, busy time.
  public var counters: SimulatedCounters { withCore { $0.counters } }

  /// The faults still armed; settable at any time.
  public var faults: SimulatedFaults {
    get { withCore { $0.faults } }
    set { withCore { $0.faults = newValue } }
  }

  /// The device address of the current enumeration (changes at every one).
  public var deviceAddress: UInt8 { withCore { $0.deviceAddress } }

  /// What enumeration shows, nil while the board is off the bus.
  public var deviceInfo: DFUDeviceInfo? { withCore { $0.deviceInfo } }

  /// Replugs the board with BOOT0 high: it enumerates in the ROM again
  /// (new device address; flash, option bytes and SRAM kept), ending an
  /// injected disconnect or a running application. Transports opened before
  /// become unusable. With RDP level 2 the ROM stays disabled.
  public func reconnect() {
    withCore { core in
      if core.connection == .romDisabled { return }
      core.enumerate()
    }
  }

  /// Pulls the board off the bus, as an unplugged cable does (back on ``reconnect()``).
  /// Transports opened before become unusable.
  public func unplug() { withCore { $0.dropOff(.unplugged) } }

  // MARK: Transport support

  /// Opens the DFU interface of this board and selects `alternateSetting`.
  /// - Throws: ``TransportError/noDevice`` while off the bus,
  ///   ``TransportError/notFound`` for an alternate the board does not have.
  public func open(alternateSetting: UInt8 = 0) throws(TransportError) -> SimulatedTransport {
    let generation = try withCore { core -> Result<UInt64, TransportError> in
      guard core.isConnected else { return .failure(.noDevice) }
      return .success(core.generation)
    }.get()
    let transport = SimulatedTransport(board: self, generation: generation)
    try transport.selectAlternateSetting(alternateSetting)
    return transport
  }

  /// Sets the port number reported in ``deviceInfo`` (the bus does this).
  func setPort(_ port: UInt8) { withCore { $0.port = port } }

  /// One control transfer from a transport opened under `generation`.
  /// A busy ROM holds the request off: this sleeps on the clock until the
  /// operation ends, or for `timeout` (≤ 0 = no limit) and then throws
  /// ``TransportError/timeout``.
  func transfer(_ setup: SetupPacket, outData: [UInt8]?, generation: UInt64,
                timeout: Duration) throws(TransportError) -> [UInt8] {
    let deadline: Duration? = timeout > .zero ? clock.now + timeout : nil
    var firstAttempt = true
    while true {
      let now = clock.now
      let reply = core.withLock {
        $0.receive(setup, outData: outData, generation: generation, firstAttempt: firstAttempt, now: now)
      }
      firstAttempt = false
      switch reply {
      case .data(let bytes): return bytes
      case .stall: throw .stall
      case .noDevice: throw .noDevice
      case .ioError: throw SimulatedFaults.ioError
      case .holdOff(let until):
        if let deadline, until > deadline {
          clock.sleep(for: deadline - now)
          throw .timeout
        }
        clock.sleep(for: until - now)
      }
    }
  }

  /// SET_INTERFACE from a transport opened under `generation`.
  func selectAlternate(_ alternate: UInt8, generation: UInt64) throws(TransportError) {
    try withCore { core -> Result<Void, TransportError> in
      guard core.isConnected, core.generation == generation else { return .failure(.noDevice) }
      guard Int(alternate) < core.profile.alternates.count else { return .failure(.notFound) }
      core.alternate = alternate
      return .success(())
    }.get()
  }

  /// USB port reset from a transport opened under `generation`: the board re-enumerates.
  func usbReset(generation: UInt64) throws(TransportError) {
    try withCore { core -> Result<Void, TransportError> in
      guard core.isConnected, core.generation == generation else { return .failure(.noDevice) }
      core.enumerate()
      return .success(())
    }.get()
  }
}
