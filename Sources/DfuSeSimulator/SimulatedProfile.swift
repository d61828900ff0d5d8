public import DfuSe

/// Everything that makes one STM32 part's ROM DFU bootloader different from
/// another: USB identity, memory-map strings, functional descriptor, SRAM,
/// option bytes, flash programming rules, timing and quirks.
///
/// The ready-made parts are ``stm32f405`` and ``stm32l476``
/// (`SimulatedProfile+Catalog.swift`). Every property is a `var`, so a test
/// can start from one of them and change a single thing.
public struct SimulatedProfile: Sendable, Hashable {
  /// Lower-case part name used on the command line (`stm32f405`).
  public var name: String
  /// Device-descriptor values and strings (stm32-dfu-facts §3.2).
  public var identity: SimulatedUSBIdentity
  /// The alternate settings of interface 0, in `bAlternateSetting` order.
  /// Their names are the DfuSe memory-map strings (stm32-dfu-facts §3.3).
  public var alternates: [SimulatedAlternate]
  /// The DFU functional descriptor (stm32-dfu-facts §1.4).
  public var functionalDescriptor: FunctionalDescriptor
  /// First SRAM address.
  public var sramStart: UInt32
  /// SRAM bytes from ``sramStart``.
  public var sramSize: UInt32
  /// Option-byte zones with their factory contents, in the order of the
  /// option-byte alternate's zones.
  public var optionByteZones: [SimulatedOptionByteZone]
  /// Where the RDP byte lives inside the option bytes (stm32-dfu-facts §5).
  public var readProtectionByte: SimulatedOptionByteLocation
  /// Flash programming, option-byte and write-protection rules (stm32-dfu-facts §4, §5).
  public var family: SimulatedFlashFamily
  /// How long operations take and what the ROM says they take.
  public var timing: SimulatedTiming
  /// ROM behaviour that departs from AN3156.
  public var quirks: SimulatedQuirks
  /// First four hex digits of the serial numbers given to boards built without one.
  public var serialPrefix: String

  public init(name: String, identity: SimulatedUSBIdentity, alternates: [SimulatedAlternate],
              functionalDescriptor: FunctionalDescriptor, sramStart: UInt32, sramSize: UInt32,
              optionByteZones: [SimulatedOptionByteZone], readProtectionByte: SimulatedOptionByteLocation,
              family: SimulatedFlashFamily, timing: SimulatedTiming, quirks: SimulatedQuirks,
              serialPrefix: String) {
    self.name = name
    self.identity = identity
    self.alternates = alternates
    self.functionalDescriptor = functionalDescriptor
    self.sramStart = sramStart
    self.sramSize = sramSize
    self.optionByteZones = optionByteZones
    self.readProtectionByte = readProtectionByte
    self.family = family
    self.timing = timing
    self.quirks = quirks
    self.serialPrefix = serialPrefix
  }

  /// The parsed memory map of alternate `number`; an empty map when the
  /// string does not parse (custom profiles), so nothing is addressable.
  public func memoryMap(alternate number: Int) -> MemoryMap {
    guard alternates.indices.contains(number),
          let map = try? MemoryMap(parsing: alternates[number].name) else {
      return MemoryMap(name: "", segments: [])
    }
    return map
  }

  /// The index of the first alternate of `kind`.
  public func alternateIndex(of kind: SimulatedAlternate.Kind) -> Int? {
    alternates.firstIndex { $0.kind == kind }
  }

  /// The main flash map (the ``SimulatedAlternate/Kind/internalFlash`` alternate).
  public var flashMap: MemoryMap {
    alternateIndex(of: .internalFlash).map { memoryMap(alternate: $0) } ?? MemoryMap(name: "", segments: [])
  }

  /// The factory option bytes of every zone.
  public var factoryOptionBytes: [[UInt8]] { optionByteZones.map(\.factoryDefault) }
}

/// USB device-descriptor values of a simulated ROM (stm32-dfu-facts §3.2).
public struct SimulatedUSBIdentity: Sendable, Hashable {
  public var vendorID: UInt16
  public var productID: UInt16
  /// `bcdDevice`; its high byte is the DfuSe protocol version (AN3156 §1).
  public var deviceRelease: UInt16
  /// `bcdUSB`; old ROMs report 1.00.
  public var usbRelease: UInt16
  public var manufacturer: String
  public var product: String
  /// `bMaxPacketSize0`.
  public var maxPacketSize0: UInt8
  /// `bMaxPower` in milliamperes (the descriptor stores half of it).
  public var maxPowerMilliamps: Int
  /// `bmAttributes` of the configuration (0xC0 = self-powered).
  public var configurationAttributes: UInt8

  public init(vendorID: UInt16, productID: UInt16, deviceRelease: UInt16, usbRelease: UInt16,
              manufacturer: String, product: String, maxPacketSize0: UInt8 = 64,
              maxPowerMilliamps: Int = 100, configurationAttributes: UInt8 = 0xC0) {
    self.vendorID = vendorID
    self.productID = productID
    self.deviceRelease = deviceRelease
    self.usbRelease = usbRelease
    self.manufacturer = manufacturer
    self.product = product
    self.maxPacketSize0 = maxPacketSize0
    self.maxPowerMilliamps = maxPowerMilliamps
    self.configurationAttributes = configurationAttributes
  }

  /// The ST ROM identity on pre-Cube parts: 0483:DF11, bcdDevice 0x2200 (V2.2),
  /// "STMicroelectronics", "STM32  BOOTLOADER" (two spaces) [C, stm32-dfu-facts §3.2].
  public static let stRomV22 = SimulatedUSBIdentity(
    vendorID: 0x0483, productID: 0xDF11, deviceRelease: 0x2200, usbRelease: 0x0100,
    manufacturer: "STMicroelectronics", product: "STM32  BOOTLOADER")
}

/// One alternate setting: its memory-map string and what memory it reaches.
public struct SimulatedAlternate: Sendable, Hashable {
  /// What kind of memory an alternate addresses; decides the write, erase and read rules.
  public enum Kind: Sendable, Hashable {
    /// Main flash: erasable, programmed by the family rule. The ROM also
    /// accepts SRAM addresses on this alternate [U, see ``SimulatedSTM32``].
    case internalFlash
    /// Option bytes: written only as a whole zone, then the device resets (AN3156 §5.1).
    case optionBytes
    /// One-time-programmable area: written once, never erased.
    case otp
    /// The 4-byte "Device Feature" area; plain read/write storage [U].
    case deviceFeature
  }

  public var kind: Kind
  /// The `iInterface` string, a DfuSe memory map.
  public var name: String

  public init(kind: Kind, name: String) {
    self.kind = kind
    self.name = name
  }
}

/// An option-byte zone: start address and factory contents (whose count is the zone size).
public struct SimulatedOptionByteZone: Sendable, Hashable {
  public var address: UInt32
  public var factoryDefault: [UInt8]

  public init(address: UInt32, factoryDefault: [UInt8]) {
    self.address = address
    self.factoryDefault = factoryDefault
  }

  public var size: Int { factoryDefault.count }
}

/// A byte inside the option bytes: zone index and offset in that zone.
public struct SimulatedOptionByteLocation: Sendable, Hashable {
  public var zone: Int
  public var offset: Int

  public init(zone: Int, offset: Int) {
    self.zone = zone
    self.offset = offset
  }
}

/// ROM behaviour that differs between parts or from AN3156.
public struct SimulatedQuirks: Sendable, Hashable {
  /// F3/F4 ROMs start in dfuERROR/errFIRMWARE after every enumeration, so the
  /// first GETSTATUS reports it [O, stm32-dfu-facts §2.6].
  public var startsInFirmwareError: Bool
  /// L4 ROMs STALL a GETSTATUS that arrives while an erase is still running;
  /// the state is unchanged [O, stm32-dfu-facts §2.6, dfu-util ticket 40].
  public var stallsStatusDuringErase: Bool
  /// With RDP level 1, SET_ADDRESS into the option-byte area ends in
  /// dfuERROR/errVENDOR (Betaflight's detector, "contrary to the docs")
  /// [O, stm32-dfu-facts §2.2].
  public var optionByteSetAddressFailsUnderReadProtection: Bool
  /// The STM32L47x/48x ROM bug (AN2606 known limitation; field-notes §1.1): a
  /// write longer than 256 bytes whose length is not a multiple of 8 is corrupted.
  public var corruptsLongUnalignedWrites: Bool

  public init(startsInFirmwareError: Bool = false, stallsStatusDuringErase: Bool = false,
              optionByteSetAddressFailsUnderReadProtection: Bool = false,
              corruptsLongUnalignedWrites: Bool = false) {
    self.startsInFirmwareError = startsInFirmwareError
    self.stallsStatusDuringErase = stallsStatusDuringErase
    self.optionByteSetAddressFailsUnderReadProtection = optionByteSetAddressFailsUnderReadProtection
    self.corruptsLongUnalignedWrites = corruptsLongUnalignedWrites
  }
}
