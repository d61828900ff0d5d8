import DfuSe
import Synchronization

/// The whole mutable state of one simulated board, kept behind the
/// ``SimulatedSTM32`` lock. Request handling is in
/// `SimulatedBoardCore+Requests.swift`, DNLOAD execution in
/// `SimulatedBoardCore+Execution.swift`.
struct SimulatedBoardCore: Sendable {
  /// Where the board is with respect to the bus.
  enum Connection: Sendable, Equatable {
    /// Enumerated as the ROM DFU device.
    case connected
    /// Dropped off by an injected fault; back only on `reconnect()`.
    case unplugged
    /// Left DFU into a valid application; off the bus as a DFU device.
    case runningApplication
    /// Resetting after an option-byte write, Read Unprotect or a leave
    /// without valid code; re-enumerates in the ROM at the given time.
    case resetting(at: Duration)
    /// RDP level 2: the ROM bootloader is disabled for good (stm32-dfu-facts §5).
    case romDisabled
  }

  /// A DNLOAD stored until the GETSTATUS that executes it (AN3156 §5, deferred execution).
  enum PendingDownload: Sendable, Equatable {
    case command(DfuSeCommand)
    case write(address: UInt64, data: [UInt8])
  }

  /// The operation the ROM is busy with.
  struct Busy: Sendable {
    var until: Duration
    var isErase: Bool
    /// Status reported once the operation is over (OK → dfuDNLOAD-IDLE).
    var completion: DFUStatus
  }

  let profile: SimulatedProfile
  /// Memory map per alternate; alternate 0 (internal flash) also lists SRAM
  /// as read/write [U: the ROM accepts RAM addresses on the flash alternate;
  /// AN3156 §5 lists "flash/RAM/system memory" sizes for the same requests].
  let maps: [MemoryMap]
  /// Main-flash sectors in map order (erase units, write-protection index).
  let flashSectors: [MemorySector]
  /// The main flash map (without SRAM).
  let flashMap: MemoryMap
  let sectorIndexByAddress: [UInt32: Int]

  var memory: SimulatedMemory
  var faults: SimulatedFaults
  var counters = SimulatedCounters()
  var requestLog: [SetupPacket] = []
  let serialNumber: String
  var port: UInt8 = 1

  var connection: Connection = .connected
  /// Bumped on every disconnect, reset and enumeration; transports opened
  /// under an older generation get ``TransportError/noDevice``.
  var generation: UInt64 = 0
  var deviceAddress: UInt8 = 0
  /// Whether `deviceAddress` is taken from ``SimulatedAddressAllocator`` (while on the bus).
  var holdsAddress = false

  var state: DFUState = .dfuIdle
  var status: DFUStatus = .ok
  var alternate: UInt8 = 0
  var addressPointer: UInt32
  var pending: PendingDownload?
  var busy: Busy?

  init(profile: SimulatedProfile, serialNumber: String, faults: SimulatedFaults) {
    self.profile = profile
    self.serialNumber = serialNumber
    self.faults = faults
    var maps = profile.alternates.indices.map { profile.memoryMap(alternate: $0) }
    if let flashAlt = profile.alternateIndex(of: .internalFlash), profile.sramSize > 0 {
      maps[flashAlt].segments.append(MemorySegment(start: profile.sramStart, sectorSize: profile.sramSize,
                                                   sectorCount: 1, access: [.readable, .writable]))
    }
    self.maps = maps
    flashMap = profile.flashMap
    flashSectors = flashMap.sectors
    sectorIndexByAddress = Dictionary(flashSectors.enumerated().map { ($1.address, $0) }, uniquingKeysWith: { a, _ in a })
    memory = SimulatedMemory(profile: profile)
    addressPointer = memory.flash.base
    enumerate()
  }

  // MARK: Protection

  /// RDP level from the RDP byte: 0xAA → 0, 0xCC → 2, anything else → 1
  /// (PM0059 §2.6.3, stm32-dfu-facts §5) [C].
  var readProtectionLevel: Int {
    let location = profile.readProtectionByte
    guard memory.optionBytes.indices.contains(location.zone),
          memory.optionBytes[location.zone].indices.contains(location.offset) else { return 0 }
    switch memory.optionBytes[location.zone][location.offset] {
    case 0xAA: return 0
    case 0xCC: return 2
    default: return 1
    }
  }

  var isReadProtected: Bool { readProtectionLevel >= 1 }

  /// Sets the RDP byte (complements recomputed), as a test hook.
  mutating func setReadProtectionByte(_ value: UInt8) {
    let location = profile.readProtectionByte
    guard memory.optionBytes.indices.contains(location.zone),
          memory.optionBytes[location.zone].indices.contains(location.offset) else { return }
    memory.optionBytes[location.zone][location.offset] = value
    memory.optionBytes[location.zone] = profile.family.normalizedOptionBytes(memory.optionBytes[location.zone])
  }

  // MARK: Connection

  /// A fresh enumeration in the ROM: new device address, DFU state machine
  /// reset, address pointer back to the flash base, alternate 0. F3/F4 ROMs
  /// start in dfuERROR/errFIRMWARE [O, stm32-dfu-facts §2.6]. With RDP
  /// level 2 the ROM is disabled and the board stays off the bus.
  mutating func enumerate() {
    generation &+= 1
    releaseAddress()
    pending = nil
    busy = nil
    alternate = 0
    addressPointer = memory.flash.base
    guard readProtectionLevel < 2 else {
      connection = .romDisabled
      return
    }
    connection = .connected
    deviceAddress = SimulatedAddressAllocator.nextAddress()
    holdsAddress = true
    counters.enumerations += 1
    if profile.quirks.startsInFirmwareError {
      state = .dfuError
      status = .errFirmware
    } else {
      state = .dfuIdle
      status = .ok
    }
  }

  /// The device leaves the bus now (old transports become unusable).
  mutating func dropOff(_ next: Connection) {
    generation &+= 1
    connection = next
    pending = nil
    releaseAddress()
  }

  /// Gives the device address back to the bus (the board left it, or is gone).
  mutating func releaseAddress() {
    if holdsAddress { SimulatedAddressAllocator.release(deviceAddress) }
    holdsAddress = false
  }

  /// Applies what time has done since the last request: a finished
  /// operation resolves to dfuDNLOAD-IDLE or dfuERROR, and a pending
  /// re-enumeration happens.
  mutating func settle(now: Duration) {
    if case .resetting(let at) = connection, now >= at { enumerate() }
    if state == .downloadBusy, let b = busy, now >= b.until {
      state = b.completion == .ok ? .downloadIdle : .dfuError
      status = b.completion
      busy = nil
    }
  }

  var isConnected: Bool { connection == .connected }

  /// The enumeration snapshot a host would see, nil while off the bus.
  var deviceInfo: DFUDeviceInfo? {
    guard isConnected else { return nil }
    let id = profile.identity
    return DFUDeviceInfo(
      vendorID: id.vendorID, productID: id.productID, deviceRelease: id.deviceRelease,
      manufacturer: id.manufacturer, product: id.product, serialNumber: serialNumber,
      busNumber: 1, portNumbers: [port], deviceAddress: deviceAddress, interfaceNumber: 0,
      interfaceProtocol: 2,
      alternateSettings: profile.alternates.enumerated().map { DFUAlternateSetting(number: UInt8($0), name: $1.name) },
      functionalDescriptor: profile.functionalDescriptor)
  }
}

/// Hands out USB device addresses (2…127) and default serial number
/// indices, process-wide, so boards on one simulated bus never collide.
/// Addresses rotate and skip the ones boards on the bus still hold, as
/// Linux's `choose_devnum()` does (drivers/usb/core/hub.c): a board that
/// re-enumerates gets a new address, never one another board is using (a
/// 16-board bench re-plugged for a long run once wrapped onto a live one).
enum SimulatedAddressAllocator {
  private static let addresses = Mutex<(next: Int, inUse: Set<UInt8>)>((0, []))
  private static let serials = Atomic<UInt32>(0x100)

  /// The next free address after the last one handed out (if all 126 are
  /// held, by boards never released, the next one regardless).
  static func nextAddress() -> UInt8 {
    addresses.withLock { state in
      var step = 0
      var candidate = UInt8(2 + state.next % 126)
      while state.inUse.contains(candidate) && step < 125 {
        step += 1
        candidate = UInt8(2 + (state.next + step) % 126)
      }
      state.next = (state.next + step + 1) % 126
      state.inUse.insert(candidate)
      return candidate
    }
  }

  /// `address` is free again.
  static func release(_ address: UInt8) {
    addresses.withLock { _ = $0.inUse.remove(address) }
  }

  /// A process-wide counter for default serial numbers.
  static func nextSerialIndex() -> Int {
    Int(serials.wrappingAdd(1, ordering: .relaxed).oldValue)
  }
}
