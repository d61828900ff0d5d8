/// Chip identification from enumeration data only.
extension ChipProfile {
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
