/// What dfutui knows about the chip behind a DFU device: family, flash word,
/// SRAM for the boot check, bank boundaries, errata, timing and how its ROM
/// answers status polls. Built by ``ChipIdentity/identify(_:family:)`` from the
/// descriptors alone (layout strings, option-byte address and size, bcdDevice,
/// product string), so it is known before anything is sent to the device.
public struct ChipProfile: Hashable, Sendable {
  public var family: ChipFamily
  /// A human name, e.g. "STM32F405/407 (1 MiB)".
  public var name: String
  /// DfuSe bootloader protocol version from bcdDevice (AN3156 §1), e.g. "V2.2";
  /// Cube-era ROMs report 0x0200 and say nothing about the version.
  public var bootloaderVersion: String?
  /// Every RAM region (SRAM, CCM, SRAM2, TCM) where the initial stack
  /// pointer may point (the boot check, ``VectorTable``).
  public var ramRegions: [ClosedRange<UInt32>]
  /// Addresses where a new flash bank starts; no write crosses one.
  public var bankBoundaries: [UInt32]
  public var errata: [Erratum]
  /// Largest DNLOAD/UPLOAD the ROM handles, when lower than wTransferSize.
  public var maxTransferSize: Int?
  public var pollPolicy: PollPolicy
  /// Datasheet typical flash timing, for polling and the plan's floor.
  public var timing: FlashTiming?

  public var flashWordSize: Int { family.flashWordSize }

  /// The main SRAM region (the one at 0x20000000 when there is one).
  public var sram: ClosedRange<UInt32> {
    ramRegions.first { $0.contains(0x2000_0000) } ?? ramRegions.first ?? 0x2000_0000...0x2000_0000
  }

  public init(family: ChipFamily, name: String, bootloaderVersion: String?, ramRegions: [ClosedRange<UInt32>],
              bankBoundaries: [UInt32] = [], errata: [Erratum] = [], maxTransferSize: Int? = nil,
              pollPolicy: PollPolicy = .literal, timing: FlashTiming? = nil) {
    self.family = family
    self.name = name
    self.bootloaderVersion = bootloaderVersion
    self.ramRegions = ramRegions
    self.bankBoundaries = bankBoundaries
    self.errata = errata
    self.maxTransferSize = maxTransferSize
    self.pollPolicy = pollPolicy
    self.timing = timing
  }

  /// The transfer size to use given the descriptor's wTransferSize.
  public func transferSize(descriptor: Int) -> Int {
    let size = descriptor > 0 ? min(descriptor, 4096) : 2048
    return min(size, maxTransferSize ?? size)
  }
}

/// Typical flash timing from datasheets (stm32-dfu-facts §4, field-notes §4).
public struct FlashTiming: Hashable, Sendable {
  /// Erase time per sector size in bytes; `defaultErase` otherwise.
  public var erase: [UInt32: Duration]
  public var defaultErase: Duration
  /// Programming time per byte.
  public var programPerByte: Duration
  /// Mass erase of the whole user flash (AN3156 §5.3 one-byte ERASE), nil when
  /// unknown: then the erase planner never chooses it.
  public var massErase: Duration?

  public init(erase: [UInt32: Duration], defaultErase: Duration, programPerByte: Duration, massErase: Duration? = nil) {
    self.erase = erase
    self.defaultErase = defaultErase
    self.programPerByte = programPerByte
    self.massErase = massErase
  }

  public func eraseTime(sectorSize: UInt32) -> Duration { erase[sectorSize] ?? defaultErase }
  public func programTime(bytes: Int) -> Duration { programPerByte * bytes }
}

/// How to wait between status polls.
public struct PollPolicy: Hashable, Sendable {
  /// The ROM holds the next request until the flash operation is done, so the
  /// host can poll at once instead of sleeping a pessimistic `bwPollTimeout`
  /// (field-notes §4 [P], F2/F4/F7 ROMs). When an early poll still answers
  /// dfuDNBUSY, the reported timeout is honoured from then on.
  public var pollEarly: Bool
  /// Never poll before the datasheet duration of the operation (L4 ROMs STALL
  /// early polls during an erase).
  public var waitForExpectedDuration: Bool

  public init(pollEarly: Bool, waitForExpectedDuration: Bool) {
    self.pollEarly = pollEarly
    self.waitForExpectedDuration = waitForExpectedDuration
  }

  /// DFU 1.1 as written: sleep exactly `bwPollTimeout` (unknown devices).
  public static let literal = PollPolicy(pollEarly: false, waitForExpectedDuration: false)
}
