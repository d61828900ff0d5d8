import Testing
@testable import DfuSe

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

