/// Where a chip boots after reset, predicted from its option bytes and an
/// assumed BOOT0 pin level (AN2606 boot modes; stm32-dfu-facts §5.1–§5.9).
public struct BootPrediction: Hashable, Sendable {
  public let target: BootTarget
  public let boot0Pin: Bool
  /// Why, one step per line.
  public let reasons: [String]
  /// True when some BOOT0 pin level starts the ROM bootloader.
  public let bootloaderReachable: Bool
  public let warnings: [String]

  /// A one-line summary: "BOOT0=0 → main flash bank 1".
  public var summary: String { "BOOT0=\(boot0Pin ? 1 : 0) → \(target)" }

  /// Predicts the boot for `boot0Pin`, and whether the ROM bootloader (and so
  /// DFU) can still be reached with the other pin level.
  public static func predict(_ ob: OptionBytes, boot0Pin: Bool) -> BootPrediction {
    let (target, reasons) = route(ob, boot0Pin: boot0Pin)
    let other = route(ob, boot0Pin: !boot0Pin).0
    var reachable = target == .systemMemory || other == .systemMemory
    var warnings: [String] = []
    if ob.readProtection == .level2 {
      reachable = false
      warnings.append("RDP level 2: the ROM bootloader is disabled for good; DFU will never come back")
    } else if !reachable {
      var w = "the ROM bootloader is UNREACHABLE with these option bytes: no BOOT0 pin level selects it"
      if [.g0, .g4, .wb, .f0f3, .l4, .l4Undecided].contains(ob.family) {
        w += " (only the empty-flash check of some parts would still enter it)"
      }
      warnings.append(w + ". Recovery then needs SWD (a debugger)")
    }
    if target == .romDualBankBoot {
      warnings.append("BFB2 is set: the ROM bootloader runs first and jumps to a valid bank 2, else bank 1; "
                      + "with neither valid it stays in the bootloader")
    }
    return BootPrediction(target: target, boot0Pin: boot0Pin, reasons: reasons, bootloaderReachable: reachable,
                          warnings: warnings)
  }

  static func route(_ ob: OptionBytes, boot0Pin: Bool) -> (BootTarget, [String]) {
    func v(_ name: String) -> UInt32? { ob.value(of: name) }
    var reasons: [String] = []
    switch ob.family {
    case .f7, .h7:
      let name = boot0Pin ? "BOOT_ADD1" : "BOOT_ADD0"
      guard let field = ob.layout.field(named: name), let value = ob.value(of: field),
            case .bootAddress(let shift) = field.kind else { return (.unknown, ["\(name) not readable"]) }
      let address = value << UInt32(shift)
      reasons.append("BOOT0 pin \(boot0Pin ? 1 : 0) selects \(name) = \(hex32(address))")
      return (BootTarget(address: address) ?? .address(address), reasons)
    case .f1:
      reasons.append("BOOT0 pin \(boot0Pin ? 1 : 0) (BOOT1 pin assumed low)")
      return (boot0Pin ? .systemMemory : .mainFlash(bank: 1), reasons)
    default:
      break
    }
    // Effective BOOT0: the pin, or an option bit replacing it.
    var boot0 = boot0Pin
    switch ob.family {
    case .f0f3:
      if v("BOOT_SEL") == 0, let n = v("nBOOT0") {
        boot0 = n == 0
        reasons.append("BOOT_SEL=0: the nBOOT0 option bit (\(n)) replaces the BOOT0 pin")
      } else {
        reasons.append("BOOT0 pin \(boot0Pin ? 1 : 0)")
      }
    case .g0:
      if v("nBOOT_SEL") == 1, let n = v("nBOOT0") {
        boot0 = n == 0
        reasons.append("nBOOT_SEL=1: the BOOT0 pin is ignored; nBOOT0=\(n) decides")
      } else {
        reasons.append("BOOT0 pin \(boot0Pin ? 1 : 0)")
      }
    case .l4, .l47x, .l49x, .l4DualBank, .l4Undecided, .l4Plus, .g4, .wb:
      if v("nSWBOOT0") == 0, let n = v("nBOOT0") {
        boot0 = n == 0
        reasons.append("nSWBOOT0=0: the BOOT0 pin is ignored; nBOOT0=\(n) decides")
      } else {
        reasons.append("BOOT0 pin \(boot0Pin ? 1 : 0)")
      }
    default:
      reasons.append("BOOT0 pin \(boot0Pin ? 1 : 0)")
    }
    if boot0 {
      if let n1 = v("nBOOT1") {
        reasons.append("nBOOT1=\(n1): \(n1 == 1 ? "system memory" : "SRAM")")
        return (n1 == 1 ? .systemMemory : .sram, reasons)
      }
      reasons.append("BOOT1 pin assumed low")
      return (.systemMemory, reasons)
    }
    if v("BFB2") == 1 {
      reasons.append("BFB2=1: boot goes through the ROM bootloader's dual-bank check")
      return (.romDualBankBoot, reasons)
    }
    if v("SWAP_BANK_OPT") == 1 || v("nSWAP_BANK") == 0 {
      reasons.append("bank swap set: bank 2 is mapped at the flash base")
      return (.mainFlash(bank: 2), reasons)
    }
    return (.mainFlash(bank: 1), reasons)
  }
}

/// A boot destination.
public enum BootTarget: Hashable, Sendable, CustomStringConvertible {
  case mainFlash(bank: Int)
  /// System memory: the ROM bootloader (DFU).
  case systemMemory
  case sram
  /// BFB2: the ROM bootloader checks bank 2, then bank 1, and jumps.
  case romDualBankBoot
  case address(UInt32)
  case unknown

  /// Classifies an F7/H7 boot address (RM0385 boot table; AN2606): 0x00100000
  /// (F7) and 0x1FF00000 (H7) are the ROM, 0x00200000/0x08000000 flash.
  public init?(address: UInt32) {
    switch address {
    case 0x0010_0000, 0x1FF0_0000, 0x1FF0_9800: self = .systemMemory
    case 0x0020_0000...0x003F_FFFF, 0x0800_0000...0x081F_FFFF: self = .mainFlash(bank: 1)
    case 0x0000_0000...0x0000_FFFF, 0x2000_0000...0x2407_FFFF: self = .sram
    default: return nil
    }
  }

  public var description: String {
    switch self {
    case .mainFlash(let bank): return "main flash bank \(bank)"
    case .systemMemory: return "system memory (ROM bootloader, DFU)"
    case .sram: return "SRAM"
    case .romDualBankBoot: return "ROM dual-bank boot (bank 2 if valid, else bank 1)"
    case .address(let a): return "address \(hex32(a))"
    case .unknown: return "unknown"
    }
  }
}
