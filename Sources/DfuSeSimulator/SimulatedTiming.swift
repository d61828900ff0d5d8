/// How long the simulated ROM is busy after each kind of DNLOAD, and the
/// `bwPollTimeout` it reports for it (AN3156 §5 deferred execution;
/// field-notes §4; stm32-dfu-facts §2.6).
///
/// The two differ on purpose: real ROMs report constants that are too short
/// (F405 mass erase: 100 ms for several seconds of work) or too long
/// (F4 SET_ADDRESS: 104 ms for no work at all).
public struct SimulatedTiming: Sendable, Hashable {
  /// What the ROM reports and how long the operation really takes.
  public struct Cost: Sendable, Hashable {
    /// `bwPollTimeout` in the GETSTATUS that starts the operation.
    public var reportedMilliseconds: UInt32
    /// Time until the ROM answers requests again.
    public var actual: Duration

    public init(reportedMilliseconds: UInt32, actual: Duration) {
      self.reportedMilliseconds = reportedMilliseconds
      self.actual = actual
    }
  }

  /// SET_ADDRESS (0x21).
  public var setAddress: Cost
  /// Page/sector erase (0x41 + address), by sector size in bytes.
  public var sectorErase: [UInt32: Cost]
  /// Page/sector erase of a size not listed in ``sectorErase``.
  public var defaultSectorErase: Cost
  /// Mass erase (0x41 alone); Read Unprotect on a protected part costs the same.
  public var massErase: Cost
  /// Bytes in one flash programming unit (F4 x32: 4; L4: 8-byte double-word).
  public var programUnitBytes: Int
  /// Time to program one unit. The reported timeout is this times the units
  /// touched, rounded up to whole milliseconds.
  public var programTimePerUnit: Duration
  /// A whole option-byte zone write (erase of the option area + programming) [U].
  public var optionByteWrite: Cost

  public init(setAddress: Cost, sectorErase: [UInt32: Cost], defaultSectorErase: Cost, massErase: Cost,
              programUnitBytes: Int, programTimePerUnit: Duration, optionByteWrite: Cost) {
    self.setAddress = setAddress
    self.sectorErase = sectorErase
    self.defaultSectorErase = defaultSectorErase
    self.massErase = massErase
    self.programUnitBytes = programUnitBytes
    self.programTimePerUnit = programTimePerUnit
    self.optionByteWrite = optionByteWrite
  }

  /// The cost of erasing one sector of `size` bytes.
  public func eraseCost(sectorSize size: UInt32) -> Cost {
    sectorErase[size] ?? defaultSectorErase
  }

  /// The cost of programming `count` bytes at `address`: every programming
  /// unit the range touches; reported = actual rounded up to milliseconds.
  public func programCost(address: UInt64, count: Int) -> Cost {
    let unit = UInt64(max(1, programUnitBytes))
    guard count > 0 else { return Cost(reportedMilliseconds: 0, actual: .zero) }
    let units = (address + UInt64(count) - 1) / unit - address / unit + 1
    let actual = programTimePerUnit * Int(clamping: units)
    return Cost(reportedMilliseconds: Self.millisecondsRoundedUp(actual), actual: actual)
  }

  /// `duration` in whole milliseconds, rounded up, clamped to the 24-bit `bwPollTimeout`.
  public static func millisecondsRoundedUp(_ duration: Duration) -> UInt32 {
    guard duration > .zero else { return 0 }
    let (seconds, attoseconds) = duration.components
    let nanoseconds = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    let milliseconds = (nanoseconds + 999_999) / 1_000_000
    return UInt32(min(milliseconds, 0xFF_FFFF))
  }
}
