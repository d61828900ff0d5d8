/// The pre-leave boot check (field-notes §1.2 item 4): the first two words
/// of the vector table at the jump address must be a plausible initial stack
/// pointer (inside SRAM, or just past its end) and reset vector (Thumb bit set,
/// inside flash — inside the written image when there is one), and neither may
/// be 0xFFFFFFFF (erased flash).
public struct VectorTableCheck: Hashable, Sendable {
  public var address: UInt32
  public var stackPointer: UInt32
  public var resetVector: UInt32
  /// Why the chip would not start, in plain words; empty when it looks bootable.
  public var problems: [String]

  public var isBootable: Bool { problems.isEmpty }

  /// Checks the 8 bytes read at `address`.
  /// - Parameters:
  ///   - flash: the flash memory map (reset vector must point into readable flash).
  ///   - image: when given, the reset vector must point into this image's bytes.
  public init(vectorTable bytes: [UInt8], at address: UInt32, chip: ChipProfile, flash: MemoryMap,
              image: FirmwareImage? = nil) {
    self.address = address
    func word(_ i: Int) -> UInt32 {
      bytes.count >= i + 4 ? UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24 : 0xFFFF_FFFF
    }
    stackPointer = word(0)
    resetVector = word(4)
    var problems: [String] = []
    if stackPointer == 0xFFFF_FFFF && resetVector == 0xFFFF_FFFF {
      problems.append("the vector table at \(hex32(address)) is erased (0xFFFFFFFF): there is no application")
    } else {
      let sramTop = UInt64(chip.sram.upperBound) + 1
      if stackPointer == 0xFFFF_FFFF || UInt64(stackPointer) < UInt64(chip.sram.lowerBound) || UInt64(stackPointer) > sramTop {
        problems.append("initial stack pointer \(hex32(stackPointer)) is not in SRAM "
                        + "(\(hex32(chip.sram.lowerBound))–\(hex32(UInt32(clamping: sramTop))))")
      }
      let target = resetVector & ~1
      if resetVector == 0xFFFF_FFFF {
        problems.append("reset vector is 0xFFFFFFFF (erased)")
      } else if resetVector & 1 == 0 {
        problems.append("reset vector \(hex32(resetVector)) lacks the Thumb bit (bit 0): a Cortex-M would fault")
      } else if let image, image.byte(at: target) == nil {
        problems.append("reset vector \(hex32(resetVector)) points outside the written image")
      } else if flash.segment(containing: target)?.access.contains(.readable) != true {
        problems.append("reset vector \(hex32(resetVector)) points outside flash")
      }
    }
    self.problems = problems
  }
}

extension DfuSeDevice {
  /// Reads the vector table at `address` and checks it.
  public func checkBootable(at address: UInt32, chip: ChipProfile, image: FirmwareImage? = nil) throws(FlashError) -> VectorTableCheck {
    let bytes = try read(at: address, count: 8, phase: .leave)
    return VectorTableCheck(vectorTable: bytes, at: address, chip: chip, flash: memoryMap, image: image)
  }
}
