/// The firmware file formats dfutui reads (stm32-dfu-facts §6–§7).
public enum FirmwareFormat: String, Sendable, CaseIterable {
  /// ST DfuSe file (UM0391): prefix, targets, elements, suffix with bcdDFU 0x011A.
  case dfuse
  /// Plain DFU file: raw data followed by a 16-byte DFU suffix and no DfuSe prefix.
  case plainDFU
  /// Intel HEX (record types 00–05).
  case intelHex
  /// Motorola S-record (S0–S9).
  case srec
  /// ELF32 little-endian ARM executable.
  case elf
  /// Raw binary image; needs an address.
  case raw

  /// A short human name for messages.
  public var displayName: String {
    switch self {
    case .dfuse: return "DfuSe file"
    case .plainDFU: return "plain DFU file"
    case .intelHex: return "Intel HEX"
    case .srec: return "Motorola S-record"
    case .elf: return "ELF"
    case .raw: return "raw binary"
    }
  }
}

/// One image destined for one alternate setting (a DfuSe target, §6), or for
/// the selected alternate setting when the file does not say (`nil`).
public struct FirmwareTarget: Hashable, Sendable {
  public var alternateSetting: UInt8?
  /// The DfuSe target name (`szTargetName`), when the target is named.
  public var name: String?
  public var image: FirmwareImage

  public init(alternateSetting: UInt8? = nil, name: String? = nil, image: FirmwareImage) {
    self.alternateSetting = alternateSetting
    self.name = name
    self.image = image
  }
}

/// A firmware file after reading: its format, its targets (one, except for
/// multi-target DfuSe files), its DFU suffix if it had one, and notices for the
/// user (things that are fine but worth saying).
public struct LoadedFirmware: Hashable, Sendable {
  public var format: FirmwareFormat
  public var targets: [FirmwareTarget]
  public var suffix: DFUSuffix?
  public var notices: [String]

  public init(format: FirmwareFormat, targets: [FirmwareTarget], suffix: DFUSuffix? = nil, notices: [String] = []) {
    self.format = format
    self.targets = targets
    self.suffix = suffix
    self.notices = notices
  }

  /// The image of the only target, or of the target for `alternateSetting`.
  /// Returns nil when the choice is ambiguous or no target matches.
  public func image(forAlternate alternateSetting: UInt8? = nil) -> FirmwareImage? {
    if let alternateSetting {
      let matching = targets.filter { $0.alternateSetting == nil || $0.alternateSetting == alternateSetting }
      guard !matching.isEmpty else { return nil }
      var image = FirmwareImage()
      for t in matching { do { try image.merge(t.image) } catch { return nil } }
      return image
    }
    return targets.count == 1 ? targets[0].image : nil
  }
}
