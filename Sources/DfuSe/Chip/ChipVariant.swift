/// One group of STM32 parts that dfutui tells apart: what its ROM's
/// descriptors look like (the fingerprint) and what flashing it needs
/// (family, RAM for the boot check, banks, errata, option-byte catalogue).
/// The catalogue is ``ChipVariant/all``; ``ChipIdentity`` matches a device
/// against every entry and merges what is left.
public struct ChipVariant: Hashable, Sendable, CustomStringConvertible {
  /// The parts, e.g. "STM32L47x/L48x".
  public var name: String
  /// Lowercase names `--family` accepts for this group, without "stm32"
  /// ("l4", "l47", "l476" all match "l47" here; the longest match wins).
  public var tokens: [String]
  public var family: ChipFamily
  public var optionBytes: OptionByteFamily?
  /// Where a stack may live: every SRAM/CCM/TCM region of the largest part of the group.
  public var ramRegions: [ClosedRange<UInt32>]
  public var banks: BankLayout
  public var errata: [Erratum]
  public var maxTransferSize: Int?
  public var pollPolicy: PollPolicy
  public var timing: FlashTiming?
  public var fingerprint: Fingerprint
  /// Where the facts come from, with their confidence ([C] confirmed, [O] observed, [U] unconfirmed).
  public var source: String

  public var description: String { name }

  /// How the group's ROM describes itself (stm32-dfu-facts §3.3). A clue the
  /// device does not give (no Option Bytes alt, no flash alt) is not checked.
  public struct Fingerprint: Hashable, Sendable {
    /// Start of the first Option Bytes zone.
    public var optionBytesAt: UInt32?
    /// Accepted zone-size lists (`[[40], [40, 40]]`); nil: any size.
    public var zoneSizes: [[Int]]?
    /// Most zones the Option Bytes alt may have (G0: one OB area, RM0444).
    public var maxZones: Int
    /// Flash size in KiB the group's parts have.
    public var flashKiB: ClosedRange<Int>
    /// Every flash sector size must be one of these.
    public var sectorSizes: Set<UInt32>
    public var era: RomEra
    /// F105/F107 (product "STM32 0x418…" or bcdDevice 0x2000): true, false, or nil (either).
    public var isF105F107: Bool?
    /// Start of the OTP alt's first zone, where a real ROM string shows it.
    public var otpAt: UInt32?

    public init(optionBytesAt: UInt32?, zoneSizes: [[Int]]? = nil, maxZones: Int = 2, flashKiB: ClosedRange<Int>,
                sectorSizes: Set<UInt32>, era: RomEra, isF105F107: Bool? = nil, otpAt: UInt32? = nil) {
      self.otpAt = otpAt
      self.optionBytesAt = optionBytesAt
      self.zoneSizes = zoneSizes
      self.maxZones = maxZones
      self.flashKiB = flashKiB
      self.sectorSizes = sectorSizes
      self.era = era
      self.isF105F107 = isF105F107
    }
  }

  /// Pre-Cube ROMs report bcdDevice 0x2x00; Cube-era ROMs 0x0200 (stm32-dfu-facts §3.2).
  public enum RomEra: Hashable, Sendable { case classic, cube, either }

  /// Where a second flash bank starts.
  public enum BankLayout: Hashable, Sendable {
    case single
    /// Two equal banks when the flash has at least `minimumKiB` (and, if given,
    /// sectors of `sectorSize`: G47x DBANK=1 uses 2 KiB pages, L4+ 4 KiB).
    case halves(minimumKiB: Int, sectorSize: UInt32? = nil)
    /// Bank 2 starts where the sector sizes start again (F42x/F43x, dual-bank F76x).
    case sectorRestart
  }

  /// True when nothing the device says contradicts this group. Every STM32
  /// here has its flash at 0x08000000 and a ROM whose bcdDevice is 0x0200
  /// (Cube era) or a DfuSe version ≥ V2.0 (AN3156 §1).
  public func matches(_ e: ChipEvidence) -> Bool {
    guard e.flash != nil || !e.optionZones.isEmpty, e.flash == nil || e.flashStart == 0x0800_0000 else { return false }
    let classic = !e.isCubeEra && e.deviceRelease >= 0x2000
    switch fingerprint.era {
    case .classic where !classic, .cube where !e.isCubeEra: return false
    case .either where !classic && !e.isCubeEra: return false
    default: break
    }
    if let f1 = fingerprint.isF105F107, f1 != e.isF105F107 { return false }
    if let otp = fingerprint.otpAt, let seen = e.otp?.segments.first?.start, seen != otp { return false }
    if let first = e.optionZones.first {
      guard first.address == fingerprint.optionBytesAt, e.optionZones.count <= fingerprint.maxZones else { return false }
      if let sizes = fingerprint.zoneSizes, !sizes.contains(e.optionZones.map(\.size)) { return false }
    }
    if e.flash != nil {
      let kib = Int(e.flashBytes / 1024)
      guard fingerprint.flashKiB.contains(kib), e.sectorSizes.isSubset(of: fingerprint.sectorSizes) else { return false }
    }
    return true
  }

  /// The bank boundaries of this group's layout on the device's flash.
  public func bankBoundaries(_ e: ChipEvidence) -> [UInt32] {
    switch banks {
    case .single:
      return []
    case .halves(let minimumKiB, let sectorSize):
      guard e.flashBytes >= UInt64(minimumKiB) * 1024, sectorSize.map({ e.sectorSizes == [$0] }) ?? true else { return [] }
      return [e.flashStart + UInt32(e.flashBytes / 2)]
    case .sectorRestart:
      return e.sectorRestarts
    }
  }

  /// How long the longest of `tokens` that starts `name` is (0: no match).
  func matchLength(_ name: String) -> Int {
    tokens.filter { name.hasPrefix($0) }.map(\.count).max() ?? 0
  }
}
