/// Chooses how a flash is erased, by cost (issue 12): one erase per touched
/// page/sector, or one **lossless** mass erase (AN3156 §5.3, the one-byte ERASE
/// command: all user flash; option bytes and OTP untouched).
///
/// A mass erase is considered only when nothing can be lost: every planned
/// sector is erased anyway, the flash map covers the whole flash as erasable,
/// RDP is level 0 and no sector is write-protected (known from the option
/// bytes; unknown protection rules it out), and a pre-read proves that every
/// byte outside the planned sectors reads erased. It is chosen only when
/// `mass erase + pre-read` costs less than the page/sector erases, from the
/// chip's datasheet timing (``FlashTiming``) and the link's upload rate.
public enum ErasePlanner {
  /// Upload rate assumed before anything was measured: about half the USB
  /// full-speed EP0 bound of 1.2 MB/s (field-notes §4), so the first guess is cautious.
  public static let assumedUploadBytesPerSecond = 500_000
  /// Pre-read block size: the decision is re-checked with the measured rate after each block.
  static let preReadBlock = 64 * 1024

  /// Why a mass erase is out of the question for `plan`, or nil when it may be considered.
  /// - Parameter actions: the per-sector decisions; every planned sector must be erased anyway.
  public static func massEraseBlocker(_ plan: FlashPlan, actions: [UInt32: SectorAction],
                                      options: FlashOptions) -> String? {
    if !options.allowMassErase { return "mass erase turned off (--no-mass-erase)" }
    if options.preserve { return "--preserve merges old bytes sector by sector" }
    if plan.sectors.contains(where: { actions[$0.sector.address] != .eraseAndWrite }) {
      return "some planned sectors are kept or written without erase, and a mass erase would clear them"
    }
    guard plan.chip.timing?.massErase != nil else { return "no mass-erase timing is known for \(plan.chip.name)" }
    guard plan.map.name.lowercased().contains("flash"),
          plan.map.segments.allSatisfy({ $0.access.isSuperset(of: [.readable, .erasable]) }) else {
      return "the memory map \"\(plan.map.name)\" does not describe the whole flash as readable and erasable"
    }
    guard let protection = options.protection else { return "the protection state is unknown (option bytes not read)" }
    if protection.readProtection != .level0 { return "read protection is \(protection.readProtection)" }
    if let first = protection.writeProtectedSectors.first {
      return "\(protection.writeProtectedSectors.count) sector(s) are write-protected (first at \(hex32(first)))"
    }
    return nil
  }

  /// Erasable flash outside the planned sectors: what a mass erase would clear besides the plan.
  public static func restRanges(_ plan: FlashPlan) -> [(address: UInt32, count: Int)] {
    let planned = Set(plan.sectors.map(\.sector.address))
    var ranges: [(address: UInt32, count: Int)] = []
    for s in plan.map.sectors where !planned.contains(s.address) && s.access.contains(.erasable) {
      if let last = ranges.last, UInt64(last.address) + UInt64(last.count) == UInt64(s.address) {
        ranges[ranges.count - 1].count += Int(s.size)
      } else {
        ranges.append((s.address, Int(s.size)))
      }
    }
    return ranges
  }

  /// The cost figures for erasing `sectors` of `plan` either way; nil without timing.
  public static func estimate(_ plan: FlashPlan, erasing sectors: [MemorySector], uploadBytesPerSecond: Int,
                              measured: Bool) -> EraseEstimate? {
    guard let timing = plan.chip.timing, let mass = timing.massErase else { return nil }
    return EraseEstimate(
      sectorCount: sectors.count, sectorWord: sectorWord(plan.chip.family),
      sectorEraseTime: sectors.reduce(.zero) { $0 + timing.eraseTime(sectorSize: $1.size) },
      massEraseTime: mass, restBytes: restRanges(plan).reduce(0) { $0 + $1.count },
      uploadBytesPerSecond: max(1, uploadBytesPerSecond), rateMeasured: measured)
  }

  /// What the plan will do, before anything is read (shown with the plan).
  public static func proposal(_ plan: FlashPlan, options: FlashOptions) -> EraseDecision {
    let word = sectorWord(plan.chip.family)
    if options.differential {
      return EraseDecision(.sectors, "\(word) erases only where the content differs (--diff; a mass erase only if "
                           + "every planned \(word) differs and it pays)")
    }
    let all = Dictionary(uniqueKeysWithValues: plan.sectors.map { ($0.sector.address, SectorAction.eraseAndWrite) })
    if let blocker = massEraseBlocker(plan, actions: all, options: options) {
      return EraseDecision(.sectors, "\(ErasePlanner.count(plan.sectors.count, word)): \(blocker)")
    }
    let e = estimate(plan, erasing: plan.sectors.map(\.sector), uploadBytesPerSecond: assumedUploadBytesPerSecond,
                     measured: false)!
    guard e.massErasePays else { return EraseDecision(.sectors, e.sectorsWin, estimate: e) }
    return EraseDecision(.mass, "mass erase if the other \(byteText(e.restBytes)) read blank (\(e.figures)); "
                         + "else \(ErasePlanner.count(e.sectorCount, word))", estimate: e)
  }

  /// `1 page erase`, `128 page erases`.
  static func count(_ n: Int, _ word: String) -> String { "\(n) \(word) erase" + (n == 1 ? "" : "s") }

  static func sectorWord(_ family: ChipFamily) -> String {
    switch family {
    case .f2f4, .f7, .h7, .h7a3: return "sector"
    default: return "page"
    }
  }
}

/// The figures the erase choice is made from.
public struct EraseEstimate: Hashable, Sendable {
  public var sectorCount: Int
  /// "page" or "sector", as the family's reference manual says.
  public var sectorWord: String
  public var sectorEraseTime: Duration
  public var massEraseTime: Duration
  /// Erasable bytes outside the planned sectors that the pre-read must prove blank.
  public var restBytes: Int
  public var uploadBytesPerSecond: Int
  /// True when the rate was measured on this link, false when assumed.
  public var rateMeasured: Bool

  public var preReadTime: Duration { .nanoseconds(Int64(restBytes) * 1_000_000_000 / Int64(uploadBytesPerSecond)) }
  /// Mass erase plus the pre-read it needs.
  public var massEraseTotal: Duration { massEraseTime + preReadTime }
  public var massErasePays: Bool { massEraseTotal < sectorEraseTime }

  /// `mass erase 44 ms + pre-read of 768 KiB ≈ 1.5 s at 0.50 MB/s (assumed) vs 128 page erases 2.82 s`
  public var figures: String {
    "mass erase \(timeText(massEraseTime)) + pre-read of \(byteText(restBytes)) ≈ \(timeText(preReadTime)) at "
      + "\(rateText(uploadBytesPerSecond)) (\(rateMeasured ? "measured" : "assumed")) vs "
      + "\(ErasePlanner.count(sectorCount, sectorWord)) \(timeText(sectorEraseTime))"
  }

  /// The reason text when the page/sector erases are cheaper.
  var sectorsWin: String {
    "\(ErasePlanner.count(sectorCount, sectorWord)) \(timeText(sectorEraseTime)) instead of mass erase \(timeText(massEraseTime)) "
      + "+ pre-read of \(byteText(restBytes)) \(timeText(preReadTime)) at \(rateText(uploadBytesPerSecond)) "
      + "(\(rateMeasured ? "measured" : "assumed"))"
  }
}

/// How the flash was (or will be) erased, and why, in one sentence.
public struct EraseDecision: Hashable, Sendable, CustomStringConvertible {
  public enum Strategy: String, Hashable, Sendable {
    /// Nothing needed erasing.
    case none
    /// One erase per touched page/sector.
    case sectors
    /// One mass erase of the whole user flash (the rest was proven blank).
    case mass
  }

  public var strategy: Strategy
  public var reason: String
  public var estimate: EraseEstimate?

  public init(_ strategy: Strategy, _ reason: String, estimate: EraseEstimate? = nil) {
    self.strategy = strategy
    self.reason = reason
    self.estimate = estimate
  }

  public var description: String { reason }
}

/// `768 KiB`, `1.5 MiB`, `300 bytes`.
fileprivate func byteText(_ n: Int) -> String {
  if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
  if n >= 1 << 20 { return fixed(Double(n) / Double(1 << 20), 2) + " MiB" }
  if n >= 1024 && n % 1024 == 0 { return "\(n / 1024) KiB" }
  return "\(n) bytes"
}

/// `44 ms`, `2.82 s`.
fileprivate func timeText(_ d: Duration) -> String {
  let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  return s < 1 ? "\(Int((s * 1000).rounded())) ms" : fixed(s, 2) + " s"
}

/// `1.06 MB/s`, `480 KB/s`.
fileprivate func rateText(_ bytesPerSecond: Int) -> String {
  bytesPerSecond >= 1_000_000 ? fixed(Double(bytesPerSecond) / 1e6, 2) + " MB/s" : "\(bytesPerSecond / 1000) KB/s"
}

private func fixed(_ v: Double, _ digits: Int) -> String {
  var p = 1.0
  for _ in 0..<digits { p *= 10 }
  let scaled = Int((v * p).rounded())
  let whole = scaled / Int(p), frac = scaled % Int(p)
  let f = String(frac)
  return "\(whole)." + String(repeating: "0", count: digits - f.count) + f
}
