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

  public init(verify: Bool = true, differential: Bool = false, preserve: Bool = false, backup: Bool = false) {
    self.verify = verify
    self.differential = differential
    self.preserve = preserve
    self.backup = backup
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

  /// `sectors: 2 erased and written, 3 unchanged`
  public var actionSummary: String {
    let counts = Dictionary(grouping: actions.values, by: { $0 }).mapValues(\.count)
    let parts = [("erased and written", SectorAction.eraseAndWrite), ("written without erase (blank enough)", .programWithoutErase),
                 ("unchanged", .unchanged)]
      .compactMap { name, action in counts[action].map { "\($0) \(name)" } }
    return parts.isEmpty ? "no sectors" : "sectors: " + parts.joined(separator: ", ")
  }
}
