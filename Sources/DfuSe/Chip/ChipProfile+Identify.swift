/// Chip identification from enumeration data only.
extension ChipProfile {
  /// Identifies the chip behind `device` from its Option Bytes alternate
  /// (address and size, stm32-dfu-facts §3.3), the flash map, bcdDevice and
  /// the product string. Unrecognised devices get a conservative generic
  /// profile (8-byte words, ECC assumed, literal polling).
  public static func identify(_ device: DFUDeviceInfo) -> ChipProfile {
    let maps = device.alternateSettings.compactMap { try? $0.memoryMap() }
    let flash = maps.first { $0.name.lowercased().contains("flash") } ?? maps.first
    let options = maps.first { $0.name.lowercased().contains("option") }
    let obStart = options?.segments.first?.start
    let obSize = options?.segments.first.map { UInt64($0.byteCount) }
    let flashBytes = flash?.segments.reduce(UInt64(0)) { $0 + $1.byteCount } ?? 0
    let version = bootloaderVersion(device.deviceRelease)
    let flashStart = flash?.segments.first?.start ?? 0x0800_0000
    let size = formatByteCount(flashBytes)

    switch obStart {
    case 0x1FFF_C000:
      let dual = (options?.segments.count ?? 0) > 1
      return ChipProfile(
        family: .f2f4, name: dual ? "STM32F42x/43x (\(size))" : "STM32F2/F4 (\(size))", bootloaderVersion: version,
        sram: 0x2000_0000...0x2001_FFFF, bankBoundaries: dual && flashBytes > 1 << 20 ? [flashStart + 0x10_0000] : [],
        errata: [.f4MassEraseTimeout, .f4PessimisticPoll],
        pollPolicy: PollPolicy(pollEarly: true, waitForExpectedDuration: false), timing: .f4)
    case 0x1FFF_0000:
      return ChipProfile(family: .f7, name: "STM32F7 (\(size))", bootloaderVersion: version,
                         sram: 0x2000_0000...0x2007_FFFF, errata: [.f4PessimisticPoll],
                         pollPolicy: PollPolicy(pollEarly: true, waitForExpectedDuration: false), timing: .f4)
    case 0x1FFF_F800:
      return ChipProfile(family: .f0f1f3, name: "STM32F0/F1/F3 (\(size))", bootloaderVersion: version,
                         sram: 0x2000_0000...0x2000_FFFF)
    case 0x1FF8_0000:
      return ChipProfile(family: .l0l1, name: "STM32L0/L1 (\(size))", bootloaderVersion: version,
                         sram: 0x2000_0000...0x2001_3FFF, errata: [.l0SmallBlocks], maxTransferSize: 128)
    case 0x1FFF_7800 where device.deviceRelease == 0x0200:
      return ChipProfile(family: .g0g4, name: "STM32G0/G4 (\(size))", bootloaderVersion: nil,
                         sram: 0x2000_0000...0x2001_FFFF,
                         bankBoundaries: (options?.segments.count ?? 0) > 1 ? [flashStart + UInt32(flashBytes / 2)] : [],
                         errata: [.g4TransferSize, .l4StallDuringErase, .emptyCheck], maxTransferSize: 1024,
                         pollPolicy: PollPolicy(pollEarly: false, waitForExpectedDuration: true), timing: .l4)
    case 0x1FFF_7800:
      let dual = (options?.segments.count ?? 0) > 1
      var errata: [Erratum] = [.l4StallDuringErase]
      if dual && flashBytes == 1 << 20 { errata.insert(.l476UnalignedWrite, at: 0) }
      return ChipProfile(
        family: .l4, name: dual ? "STM32L47x/48x/49x dual bank (\(size))" : "STM32L4 (\(size))",
        bootloaderVersion: version, sram: 0x2000_0000...0x2004_FFFF,
        bankBoundaries: dual ? [flashStart + UInt32(flashBytes / 2)] : [], errata: errata,
        pollPolicy: PollPolicy(pollEarly: false, waitForExpectedDuration: true), timing: .l4)
    case 0x5200_201C:
      let a3 = obSize == 297
      return ChipProfile(family: a3 ? .h7a3 : .h7, name: a3 ? "STM32H7A3/B3 (\(size))" : "STM32H74x/75x (\(size))",
                         bootloaderVersion: nil, sram: 0x2000_0000...0x2401_FFFF, errata: [.h7Busy])
    case 0x4002_2040:
      return ChipProfile(family: .u5, name: "STM32U5 (\(size))", bootloaderVersion: nil,
                         sram: 0x2000_0000...0x202F_FFFF, errata: [.emptyCheck])
    default:
      if flash?.segments.first?.sectorSize == 4096, device.deviceRelease == 0x0200 {
        return ChipProfile(family: .wb, name: "STM32WB (\(size))", bootloaderVersion: nil,
                           sram: 0x2000_0000...0x2003_FFFF, errata: [.emptyCheck],
                           pollPolicy: PollPolicy(pollEarly: false, waitForExpectedDuration: true), timing: .l4)
      }
      return ChipProfile(family: .unknown, name: "unrecognised DFU device (\(size) flash)", bootloaderVersion: version,
                         sram: 0x2000_0000...0x2FFF_FFFF)
    }
  }

  /// "V2.2" from bcdDevice 0x2200; nil for Cube-era 0x0200 and odd values.
  static func bootloaderVersion(_ bcd: UInt16) -> String? {
    guard bcd >= 0x1000 else { return nil }
    return "V\(bcd >> 12 & 0xF).\(bcd >> 8 & 0xF)"
  }
}

extension FlashTiming {
  /// F405/407 x32, 2.7–3.6 V, typical (DS8626 Table 40 via field-notes §4):
  /// 16 KiB 250 ms, 64 KiB 550 ms, 128 KiB 1 s; 16 µs per 32-bit word;
  /// mass erase tME x32 8 s typ (16 s max; x8 16 s/32 s, the dfu-util "up to 32 s").
  public static let f4 = FlashTiming(
    erase: [16 * 1024: .milliseconds(250), 64 * 1024: .milliseconds(550), 128 * 1024: .milliseconds(1000)],
    defaultErase: .milliseconds(1000), programPerByte: .nanoseconds(4000), massErase: .seconds(8))
  /// STM32L476 (DS10198, field-notes §4): 2 KiB page erase 22.02 ms;
  /// 81.69 µs per 64-bit double word; mass erase tME 22.1 ms typ per bank,
  /// counted as both banks one after the other (44.2 ms): whether the ROM sets
  /// MER1 and MER2 together (RM0351 §3.3.6) is not documented [U].
  public static let l4 = FlashTiming(erase: [2048: .microseconds(22_020)], defaultErase: .microseconds(22_020),
                                     programPerByte: .nanoseconds(10_212), massErase: .microseconds(44_200))
}
