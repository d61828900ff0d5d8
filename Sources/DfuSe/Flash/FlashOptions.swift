/// Choices for one flash job (CLI flags / TUI toggles).
public struct FlashOptions: Hashable, Sendable {
  /// Read back and compare every written byte (on by default).
  public var verify = true
  /// Read each planned sector first and skip the ones already holding the
  /// image; erase only those that differ. A rerun after an interruption resumes.
  public var differential = false
  /// Keep bytes outside the image in partly covered sectors (read, merge, rewrite).
  public var preserve = false
  /// Upload every sector that will be erased before erasing it.
  public var backup = false
  /// Let the erase planner choose a lossless mass erase when it is cheaper
  /// (``ErasePlanner``); `--no-mass-erase` turns it off.
  public var allowMassErase = true
  /// Read and write protection from the option bytes, read by the caller
  /// before flashing; nil (unknown) rules out a mass erase.
  public var protection: FlashProtection?

  public init(verify: Bool = true, differential: Bool = false, preserve: Bool = false, backup: Bool = false,
              allowMassErase: Bool = true, protection: FlashProtection? = nil) {
    self.verify = verify
    self.differential = differential
    self.preserve = preserve
    self.backup = backup
    self.allowMassErase = allowMassErase
    self.protection = protection
  }
}

/// The protection state of the flash, as the option bytes say (AN3156 Table 4:
/// under RDP 1 the ROM refuses erases; write-protected sectors are skipped).
public struct FlashProtection: Hashable, Sendable {
  public var readProtection: ReadProtectionLevel
  /// Start addresses of the write-protected sectors of the flash map.
  public var writeProtectedSectors: [UInt32]

  public init(readProtection: ReadProtectionLevel, writeProtectedSectors: [UInt32]) {
    self.readProtection = readProtection
    self.writeProtectedSectors = writeProtectedSectors
  }

  /// The state `optionBytes` describe for `flashMap`.
  public init(_ optionBytes: OptionBytes, flashMap: MemoryMap) {
    self.init(readProtection: optionBytes.readProtection,
              writeProtectedSectors: optionBytes.writeProtectedSectors(in: flashMap).map(\.address))
  }
}

/// What happened to one planned sector.
public enum SectorAction: String, Hashable, Sendable {
  /// Already holds the image bytes: not erased, not written.
  case unchanged
  /// Non-ECC flash whose content becomes the image by clearing bits only: written without erase.
  case programWithoutErase
  /// Erased, then written.
  case eraseAndWrite
}

/// What a finished flash did, with the per-phase breakdown.
public struct FlashReport: Hashable, Sendable {
  public var imageBytes: Int
  /// Bytes programmed (including padding and preserved bytes).
  public var programmedBytes: Int
  /// Image bytes not rewritten because their sector already held them.
  public var skippedBytes: Int
  public var actions: [UInt32: SectorAction]
  public var sectorsErased: Int
  /// True only when every written byte was read back and matched, and skipped
  /// sectors were compared when read.
  public var verified: Bool
  public var elapsed: Duration
  /// Time in control transfers that moved data or commands (not held by a busy device).
  public var usbTime: Duration
  /// Time the device was busy with flash work (poll waits + held status requests).
  public var deviceBusyTime: Duration
  /// Time the host slept on poll timeouts.
  public var hostWaitTime: Duration
  /// Sector contents uploaded before erasing, when a backup was asked for.
  public var backup: FirmwareImage?
  /// How the flash was erased and why (page/sector erases or a lossless mass erase).
  public var erase: EraseDecision? = nil
  /// Bytes of erased-value flash words left unprogrammed after the erase (still verified).
  public var erasedBytesSkipped = 0

  /// `sectors: 2 erased and written, 3 unchanged`
  public var actionSummary: String {
    let counts = Dictionary(grouping: actions.values, by: { $0 }).mapValues(\.count)
    let parts = [("erased and written", SectorAction.eraseAndWrite), ("written without erase (blank enough)", .programWithoutErase),
                 ("unchanged", .unchanged)]
      .compactMap { name, action in counts[action].map { "\($0) \(name)" } }
    return parts.isEmpty ? "no sectors" : "sectors: " + parts.joined(separator: ", ")
  }
}
