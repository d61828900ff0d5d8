/// The one identification of the chip behind a DFU device, from every clue
/// its descriptors give (``ChipEvidence``), matched against the catalogue of
/// part groups (``ChipVariant/all``). It yields the flash profile, the
/// option-byte family, the candidates and how sure it is.
///
/// When several groups fit and they disagree on something dfutui acts on, the
/// profile takes the safest union: every erratum, every possible bank
/// boundary, the smallest transfer, every RAM region (so valid stacks are not
/// rejected), and an option-byte catalogue in which a bit that may be reserved
/// cannot be edited. `--family` narrows the candidates.
public struct ChipIdentity: Hashable, Sendable {
  public enum Certainty: String, Hashable, Sendable {
    /// One group fits.
    case certain
    /// Several groups fit but agree on everything dfutui acts on (family,
    /// option bytes, errata, banks, transfer size); they differ in RAM or part number.
    case likely
    /// Several groups fit and disagree: the profile is the safe union.
    case ambiguous
    /// Nothing fits: a generic, conservative profile.
    case unrecognised
  }

  public var certainty: Certainty
  /// The groups that fit, in catalogue order.
  public var candidates: [ChipVariant]
  /// The merged flash profile.
  public var profile: ChipProfile
  /// The option-byte catalogue to use; nil when it cannot be told (then `--family`).
  public var optionBytes: OptionByteFamily?
  /// What the device said, in words.
  public var clues: [String]
  /// The `--family` given, if any.
  public var familyOverride: String?

  public var name: String { profile.name }

  /// "STM32L47x/L48x or STM32L49x/L4Ax (1 MiB), ambiguous" — the line list/info print.
  public var summary: String {
    switch certainty {
    case .certain: return familyOverride == nil ? name : "\(name) (--family \(familyOverride!))"
    case .likely: return "\(name), likely (parts differ only in RAM size)"
    case .ambiguous: return "\(name), ambiguous: safest rules for all candidates; give --family to choose"
    case .unrecognised: return name
    }
  }

  /// Identifies `device`; never fails (an unknown device gets a conservative profile).
  public static func identify(_ device: DFUDeviceInfo) -> ChipIdentity {
    let evidence = ChipEvidence(device)
    return make(evidence, candidates: ChipVariant.all.filter { $0.matches(evidence) }, override: nil)
  }

  /// Identifies `device`, narrowed to the groups `family` names ("l476", "L4", "stm32f405", "l4dual").
  /// - Throws: ``ChipIdentityError/unknownFamily(_:)`` for a name no group has;
  ///   ``ChipIdentityError/contradicts(family:identified:clues:)`` when the device
  ///   fits other groups but none of the named ones.
  public static func identify(_ device: DFUDeviceInfo, family: String?) throws(ChipIdentityError) -> ChipIdentity {
    guard let family else { return identify(device) }
    let named = try variants(named: family)
    let evidence = ChipEvidence(device)
    let fitting = ChipVariant.all.filter { $0.matches(evidence) }
    let chosen = fitting.filter { named.contains($0) }
    if chosen.isEmpty && !fitting.isEmpty {
      let found = make(evidence, candidates: fitting, override: nil)
      throw .contradicts(family: family, identified: found.name, clues: evidence.clues)
    }
    return make(evidence, candidates: chosen.isEmpty ? named : chosen, override: family)
  }

  /// The groups a `--family` name selects: the longest matching token wins
  /// ("l476" → L47x/L48x, "l4" → every L4 group but L4+), else every group of
  /// ``ChipFamily/init(partName:)``'s family.
  public static func variants(named text: String) throws(ChipIdentityError) -> [ChipVariant] {
    var name = text.lowercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "_" }
    if name.hasPrefix("stm32") { name.removeFirst(5) }
    let best = ChipVariant.all.map { $0.matchLength(name) }.max() ?? 0
    if best > 0 { return ChipVariant.all.filter { $0.matchLength(name) == best } }
    if let family = ChipFamily(partName: name) {
      let same = ChipVariant.all.filter { $0.family == family }
      if !same.isEmpty { return same }
    }
    throw .unknownFamily(text)
  }

  static func make(_ e: ChipEvidence, candidates: [ChipVariant], override: String?) -> ChipIdentity {
    let version = ChipProfile.bootloaderVersion(e.deviceRelease)
    let size = formatByteCount(e.flashBytes)
    guard let first = candidates.first else {
      let profile = ChipProfile(family: .unknown, name: "unrecognised DFU device (\(size) flash)", bootloaderVersion: version,
                                ramRegions: [0x1000_0000...0x1003_FFFF, 0x2000_0000...0x3FFF_FFFF])
      return ChipIdentity(certainty: .unrecognised, candidates: [], profile: profile, optionBytes: nil, clues: e.clues,
                          familyOverride: override)
    }
    let families = Set(candidates.map(\.family))
    let family = families.count == 1 ? first.family
      : families.max { ($0.flashWordSize, $0.hasECC ? 1 : 0) < ($1.flashWordSize, $1.hasECC ? 1 : 0) } ?? .unknown
    let errata = Erratum.all.filter { erratum in candidates.contains { $0.errata.contains(erratum) } }
    let boundaries = Set(candidates.flatMap { $0.bankBoundaries(e) }).sorted()
    let transfers = candidates.compactMap(\.maxTransferSize)
    let timings = Set(candidates.map(\.timing))
    let policy = PollPolicy(pollEarly: candidates.allSatisfy(\.pollPolicy.pollEarly),
                            waitForExpectedDuration: candidates.contains { $0.pollPolicy.waitForExpectedDuration })
    let optionBytes = OptionByteFamily.safest(candidates.map(\.optionBytes))
    let name = candidates.map(\.name).joined(separator: " or ") + " (\(size))"
    let profile = ChipProfile(
      family: family, name: name, bootloaderVersion: version, ramRegions: mergedRegions(candidates.flatMap(\.ramRegions)),
      bankBoundaries: boundaries, errata: errata, maxTransferSize: transfers.min(), pollPolicy: policy,
      timing: timings.count == 1 ? first.timing : nil)
    let agree = candidates.allSatisfy {
      $0.family == first.family && $0.optionBytes == first.optionBytes && Set($0.errata) == Set(first.errata)
        && $0.bankBoundaries(e) == first.bankBoundaries(e) && $0.maxTransferSize == first.maxTransferSize
    }
    let certainty: Certainty = candidates.count == 1 ? .certain : agree ? .likely : .ambiguous
    var clues = e.clues
    if let override { clues.append("--family \(override)") }
    return ChipIdentity(certainty: certainty, candidates: candidates, profile: profile, optionBytes: optionBytes,
                        clues: clues, familyOverride: override)
  }

  /// Overlapping or touching ranges joined, sorted by start.
  static func mergedRegions(_ regions: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
    var out: [ClosedRange<UInt32>] = []
    for r in regions.sorted(by: { $0.lowerBound < $1.lowerBound }) {
      if let last = out.last, UInt64(r.lowerBound) <= UInt64(last.upperBound) + 1 {
        out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
      } else {
        out.append(r)
      }
    }
    return out
  }
}

/// Why a `--family` cannot be used.
public enum ChipIdentityError: Error, Hashable, Sendable, CustomStringConvertible {
  case unknownFamily(String)
  case contradicts(family: String, identified: String, clues: [String])

  public var description: String {
    switch self {
    case .unknownFamily(let name):
      let known = ChipVariant.all.map(\.name).joined(separator: ", ")
      return "unknown family '\(name)'; give a part or family name such as l476, l4, f405, f4, g474, h743 (known: \(known))"
    case .contradicts(let family, let identified, let clues):
      return "--family \(family) does not fit this device: its descriptors say \(identified) ("
        + clues.joined(separator: "; ") + "). Check the board, or leave out --family"
    }
  }
}
