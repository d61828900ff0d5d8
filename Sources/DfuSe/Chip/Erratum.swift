/// A known ROM-bootloader or flash quirk that dfutui works around, named in
/// every flash plan that it affects (field-notes §1.2 item 6, §3; AN2606).
public struct Erratum: Hashable, Sendable, CustomStringConvertible {
  public var id: String
  /// What the part does wrong.
  public var problem: String
  /// What dfutui does about it.
  public var workaround: String
  /// Where the fact comes from.
  public var source: String

  public init(id: String, problem: String, workaround: String, source: String) {
    self.id = id
    self.problem = problem
    self.workaround = workaround
    self.source = source
  }

  public var description: String { "\(id): \(problem) → \(workaround)" }

  /// Every erratum, in the order plans list them.
  public static let all: [Erratum] = [
    .l476UnalignedWrite, .l4StallDuringErase, .f4MassEraseTimeout, .f4PessimisticPoll, .g4TransferSize,
    .l0SmallBlocks, .h7Busy, .emptyCheck,
  ]

  /// STM32L47x/48x ROM: a write > 256 bytes that is not a multiple of 8 is corrupted.
  public static let l476UnalignedWrite = Erratum(
    id: "L476-8B", problem: "the ROM corrupts writes longer than 256 bytes that are not a multiple of 8 bytes",
    workaround: "every write is padded with 0xFF to whole 8-byte flash words",
    source: "AN2606 STM32L47x/48x known limitation; field-notes §1.1")
  /// L4-class ROMs STALL a GETSTATUS that arrives during an erase and report too-short poll timeouts.
  public static let l4StallDuringErase = Erratum(
    id: "L4-STALL", problem: "GETSTATUS during a page erase may STALL; the reported poll timeout is too short",
    workaround: "waits the datasheet erase time before polling and retries stalled polls",
    source: "dfu-util ticket 40 (L433); stm32-dfu-facts §2.6")
  /// F405's ROM reports 100 ms for a mass erase that takes up to 32 s.
  public static let f4MassEraseTimeout = Erratum(
    id: "F4-MASS", problem: "mass erase reports a 100 ms poll timeout but takes up to 32 s",
    workaround: "the status poll after a mass erase may take 40 s before it times out",
    source: "dfu-util quirk 'STM32F405 lies about mass erase timeout'; DS8626")
  /// F2/F4/F7 ROMs report ~100 ms poll timeouts for work that is already done.
  public static let f4PessimisticPoll = Erratum(
    id: "F4-POLL", problem: "the ROM reports 104 ms for a SET_ADDRESS that takes no time",
    workaround: "polls at once; the ROM holds the status request until the flash is done",
    source: "modm F401/F411 log (field-notes §4)")
  /// G4 ROM accepts only 1024-byte transfers.
  public static let g4TransferSize = Erratum(
    id: "G4-1K", problem: "the ROM accepts only 1024-byte DNLOAD transfers",
    workaround: "transfers are limited to 1024 bytes",
    source: "siliconwitchery/web-stm32-updater#3 (field-notes §3.8)")
  /// L0 ROM: wrong layout string, 128-byte blocks.
  public static let l0SmallBlocks = Erratum(
    id: "L0-128", problem: "the ROM reports an odd layout (1536*128g) and needs 128-byte blocks",
    workaround: "transfers are limited to 128 bytes",
    source: "ST community L072/L073 threads (field-notes §3.8)")
  /// H743 Rev V: stuck in dfuDNBUSY on large erases/writes past 1 MB.
  public static let h7Busy = Erratum(
    id: "H7-BUSY", problem: "H743 rev V can stay in dfuDNBUSY past 1 MB and needs a CLRSTATUS pair",
    workaround: "per-sector erase with a 4 s budget each; a device stuck busy fails with advice to power-cycle "
      + "(the CLRSTATUS workaround is not applied: unverified)",
    source: "betaflight-configurator PR 1861/5348 (field-notes §3.7)")
  /// Parts with an empty-check stay in the bootloader after the first flash until a power cycle.
  public static let emptyCheck = Erratum(
    id: "EMPTY-CHECK", problem: "after the first flash of a blank part, reset re-enters the bootloader until a power cycle",
    workaround: "the leave message says to power-cycle if the application does not start",
    source: "ST community (L41x/L42x, G0, G4, WB; field-notes §1.1 item 4)")
}
