import Testing

@testable import DfuSe

// MARK: - Fixtures (stm32-dfu-facts §3.3, exactly as printed there)

private let rw: MemoryAccess = [.readable, .writable]
private let rew: MemoryAccess = .all

private enum ROM {
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

private let K: UInt64 = 1024

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

private func parse(_ text: String) throws -> MemoryMap { try MemoryMap(parsing: text) }

private func seg(_ start: UInt32, _ size: UInt32, _ count: Int, _ access: MemoryAccess) -> MemorySegment {
  MemorySegment(start: start, sectorSize: size, sectorCount: count, access: access)
}

private func sec(_ address: UInt32, _ size: UInt32, _ access: MemoryAccess = .all) -> MemorySector {
  MemorySector(address: address, size: size, access: access)
}

private func parseError(_ text: String) -> MemoryMapError? {
  do {
    _ = try MemoryMap(parsing: text)
    return nil
  } catch {
    return error
  }
}

// MARK: - Every real ROM string parses

@Suite("MemoryMap: real ROM strings")
struct MemoryMapROMStringTests {
  @Test("§3.3 contains 42 distinct strings and every one is listed")
  func coverage() {
    #expect(Set(allROMStrings.map(\.text)).count == 42)
  }

  @Test("parses", arguments: allROMStrings)
  func parses(_ rom: ROMString) throws {
    let map = try parse(rom.text)
    #expect(map.name == rom.name)
    #expect(map.segments.first?.start == rom.start)
    #expect(map.segments.count == rom.segmentCount)
    #expect(map.sectors.count == rom.sectorCount)
    #expect(map.segments.reduce(0) { $0 + $1.byteCount } == rom.byteCount)
    #expect(map.segments.allSatisfy { $0.access == rom.access })
  }

  @Test("tolerates the NUL and CR/LF some string descriptors end with", arguments: ["\0", "\0\0", "\r\n", "  "])
  func trailingPadding(_ tail: String) throws {
    let map = try parse(ROM.f405OptionBytesV22 + tail)
    #expect(map == MemoryMap(name: "Option Bytes", segments: [seg(0x1FFF_C000, 16, 1, rw)]))
  }

  @Test func f405InternalFlash() throws {
    let map = try parse(ROM.f405Flash)
    #expect(map.name == "Internal Flash")
    #expect(map.segments == [
      seg(0x0800_0000, 16 * 1024, 4, rew),
      seg(0x0801_0000, 64 * 1024, 1, rew),
      seg(0x0802_0000, 128 * 1024, 7, rew),
    ])
    #expect(map.segments.last?.end == 0x0810_0000)
  }

  @Test func f405V21OptionBytesKeepsG() throws {
    // Only "Device Feature" is forced to read/write; V2.1 option bytes really are `g`.
    #expect(try parse(ROM.f405OptionBytesV21) == MemoryMap(name: "Option Bytes", segments: [seg(0x1FFF_C000, 16, 1, rew)]))
  }

  @Test func f405V21OTP() throws {
    #expect(try parse(ROM.f405OTPV21) == MemoryMap(name: "OTP Memory", segments: [
      seg(0x1FFF_7800, 512, 1, rew),
      seg(0x1FFF_7A00, 16, 1, rew),
    ]))
  }

  @Test func f405V21DeviceFeatureIsForcedToReadWrite() throws {
    let map = try parse(ROM.f405DeviceFeatureV21)
    #expect(map == MemoryMap(name: "Device Feature", segments: [seg(0xFFFF_0000, 4, 1, rw)]))
    #expect(map.segments[0].access.letter == "e")
    #expect(!map.segments[0].access.contains(.erasable))
  }

  @Test func f405V22Alternates() throws {
    #expect(try parse(ROM.f405OptionBytesV22) == MemoryMap(name: "Option Bytes", segments: [seg(0x1FFF_C000, 16, 1, rw)]))
    #expect(try parse(ROM.f405OTPV22) == MemoryMap(name: "OTP Memory", segments: [
      seg(0x1FFF_7800, 512, 1, rw),
      seg(0x1FFF_7A00, 16, 1, rw),
    ]))
    #expect(try parse(ROM.f405DeviceFeatureV22) == MemoryMap(name: "Device Feature", segments: [seg(0xFFFF_0000, 4, 1, rw)]))
  }

  @Test func f427TwoBankFlash() throws {
    let map = try parse(ROM.f427Flash)
    #expect(map.name == "Internal Flash")
    #expect(map.segments == [
      seg(0x0800_0000, 16 * 1024, 4, rew),
      seg(0x0801_0000, 64 * 1024, 1, rew),
      seg(0x0802_0000, 128 * 1024, 7, rew),
      seg(0x0810_0000, 16 * 1024, 4, rew),
      seg(0x0811_0000, 64 * 1024, 1, rew),
      seg(0x0812_0000, 128 * 1024, 7, rew),
    ])
    #expect(map.sectors.count == 24)
    #expect(map.sectors[12] == sec(0x0810_0000, 16 * 1024))
    #expect(map.sectors.last == sec(0x081E_0000, 128 * 1024))
  }

  @Test func f427MultiZoneOptionBytesAndOTP() throws {
    #expect(try parse(ROM.f427OptionBytes) == MemoryMap(name: "Option Bytes", segments: [
      seg(0x1FFF_C000, 16, 1, rw),
      seg(0x1FFE_C000, 16, 1, rw),
    ]))
    #expect(try parse(ROM.f427OTP) == MemoryMap(name: "OTP Memory", segments: [
      seg(0x1FFF_7800, 512, 1, rw),
      seg(0x1FFF_7A00, 16, 1, rw),
      seg(0x1FFE_7800, 512, 1, rw),
      seg(0x1FFE_7A00, 16, 1, rw),
    ]))
  }

  @Test func l072ByteSizedPagesWithTypeRightAfterSize() throws {
    #expect(try parse(ROM.l072Flash) == MemoryMap(name: "Internal Flash", segments: [seg(0x0800_0000, 128, 1536, rew)]))
    #expect(try parse(ROM.l072Data) == MemoryMap(name: "DATA Memory", segments: [seg(0x0808_0000, 3 * 1024, 2, rw)]))
    #expect(try parse(ROM.l0OptionBytes) == MemoryMap(name: "Option Bytes", segments: [seg(0x1FF8_0000, 32, 1, rw)]))
  }

  @Test func l151SpaceMultiplier() throws {
    #expect(try parse(ROM.l151Flash) == MemoryMap(name: "Internal Flash", segments: [seg(0x0800_0000, 256, 1024, rew)]))
    #expect(try parse(ROM.l151Data) == MemoryMap(name: "DATA Memory", segments: [seg(0x0808_0000, 4 * 1024, 2, rw)]))
  }

  @Test func h7a3ThreeSpacePadding() throws {
    #expect(try parse(ROM.h7a3Flash) == MemoryMap(name: "Internal Flash", segments: [seg(0x0800_0000, 8 * 1024, 256, rew)]))
    #expect(try parse(ROM.h7a3OptionBytes) == MemoryMap(name: "Option Bytes", segments: [seg(0x5200_201C, 297, 1, rw)]))
    #expect(try parse(ROM.h7a3OTP) == MemoryMap(name: "OTP Memory", segments: [seg(0x08FF_F000, 1024, 1, rw)]))
  }

  @Test func g474MultiZoneOptionBytes() throws {
    #expect(try parse(ROM.g474Flash) == MemoryMap(name: "Internal Flash", segments: [seg(0x0800_0000, 2 * 1024, 256, rew)]))
    #expect(try parse(ROM.g474OptionBytes) == MemoryMap(name: "Option Bytes", segments: [
      seg(0x1FFF_7800, 48, 1, rw),
      seg(0x1FFF_F800, 48, 1, rw),
    ]))
    #expect(try parse(ROM.g474OTP) == MemoryMap(name: "OTP Memory", segments: [seg(0x1FFF_7000, 1024, 1, rw)]))
  }

  @Test func f722() throws {
    #expect(try parse(ROM.f722OTP) == MemoryMap(name: "OTP Memory", segments: [seg(0x1FF0_7800, 528, 1, rw)]))
    #expect(try parse(ROM.f722OptionBytes) == MemoryMap(name: "Option Bytes", segments: [seg(0x1FFF_0000, 48, 1, rw)]))
    // `01*64Kg` (two digits) must mean the same as F411's `01*064Kg`.
    #expect(try parse(ROM.f722Flash).segments == parse(ROM.f411Flash).segments)
    #expect(try parse(ROM.f722Flash).segments[1] == seg(0x0801_0000, 64 * 1024, 1, rew))
  }

  @Test func l4LeadingZerosAndKiBOTP() throws {
    #expect(try parse(ROM.l4Flash) == MemoryMap(name: "Internal Flash", segments: [seg(0x0800_0000, 2 * 1024, 256, rew)]))
    #expect(try parse(ROM.l4OTP) == MemoryMap(name: "OTP Memory", segments: [seg(0x1FFF_7000, 1024, 1, rw)]))
  }
}

// MARK: - Grammar corners beyond the ROM table

@Suite("MemoryMap: grammar")
struct MemoryMapGrammarTests {
  @Test("multipliers", arguments: [
    ("@X/0x20000000/01*016Be", UInt32(16)),
    ("@X/0x20000000/01*016 e", 16),
    ("@X/0x20000000/01*016e", 16),
    ("@X/0x20000000/01*016Ke", 16 * 1024),
    ("@X/0x20000000/01*001Me", 1024 * 1024),
  ] as [(String, UInt32)])
  func multipliers(_ text: String, _ size: UInt32) throws {
    #expect(try parse(text).segments == [seg(0x2000_0000, size, 1, rw)])
  }

  @Test("type letters a–g and their uppercase codes", arguments: Array(0..<7))
  func typeLetters(_ index: Int) throws {
    let bits = UInt8(index + 1)
    let lower = Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(index)))
    let upper = Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8(index)))
    #expect(try parse("@X/0x20000000/01*016K\(lower)").segments[0].access.rawValue == bits)
    #expect(try parse("@X/0x20000000/01*016K\(upper)").segments[0].access.rawValue == bits)
    #expect(MemoryAccess(rawValue: bits).letter == lower)
  }

  @Test func accessDescriptions() {
    #expect(MemoryAccess.all.description == "rew")
    #expect(MemoryAccess([.readable, .writable]).description == "r-w")
    #expect(MemoryAccess.readable.description == "r--")
    #expect(MemoryAccess([]).description == "---")
    #expect(MemoryAccess.all.letter == "g")
    #expect(MemoryAccess([.readable, .writable]).letter == "e")
  }

  @Test func addressMayBeUppercaseOrShort() throws {
    #expect(try parse("@X/0X1fffc000/01*016 e").segments[0].start == 0x1FFF_C000)
    #expect(try parse("@X/0x0/01*016 e").segments[0].start == 0)
  }

  @Test func zoneEndingExactlyAtTopOfAddressSpace() throws {
    let map = try parse("@Top/0xFFFF0000/01*64Kg")
    #expect(map.segments == [seg(0xFFFF_0000, 64 * 1024, 1, rew)])
    #expect(map.segments[0].end == 1 << 32)
    #expect(map.sector(containing: 0xFFFF_FFFF) == sec(0xFFFF_0000, 64 * 1024))
    #expect(map.summary == ["0xFFFF0000–0xFFFFFFFF  1 × 64 KiB  rew"])
  }

  @Test func summaryLines() throws {
    #expect(try parse(ROM.f405Flash).summary == [
      "0x08000000–0x0800FFFF  4 × 16 KiB  rew",
      "0x08010000–0x0801FFFF  1 × 64 KiB  rew",
      "0x08020000–0x080FFFFF  7 × 128 KiB  rew",
    ])
    #expect(try parse(ROM.f722OTP).summary == ["0x1FF07800–0x1FF07A0F  1 × 528 B  r-w"])
  }
}

// MARK: - Typed errors

@Suite("MemoryMap: errors")
struct MemoryMapErrorTests {
  @Test("not a memory map", arguments: [
    "",
    "Internal Flash  /0x08000000/04*016Kg",
    " @Internal Flash  /0x08000000/04*016Kg",
    "@Internal Flash",
    "@Internal Flash  /",
    "@",
  ])
  func notAMemoryMap(_ text: String) {
    #expect(parseError(text) == .notAMemoryMap(text: text))
  }

  @Test("no address before the sectors")
  func noAddress() {
    // The first item after the name must be an address; the sector list sits there.
    #expect(parseError("@Internal Flash  /04*016Kg,01*064Kg") == .badAddress(text: "04*016Kg,01*064Kg"))
    #expect(parseError("@Internal Flash  /08000000/04*016Kg") == .badAddress(text: "08000000"))
  }

  @Test("bad hex address", arguments: [
    "0x0800G000", "0x", "0x080000000", "0x-1", "0x+8000000", "0x 8000000", "0x0800_0000",
  ])
  func badHex(_ address: String) {
    #expect(parseError("@Internal Flash  /\(address)/04*016Kg") == .badAddress(text: address))
  }

  @Test("bad address in the second zone is named")
  func badSecondZoneAddress() {
    #expect(parseError("@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEZ000/01*016 e") == .badAddress(text: "0x1FFEZ000"))
  }

  /// The sector item the parser must reject, and a word its reason must contain.
  @Test("bad sector description", arguments: [
    ("04016Kg", "'*'"),            // missing '*'
    ("04*Kg", "size"),             // missing size
    ("*016Kg", "count"),           // missing count
    ("04*016Kz", "'z'"),           // bad type letter
    ("04*016K", "type letter"),    // no type letter
    ("04*016", "type letter"),     // no multiplier, no type
    ("00*016Kg", "zero"),          // zero count
    ("04*000Kg", "zero"),          // zero size
    ("04*016Kgx", "\"x\""),        // trailing junk
    ("04*016Kg 7", "\"7\""),       // trailing junk after a space
    ("04*016KKg", "'K'"),          // doubled multiplier
  ] as [(String, String)])
  func badSectors(_ item: String, _ reasonWord: String) {
    let error = parseError("@Internal Flash  /0x08000000/\(item)")
    guard case .badSectors(let text, let reason) = error else {
      Issue.record("expected .badSectors for \(item), got \(String(describing: error))")
      return
    }
    #expect(text == item)
    #expect(reason.contains(reasonWord), "reason: \(reason)")
    #expect(error?.description.contains(item) == true)
  }

  @Test("the offending item is named, not the whole list")
  func badSectorsInList() {
    let error = parseError("@Internal Flash  /0x08000000/04*016Kg,01*064Kq,07*128Kg")
    guard case .badSectors(let text, _) = error else {
      Issue.record("expected .badSectors, got \(String(describing: error))")
      return
    }
    #expect(text == "01*064Kq")
  }

  @Test("empty list item")
  func emptyItem() {
    guard case .badSectors(let text, _) = parseError("@Internal Flash  /0x08000000/04*016Kg,,07*128Kg") else {
      Issue.record("expected .badSectors")
      return
    }
    #expect(text == "")
  }

  @Test("zone running past 0xFFFFFFFF", arguments: [
    ("@X/0xFFFF0000/02*64Kg", "02*64Kg"),
    ("@X/0xFFFFFFFF/01*002 e", "01*002 e"),
    ("@X/0x08000000/999999999*999999999Mg", "999999999*999999999Mg"),
    ("@X/0x00000000/01*4097Mg", "01*4097Mg"),
    ("@X/0x00000000/03*2048Mg", "03*2048Mg"),
    // The first item ends exactly at 4 GiB; the next one starts beyond it.
    ("@X/0xFFFF0000/01*64Kg,01*4Kg", "01*4Kg"),
    ("@X/0xFFFF0000/01*64Kg,01*001 g", "01*001 g"),
  ] as [(String, String)])
  func overflow(_ text: String, _ item: String) {
    let error = parseError(text)
    guard case .addressOverflow(let named) = error else {
      Issue.record("expected .addressOverflow for \(text), got \(String(describing: error))")
      return
    }
    #expect(named.contains(item))
  }

  @Test("empty zone", arguments: [
    ("@Option Bytes  /0x1FFFC000/", "0x1FFFC000"),
    ("@Option Bytes  /0x1FFFC000/   ", "0x1FFFC000"),
    ("@Option Bytes  /0x1FFFC000", "0x1FFFC000"),
    ("@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEC000/", "0x1FFEC000"),
    ("@Option Bytes  /0x1FFFC000/01*016 e/0x1FFEC000", "0x1FFEC000"),
    ("@Option Bytes  /0x1FFFC000//0x1FFEC000/01*016 e", "0x1FFFC000"),
  ] as [(String, String)])
  func emptyZone(_ text: String, _ address: String) {
    #expect(parseError(text) == .emptyZone(address: address))
  }

  @Test func descriptionsNameTheText() {
    #expect(MemoryMapError.badAddress(text: "0x0800G000").description.contains("0x0800G000"))
    #expect(MemoryMapError.emptyZone(address: "0x1FFFC000").description.contains("0x1FFFC000"))
    #expect(MemoryMapError.notAMemoryMap(text: "Flash").description.contains("\"Flash\""))
    #expect(MemoryMapError.addressOverflow(text: "0xFFFF0000/02*64Kg").description.contains("0xFFFF0000/02*64Kg"))
  }
}

// MARK: - Queries

@Suite("MemoryMap: queries")
struct MemoryMapQueryTests {
  let f405 = try! MemoryMap(parsing: ROM.f405Flash)
  let f427 = try! MemoryMap(parsing: ROM.f427Flash)

  @Test("sector(containing:) on F405", arguments: [
    (UInt32(0x0800_0000), UInt32(0x0800_0000), UInt32(16 * 1024)),
    (0x0800_3FFF, 0x0800_0000, 16 * 1024),  // last byte of sector 0
    (0x0800_4000, 0x0800_4000, 16 * 1024),
    (0x0800_FFFF, 0x0800_C000, 16 * 1024),  // last byte of the 16 K segment
    (0x0801_0000, 0x0801_0000, 64 * 1024),
    (0x0801_FFFF, 0x0801_0000, 64 * 1024),
    (0x0802_0000, 0x0802_0000, 128 * 1024),
    (0x0803_FFFF, 0x0802_0000, 128 * 1024),
    (0x0804_0000, 0x0804_0000, 128 * 1024),
    (0x080F_FFFF, 0x080E_0000, 128 * 1024),  // last byte of flash
  ] as [(UInt32, UInt32, UInt32)])
  func sectorContainingF405(_ address: UInt32, _ sectorStart: UInt32, _ size: UInt32) {
    #expect(f405.sector(containing: address) == sec(sectorStart, size))
  }

  @Test func outsideF405() {
    #expect(f405.sector(containing: 0x0810_0000) == nil)
    #expect(f405.sector(containing: 0x07FF_FFFF) == nil)
    #expect(f405.sector(containing: 0) == nil)
    #expect(f405.sector(containing: .max) == nil)
    #expect(f405.segment(containing: 0x0810_0000) == nil)
    #expect(f405.segment(containing: 0x07FF_FFFF) == nil)
  }

  @Test func segmentContainingF405() {
    #expect(f405.segment(containing: 0x0800_0000) == seg(0x0800_0000, 16 * 1024, 4, rew))
    #expect(f405.segment(containing: 0x0800_FFFF) == seg(0x0800_0000, 16 * 1024, 4, rew))
    #expect(f405.segment(containing: 0x0801_0000) == seg(0x0801_0000, 64 * 1024, 1, rew))
    #expect(f405.segment(containing: 0x0801_FFFF) == seg(0x0801_0000, 64 * 1024, 1, rew))
    #expect(f405.segment(containing: 0x0802_0000) == seg(0x0802_0000, 128 * 1024, 7, rew))
    #expect(f405.segment(containing: 0x080F_FFFF) == seg(0x0802_0000, 128 * 1024, 7, rew))
  }

  @Test func f427BankBoundary() {
    #expect(f427.sector(containing: 0x080F_FFFF) == sec(0x080E_0000, 128 * 1024))
    #expect(f427.sector(containing: 0x0810_0000) == sec(0x0810_0000, 16 * 1024))
    #expect(f427.sector(containing: 0x0811_0000) == sec(0x0811_0000, 64 * 1024))
    #expect(f427.sector(containing: 0x081F_FFFF) == sec(0x081E_0000, 128 * 1024))
    #expect(f427.sector(containing: 0x0820_0000) == nil)
    #expect(f427.segment(containing: 0x0810_3FFF) == seg(0x0810_0000, 16 * 1024, 4, rew))
  }

  @Test("sectors(overlapping:count:) on F405", arguments: [
    // (start, count, expected sector starts)
    (UInt32(0x0800_0000), UInt64(1), [UInt32(0x0800_0000)]),
    (0x0800_0000, 0x4000, [0x0800_0000]),  // ends exactly at a sector end
    (0x0800_0000, 0x4001, [0x0800_0000, 0x0800_4000]),
    (0x0800_3FFF, 1, [0x0800_0000]),  // last byte of a sector
    (0x0800_3FFF, 2, [0x0800_0000, 0x0800_4000]),
    (0x0800_4000, 0xC000, [0x0800_4000, 0x0800_8000, 0x0800_C000]),  // to the segment end
    // crosses both segment boundaries
    (0x0800_C000, 0x4000 + 0x1_0000 + 1, [0x0800_C000, 0x0801_0000, 0x0802_0000]),
    (0x0800_FFFF, 2, [0x0800_C000, 0x0801_0000]),
    (0x0801_FFFF, 1, [0x0801_0000]),
    (0x080E_0000, 0x4_0000, [0x080E_0000]),  // runs past the end
    (0x080F_FFFF, 0x1000, [0x080E_0000]),
    (0x07FF_F000, 0x2000, [0x0800_0000]),  // starts before the map
    (0x0810_0000, 16, []),  // entirely past the end
    (0x07FF_0000, 0x1_0000, []),  // entirely before, ending exactly at the start
    (0x0800_4000, 0, []),  // empty range at a sector start
    (0x0800_5000, 0, []),  // empty range inside a sector
    (0x0800_0000, 0, []),
  ] as [(UInt32, UInt64, [UInt32])])
  func overlappingF405(_ start: UInt32, _ count: UInt64, _ expected: [UInt32]) {
    #expect(f405.sectors(overlapping: start, count: count).map(\.address) == expected)
  }

  @Test func overlappingReturnsSizesAndAccess() {
    #expect(f405.sectors(overlapping: 0x0800_FFFF, count: 0x1_0002) == [
      sec(0x0800_C000, 16 * 1024), sec(0x0801_0000, 64 * 1024), sec(0x0802_0000, 128 * 1024),
    ])
  }

  @Test func overlappingWholeFlashIsEverySector() {
    #expect(f405.sectors(overlapping: 0x0800_0000, count: 0x10_0000) == f405.sectors)
    #expect(f405.sectors.count == 12)
    #expect(f427.sectors(overlapping: 0x0800_0000, count: 0x20_0000) == f427.sectors)
    #expect(f427.sectors(overlapping: 0, count: 1 << 32) == f427.sectors)
  }

  @Test func overlappingHugeCountDoesNotTrap() {
    #expect(f405.sectors(overlapping: 0x080E_0000, count: .max).map(\.address) == [0x080E_0000])
    #expect(f405.firstUncoveredAddress(from: 0x080E_0000, count: .max, requiring: []) == 0x0810_0000)
  }

  @Test func f427OverlappingAcrossBanks() {
    #expect(f427.sectors(overlapping: 0x080F_F000, count: 0x2000) == [
      sec(0x080E_0000, 128 * 1024), sec(0x0810_0000, 16 * 1024),
    ])
    #expect(f427.sectors(overlapping: 0x080F_FFFF, count: 0x1_0002).map(\.address) == [
      0x080E_0000, 0x0810_0000, 0x0810_4000, 0x0810_8000, 0x0810_C000, 0x0811_0000,
    ])
    #expect(f427.sectors(overlapping: 0x081F_FFFF, count: 2).map(\.address) == [0x081E_0000])
  }

  @Test("firstUncoveredAddress on F405", arguments: [
    (UInt32(0x0800_0000), UInt64(0x10_0000), MemoryAccess.writable, UInt64?.none),
    (0x0800_0000, 0x10_0000, .all, nil),
    (0x0800_0000, 0x10_0001, .writable, 0x0810_0000),  // one byte past the end
    (0x0800_C000, 0x2_0000, .erasable, nil),  // crosses segments
    (0x080F_FFFF, 1, .all, nil),  // last byte
    (0x080F_FFFF, 2, .all, 0x0810_0000),
    (0x0810_0000, 1, [], 0x0810_0000),  // starts past the end
    (0x07FF_FFFF, 2, [], 0x07FF_FFFF),  // starts before the map
    (0x0800_4000, 0, .all, nil),  // empty range
    (0x0810_0000, 0, .all, nil),  // empty range outside the map
  ] as [(UInt32, UInt64, MemoryAccess, UInt64?)])
  func uncoveredF405(_ start: UInt32, _ count: UInt64, _ access: MemoryAccess, _ expected: UInt64?) {
    #expect(f405.firstUncoveredAddress(from: start, count: count, requiring: access) == expected)
  }

  @Test func uncoveredF427() throws {
    #expect(f427.firstUncoveredAddress(from: 0x0800_0000, count: 0x20_0000, requiring: .all) == nil)
    #expect(f427.firstUncoveredAddress(from: 0x080F_F000, count: 0x2000, requiring: .all) == nil)
    #expect(f427.firstUncoveredAddress(from: 0x081F_F000, count: 0x2000, requiring: .writable) == 0x0820_0000)
    let ob = try parse(ROM.f427OptionBytes)
    // The two option-byte zones leave a gap.
    #expect(ob.firstUncoveredAddress(from: 0x1FFE_C000, count: 16, requiring: .readable) == nil)
    #expect(ob.firstUncoveredAddress(from: 0x1FFE_C000, count: 17, requiring: .readable) == 0x1FFE_C010)
    #expect(ob.firstUncoveredAddress(from: 0x1FFF_C000, count: 16, requiring: .writable) == nil)
  }

  @Test func uncoveredRespectsAccess() throws {
    let deviceFeature = try parse(ROM.f405DeviceFeatureV21)
    #expect(deviceFeature.firstUncoveredAddress(from: 0xFFFF_0000, count: 4, requiring: [.readable, .writable]) == nil)
    #expect(deviceFeature.firstUncoveredAddress(from: 0xFFFF_0000, count: 4, requiring: .erasable) == 0xFFFF_0000)
    let mixed = try parse("@X/0x08000000/01*016Kg,01*016Ka")
    #expect(mixed.firstUncoveredAddress(from: 0x0800_0000, count: 0x8000, requiring: .readable) == nil)
    #expect(mixed.firstUncoveredAddress(from: 0x0800_0000, count: 0x8000, requiring: .writable) == 0x0800_4000)
  }

  @Test func uncoveredAtTopOfAddressSpace() throws {
    let top = try parse("@Top/0xFFFF0000/01*64Kg")
    #expect(top.firstUncoveredAddress(from: 0xFFFF_0000, count: 0x1_0000, requiring: .all) == nil)
    #expect(top.firstUncoveredAddress(from: 0xFFFF_0000, count: 0x1_0001, requiring: .all) == 1 << 32)
    #expect(top.sectors(overlapping: 0xFFFF_FFFF, count: 10) == [sec(0xFFFF_0000, 64 * 1024)])
  }
}
