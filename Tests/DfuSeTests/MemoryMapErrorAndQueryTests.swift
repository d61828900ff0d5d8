import Testing
@testable import DfuSe

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
