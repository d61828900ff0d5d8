import Testing

@testable import DfuSe

// MARK: - Fixtures (stm32-dfu-facts §3.3, exactly as printed there)

let rw: MemoryAccess = [.readable, .writable]
let rew: MemoryAccess = .all

enum ROM {
  static let f405Flash = "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg"
  static let f405OptionBytesV21 = "@Option Bytes  /0x1FFFC000/01*016 g"
  static let f405OTPV21 = "@OTP Memory /0x1FFF7800/01*512 g,01*016 g"
  static let f405DeviceFeatureV21 = "@Device Feature/0xFFFF0000/01*004 g"
  static let f405OptionBytesV22 = "@Option Bytes  /0x1FFFC000/01*016 e"
  static let f405OTPV22 = "@OTP Memory /0x1FFF7800/01*512 e,01*016 e"
  static let f405DeviceFeatureV22 = "@Device Feature/0xFFFF0000/01*004 e"
  static let f411Flash = "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,03*128Kg"
  static let f427Flash = "@Internal Flash /0x08000000/04*016Kg,01*064Kg,07*128Kg,04*016Kg,01*064Kg,07*128Kg"
  static let f427OptionBytes = "@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEC000/01*016 e"
  static let f427OTP = "@OTP Memory /0x1FFF7800/01*512 e,01*016 e/0x1FFE7800/01*512 e,01*016 e"
  static let f722Flash = "@Internal Flash  /0x08000000/04*016Kg,01*64Kg,03*128Kg"
  static let f722OptionBytes = "@Option Bytes  /0x1FFF0000/01*048 e"
  static let f722OTP = "@OTP Memory /0x1FF07800/01*528e"
  static let f745Flash = "@Internal Flash  /0x08000000/04*032Kg,01*128Kg,03*256Kg"
  static let f303Flash = "@Internal Flash  /0x08000000/128*0002Kg"
  static let f0OptionBytes = "@Option Bytes  /0x1FFFF800/01*016 e"
  static let f107Flash = "@Internal Flash  /0x08000000/128*002Kg"
  static let f107OptionBytes = "@Option Bytes  /0x1FFFF800/01*016 g"
  static let f042Flash = "@Internal Flash  /0x08000000/032*0001Kg"
  static let f072Flash = "@Internal Flash  /0x08000000/064*0002Kg"
  static let l4Flash = "@Internal Flash  /0x08000000/0256*0002Kg"
  static let l4OptionBytes = "@Option Bytes  /0x1FFF7800/01*040 e"
  static let l4OTP = "@OTP Memory /0x1FFF7000/01*0001Ke"
  static let g431OptionBytes = "@Option Bytes   /0x1FFF7800/01*040 e"
  static let g474Flash = "@Internal Flash   /0x08000000/256*02Kg"
  static let g474OptionBytes = "@Option Bytes   /0x1FFF7800/01*048 e/0x1FFFF800/01*048 e"
  static let g474OTP = "@OTP Memory   /0x1FFF7000/01*1024 e"
  static let g0b1Flash = "@Internal Flash   /0x08000000/64*02Kg"
  static let h743Flash = "@Internal Flash   /0x08000000/16*128Kg"
  static let h743OptionBytes = "@Option Bytes   /0x5200201C/01*128 e"
  static let h7a3Flash = "@Internal Flash   /0x08000000/256*08Kg"
  static let h7a3OptionBytes = "@Option Bytes   /0x5200201C/01*297 e"
  static let h7a3OTP = "@OTP Memory   /0x08FFF000/01*1024 e"
  static let u575OptionBytes = "@Option Bytes   /0x40022040/01*64 e"
  static let u575OTP = "@OTP Memory   /0x0BFA0000/01*512 e"
  static let wb55Flash = "@Internal Flash   /0x08000000/256*04Kg"
  static let l072Flash = "@Internal Flash  /0x08000000/1536*128g"
  static let l0OptionBytes = "@Option Bytes  /0x1FF80000/01*032 e"
  static let l072Data = "@DATA Memory /0x08080000/2*3Ke"
  static let l151Flash = "@Internal Flash  /0x08000000/1024*256 g"
  static let l151Data = "@DATA Memory /0x08080000/02*004Ke"
}

/// One real ROM string with what it must parse to in outline.
struct ROMString: CustomTestStringConvertible, Sendable {
  var device: String
  var text: String
  var name: String
  var start: UInt32
  var segmentCount: Int
  var sectorCount: Int
  var byteCount: UInt64
  var access: MemoryAccess

  var testDescription: String { "\(device): \(text)" }
}

let K: UInt64 = 1024

/// Every alt0…alt3 string of every row of §3.3 (rows that say "as F407 V2.2",
/// "same" or "alt0 as V2.1" repeat a string listed once here).
let allROMStrings: [ROMString] = [
  // F405/F407 V2.1 (0x2100)
  .init(device: "F405 V2.1 alt0", text: ROM.f405Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 3, sectorCount: 12, byteCount: 1024 * K, access: rew),
  .init(device: "F405 V2.1 alt1", text: ROM.f405OptionBytesV21, name: "Option Bytes", start: 0x1FFF_C000, segmentCount: 1, sectorCount: 1, byteCount: 16, access: rew),
  .init(device: "F405 V2.1 alt2", text: ROM.f405OTPV21, name: "OTP Memory", start: 0x1FFF_7800, segmentCount: 2, sectorCount: 2, byteCount: 528, access: rew),
  .init(device: "F405 V2.1 alt3", text: ROM.f405DeviceFeatureV21, name: "Device Feature", start: 0xFFFF_0000, segmentCount: 1, sectorCount: 1, byteCount: 4, access: rw),
  // F405/F407 V2.2, F411 alt1-3
  .init(device: "F405 V2.2 alt1", text: ROM.f405OptionBytesV22, name: "Option Bytes", start: 0x1FFF_C000, segmentCount: 1, sectorCount: 1, byteCount: 16, access: rw),
  .init(device: "F405 V2.2 alt2", text: ROM.f405OTPV22, name: "OTP Memory", start: 0x1FFF_7800, segmentCount: 2, sectorCount: 2, byteCount: 528, access: rw),
  .init(device: "F405 V2.2 alt3", text: ROM.f405DeviceFeatureV22, name: "Device Feature", start: 0xFFFF_0000, segmentCount: 1, sectorCount: 1, byteCount: 4, access: rw),
  // F411
  .init(device: "F411 alt0", text: ROM.f411Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 3, sectorCount: 8, byteCount: 512 * K, access: rew),
  // F427/F429
  .init(device: "F427 alt0", text: ROM.f427Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 6, sectorCount: 24, byteCount: 2048 * K, access: rew),
  .init(device: "F427 alt1", text: ROM.f427OptionBytes, name: "Option Bytes", start: 0x1FFF_C000, segmentCount: 2, sectorCount: 2, byteCount: 32, access: rw),
  .init(device: "F427 alt2", text: ROM.f427OTP, name: "OTP Memory", start: 0x1FFF_7800, segmentCount: 4, sectorCount: 4, byteCount: 1056, access: rw),
  // F722/F723
  .init(device: "F722 alt0", text: ROM.f722Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 3, sectorCount: 8, byteCount: 512 * K, access: rew),
  .init(device: "F722 alt1", text: ROM.f722OptionBytes, name: "Option Bytes", start: 0x1FFF_0000, segmentCount: 1, sectorCount: 1, byteCount: 48, access: rw),
  .init(device: "F722 alt2", text: ROM.f722OTP, name: "OTP Memory", start: 0x1FF0_7800, segmentCount: 1, sectorCount: 1, byteCount: 528, access: rw),
  .init(device: "F722 alt3", text: ROM.f405DeviceFeatureV22, name: "Device Feature", start: 0xFFFF_0000, segmentCount: 1, sectorCount: 1, byteCount: 4, access: rw),
  // F745/F746
  .init(device: "F745 alt0", text: ROM.f745Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 3, sectorCount: 8, byteCount: 1024 * K, access: rew),
  // F303xC
  .init(device: "F303 alt0", text: ROM.f303Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 128, byteCount: 256 * K, access: rew),
  .init(device: "F303/F042/F072 alt1", text: ROM.f0OptionBytes, name: "Option Bytes", start: 0x1FFF_F800, segmentCount: 1, sectorCount: 1, byteCount: 16, access: rw),
  // F105/F107 V2.0
  .init(device: "F107 alt0", text: ROM.f107Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 128, byteCount: 256 * K, access: rew),
  .init(device: "F107 alt1", text: ROM.f107OptionBytes, name: "Option Bytes", start: 0x1FFF_F800, segmentCount: 1, sectorCount: 1, byteCount: 16, access: rew),
  // F042, F072
  .init(device: "F042 alt0", text: ROM.f042Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 32, byteCount: 32 * K, access: rew),
  .init(device: "F072 alt0", text: ROM.f072Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 64, byteCount: 128 * K, access: rew),
  // L4 single-bank 512 K
  .init(device: "L4 alt0", text: ROM.l4Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 256, byteCount: 512 * K, access: rew),
  .init(device: "L4 alt1", text: ROM.l4OptionBytes, name: "Option Bytes", start: 0x1FFF_7800, segmentCount: 1, sectorCount: 1, byteCount: 40, access: rw),
  .init(device: "L4 alt2", text: ROM.l4OTP, name: "OTP Memory", start: 0x1FFF_7000, segmentCount: 1, sectorCount: 1, byteCount: 1024, access: rw),
  .init(device: "L4 alt3", text: ROM.f405DeviceFeatureV22, name: "Device Feature", start: 0xFFFF_0000, segmentCount: 1, sectorCount: 1, byteCount: 4, access: rw),
  // G431
  .init(device: "G431 alt1", text: ROM.g431OptionBytes, name: "Option Bytes", start: 0x1FFF_7800, segmentCount: 1, sectorCount: 1, byteCount: 40, access: rw),
  // G474
  .init(device: "G474 alt0", text: ROM.g474Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 256, byteCount: 512 * K, access: rew),
  .init(device: "G474 alt1", text: ROM.g474OptionBytes, name: "Option Bytes", start: 0x1FFF_7800, segmentCount: 2, sectorCount: 2, byteCount: 96, access: rw),
  .init(device: "G474 alt2", text: ROM.g474OTP, name: "OTP Memory", start: 0x1FFF_7000, segmentCount: 1, sectorCount: 1, byteCount: 1024, access: rw),
  // G0B1
  .init(device: "G0B1 alt0", text: ROM.g0b1Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 64, byteCount: 128 * K, access: rew),
  // H743/H753, H750
  .init(device: "H743 alt0", text: ROM.h743Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 16, byteCount: 2048 * K, access: rew),
  .init(device: "H743 alt1", text: ROM.h743OptionBytes, name: "Option Bytes", start: 0x5200_201C, segmentCount: 1, sectorCount: 1, byteCount: 128, access: rw),
  // H7A3/H7B3
  .init(device: "H7A3 alt0", text: ROM.h7a3Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 256, byteCount: 2048 * K, access: rew),
  .init(device: "H7A3 alt1", text: ROM.h7a3OptionBytes, name: "Option Bytes", start: 0x5200_201C, segmentCount: 1, sectorCount: 1, byteCount: 297, access: rw),
  .init(device: "H7A3 alt2", text: ROM.h7a3OTP, name: "OTP Memory", start: 0x08FF_F000, segmentCount: 1, sectorCount: 1, byteCount: 1024, access: rw),
  // U575/U585 (alt0 as H7A3)
  .init(device: "U575 alt1", text: ROM.u575OptionBytes, name: "Option Bytes", start: 0x4002_2040, segmentCount: 1, sectorCount: 1, byteCount: 64, access: rw),
  .init(device: "U575 alt2", text: ROM.u575OTP, name: "OTP Memory", start: 0x0BFA_0000, segmentCount: 1, sectorCount: 1, byteCount: 512, access: rw),
  // WB55
  .init(device: "WB55 alt0", text: ROM.wb55Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 256, byteCount: 1024 * K, access: rew),
  // L072/L073
  .init(device: "L072 alt0", text: ROM.l072Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 1536, byteCount: 192 * K, access: rew),
  .init(device: "L072/L151 alt1", text: ROM.l0OptionBytes, name: "Option Bytes", start: 0x1FF8_0000, segmentCount: 1, sectorCount: 1, byteCount: 32, access: rw),
  .init(device: "L072 alt2", text: ROM.l072Data, name: "DATA Memory", start: 0x0808_0000, segmentCount: 1, sectorCount: 2, byteCount: 6 * K, access: rw),
  // L151/152
  .init(device: "L151 alt0", text: ROM.l151Flash, name: "Internal Flash", start: 0x0800_0000, segmentCount: 1, sectorCount: 1024, byteCount: 256 * K, access: rew),
  .init(device: "L151 alt2", text: ROM.l151Data, name: "DATA Memory", start: 0x0808_0000, segmentCount: 1, sectorCount: 2, byteCount: 8 * K, access: rw),
]

func parse(_ text: String) throws -> MemoryMap { try MemoryMap(parsing: text) }

func seg(_ start: UInt32, _ size: UInt32, _ count: Int, _ access: MemoryAccess) -> MemorySegment {
  MemorySegment(start: start, sectorSize: size, sectorCount: count, access: access)
}

func sec(_ address: UInt32, _ size: UInt32, _ access: MemoryAccess = .all) -> MemorySector {
  MemorySector(address: address, size: size, access: access)
}

func parseError(_ text: String) -> MemoryMapError? {
  do {
    _ = try MemoryMap(parsing: text)
    return nil
  } catch {
    return error
  }
}

