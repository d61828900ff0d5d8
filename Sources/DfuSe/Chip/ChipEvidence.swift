/// The clues a DFU device gives about its chip before anything is sent to it
/// (stm32-dfu-facts §3): the memory maps of its alternate settings (flash
/// size, sector sizes, bank layout; option-byte zone addresses and sizes;
/// OTP), bcdDevice and the product string.
public struct ChipEvidence: Hashable, Sendable {
  /// The "Internal Flash" map (or the first map naming flash).
  public var flash: MemoryMap?
  /// The "Option Bytes" zones: start address and size in bytes, in order.
  public var optionZones: [OptionZone]
  /// The OTP map, when the ROM lists one.
  public var otp: MemoryMap?
  /// bcdDevice: 0x2x00 on pre-Cube ROMs (DfuSe protocol version, AN3156 §1),
  /// 0x0200 on Cube-era ROMs (G0/G4/H7/U5/WB; stm32-dfu-facts §3.2).
  public var deviceRelease: UInt16
  public var product: String?
  public var vendorID: UInt16

  /// One option-byte zone of the alt string (`/0x1FFF7800/01*040 e`).
  public struct OptionZone: Hashable, Sendable {
    public var address: UInt32
    public var size: Int
  }

  public init(_ device: DFUDeviceInfo) {
    let maps = device.alternateSettings.compactMap { try? $0.memoryMap() }
    flash = maps.first { $0.name.lowercased().contains("flash") }
    let options = maps.first { $0.name.lowercased().contains("option") }
    optionZones = options?.segments.map { OptionZone(address: $0.start, size: Int($0.byteCount)) } ?? []
    otp = maps.first { $0.name.lowercased().contains("otp") }
    deviceRelease = device.deviceRelease
    product = device.product
    vendorID = device.vendorID
  }

  /// Total flash bytes the ROM lists.
  public var flashBytes: UInt64 { flash?.segments.reduce(0) { $0 + $1.byteCount } ?? 0 }
  public var flashStart: UInt32 { flash?.segments.first?.start ?? 0x0800_0000 }
  /// Sector sizes in the flash map.
  public var sectorSizes: Set<UInt32> { Set(flash?.segments.map(\.sectorSize) ?? []) }
  /// A Cube-era ROM (bcdDevice 0x0200, "DFU in FS Mode").
  public var isCubeEra: Bool { deviceRelease == 0x0200 }
  /// F105/F107's V2.0 ROM: bcdDevice 0x2000, product "STM32 0x418 DFU Bootloader" (§3.2).
  public var isF105F107: Bool { deviceRelease == 0x2000 || (product ?? "").contains("0x418") }

  /// Addresses where the sector sequence starts again (a sector smaller than
  /// the one before it): the second bank of F42x/F43x (2 MiB or 1 MiB DB1M)
  /// and dual-bank F76x, whose bank 2 repeats bank 1's sectors (RM0090 §3.3;
  /// openocd stm32f2x.c).
  public var sectorRestarts: [UInt32] {
    guard let segments = flash?.segments, segments.count > 1 else { return [] }
    return zip(segments, segments.dropFirst()).compactMap { a, b in b.sectorSize < a.sectorSize ? b.start : nil }
  }

  /// The clues in words, for `info` and the plan ("Option Bytes at 0x1FFF7800: one zone of 40 bytes").
  public var clues: [String] {
    var out: [String] = []
    if let flash {
      let sizes = sectorSizes.sorted().map { formatByteCount(UInt64($0)) }.joined(separator: ", ")
      var line = "\(flash.name): \(formatByteCount(flashBytes)) at \(hex32(flashStart)) in \(sizes) sectors"
      if !sectorRestarts.isEmpty { line += "; sector sizes restart at " + sectorRestarts.map(hex32).joined(separator: ", ") }
      out.append(line)
    } else {
      out.append("no flash memory map")
    }
    if optionZones.isEmpty {
      out.append("no Option Bytes memory map")
    } else {
      let zones = optionZones.map { "\(hex32($0.address)) (\($0.size) bytes)" }.joined(separator: ", ")
      out.append("Option Bytes: \(optionZones.count == 1 ? "one zone" : "\(optionZones.count) zones") at \(zones)")
    }
    if let otp, let first = otp.segments.first { out.append("OTP at \(hex32(first.start))") }
    let era = isCubeEra ? "Cube-era ROM" : ChipProfile.bootloaderVersion(deviceRelease).map { "DfuSe \($0) ROM" } ?? "unknown ROM"
    out.append("bcdDevice 0x\(hex16(deviceRelease)) (\(era))")
    if let product { out.append("product \"\(product)\"") }
    return out
  }
}
