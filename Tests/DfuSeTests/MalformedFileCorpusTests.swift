import Testing

@testable import DfuSe

/// A corpus of malformed files (issue #3): each gives its typed error, none traps.
@Suite struct MalformedFileCorpusTests {
  enum Kind: Equatable { case empty, needsAddress, truncated, malformed, checksum, crc, unsupported, noData, overlap, overflow, unrecognised }

  static func kind(_ e: FileFormatError) -> Kind {
    switch e {
    case .empty: return .empty
    case .needsAddress: return .needsAddress
    case .truncated: return .truncated
    case .malformed: return .malformed
    case .badChecksum: return .checksum
    case .badCRC: return .crc
    case .unsupported: return .unsupported
    case .noData: return .noData
    case .image(.overlap): return .overlap
    case .image(.addressOverflow): return .overflow
    case .cannotWrite: return .malformed
    case .unrecognised: return .unrecognised
    }
  }

  static func validDfu() -> [UInt8] {
    let image = try! FirmwareImage(bytes: Make.bytes(32), at: 0x0800_0000, origin: Make.origin())
    return try! DfuSeFileWriter.encode([FirmwareTarget(alternateSetting: 0, name: "ST...", image: image)]).bytes
  }

  /// Rewrites the CRC so only the structural damage is seen.
  static func recrc(_ b: [UInt8]) -> [UInt8] {
    var b = b
    b.removeLast(4)
    return b + Make.le32(CRC32.dfuCRC(b))
  }

  static func patched(_ b: [UInt8], at: Int, _ v: [UInt8]) -> [UInt8] {
    var b = b
    b.replaceSubrange(at..<(at + v.count), with: v)
    return b
  }

  static func plainWithBadCRC() -> [UInt8] {
    var b: [UInt8] = [1, 2, 3]
    DFUSuffix(bcdDFU: DFUSuffix.plainVersion).append(to: &b)
    b[0] ^= 1
    return b
  }

  static let hexOK = [Make.hexRecord(4, 0, [0x08, 0]), Make.hexRecord(0, 0, [1, 2, 3, 4]), ":00000001FF"]
  static let elfOK = Make.elf(loads: [.init(vaddr: 0x0800_0000, paddr: 0x0800_0000, data: [1, 2, 3, 4])])

  static let corpus: [(String, [UInt8], String, Kind)] = {
    let dfu = validDfu()
    let element = 11 + 274  // first element header
    return [
      ("empty", [], "x.bin", .empty),
      ("raw without address", [1, 2, 3], "x.bin", .needsAddress),
      ("text, not firmware", Array("hello\n".utf8), "x.txt", .unrecognised),
      ("binary without .bin", [1, 2, 3], "x.img", .unrecognised),
      ("hex truncated mid-record", Array(Make.text(hexOK).prefix(30)), "x.hex", .malformed),
      ("hex truncated at a line", Array(Make.text(Array(hexOK.prefix(2)))), "x.hex", .truncated),
      ("hex bad checksum", Make.text([":0100000001FF", ":00000001FF"]), "x.hex", .checksum),
      ("hex wrong length byte", Make.text([":0500000001FA", ":00000001FF"]), "x.hex", .malformed),
      ("hex overlap", Make.text([Make.hexRecord(0, 0, [1, 2]), Make.hexRecord(0, 1, [3]), ":00000001FF"]), "x.hex", .overlap),
      ("hex overflow", Make.text([Make.hexRecord(4, 0, [0xFF, 0xFF]), Make.hexRecord(0, 0xFFFE, [1, 2, 3]), ":00000001FF"]),
       "x.hex", .overflow),
      ("hex no data", Make.text([":00000001FF"]), "x.hex", .noData),
      ("srec truncated", Make.text([Make.srec(3, address: 0x0800_0000, [1, 2])]), "x.srec", .truncated),
      ("srec bad checksum", Make.text(["S1040000010A", Make.srec(9, address: 0, [])]), "x.srec", .checksum),
      ("srec wrong count record", Make.text([Make.srec(1, address: 0, [1]), Make.srec(5, address: 9, []),
                                             Make.srec(9, address: 0, [])]), "x.srec", .malformed),
      ("srec no termination, count too low", Make.text([Make.srec(1, address: 0, [1]), Make.srec(1, address: 1, [2]),
                                                        Make.srec(5, address: 1, [])]), "x.srec", .truncated),
      ("srec no termination, no count", Make.text([Make.srec(0, address: 0, []), Make.srec(1, address: 0, [1])]),
       "x.srec", .truncated),
      ("srec overlap", Make.text([Make.srec(1, address: 0, [1, 2]), Make.srec(1, address: 1, [5]),
                                  Make.srec(9, address: 0, [])]), "x.srec", .overlap),
      ("dfu bad CRC", patched(dfu, at: element + 8, [0x55]), "x.dfu", .crc),
      ("dfu truncated", Array(dfu.prefix(200)), "x.dfu", .malformed),
      ("dfu truncated, suffix kept", recrc(Array(dfu.prefix(element + 20)) + Array(dfu.suffix(16))), "x.dfu", .truncated),
      ("dfu bTargets too many", recrc(patched(dfu, at: 10, [2])), "x.dfu", .truncated),
      ("dfu bTargets zero", recrc(patched(dfu, at: 10, [0])), "x.dfu", .malformed),
      ("dfu dwNbElements wrong", recrc(patched(dfu, at: 11 + 270, Make.le32(2))), "x.dfu", .truncated),
      ("dfu absurd element size", recrc(patched(dfu, at: element + 4, Make.le32(0xFFFF_FFF0))), "x.dfu", .truncated),
      ("dfu absurd target size", recrc(patched(dfu, at: 11 + 266, Make.le32(0xFFFF_FFFF))), "x.dfu", .truncated),
      ("dfu absurd element count", recrc(patched(dfu, at: 11 + 270, Make.le32(0xFFFF_FFFF))), "x.dfu", .malformed),
      ("dfu bad target signature", recrc(patched(dfu, at: 11, Array("Tarxet".utf8))), "x.dfu", .malformed),
      ("dfu bad version", recrc(patched(dfu, at: 5, [2])), "x.dfu", .malformed),
      ("dfu element overflow", recrc(patched(dfu, at: element, Make.le32(0xFFFF_FFF0))), "x.dfu", .overflow),
      ("plain dfu bad CRC", plainWithBadCRC(), "x.dfu", .crc),
      ("elf non-ARM", Make.elf(machine: 62, loads: [.init(vaddr: 0, paddr: 0, data: [1])]), "x.elf", .unsupported),
      ("elf big-endian", patched(elfOK, at: 5, [2]), "x.elf", .unsupported),
      ("elf truncated header", Array(elfOK.prefix(40)), "x.elf", .truncated),
      ("elf absurd phnum", patched(elfOK, at: 44, [0xFF, 0xFF]), "x.elf", .truncated),
      ("elf absurd filesz", patched(elfOK, at: 52 + 16, Make.le32(0xFFFF_FF00) + Make.le32(0xFFFF_FF00)), "x.elf", .truncated),
      ("elf filesz > memsz", patched(elfOK, at: 52 + 20, Make.le32(1)), "x.elf", .malformed),
      ("elf no program headers", patched(elfOK, at: 44, [0, 0]), "x.elf", .noData),
      ("elf overlap", Make.elf(loads: [.init(vaddr: 0, paddr: 0, data: [1, 2]), .init(vaddr: 1, paddr: 1, data: [3])]),
       "x.elf", .overlap),
      ("elf overflow", Make.elf(loads: [.init(vaddr: 0xFFFF_FFFF, paddr: 0xFFFF_FFFF, data: [1, 2])]), "x.elf", .overflow),
    ]
  }()

  @Test(arguments: corpus.indices)
  func eachMalformedFileGivesItsTypedError(index: Int) {
    let (name, bytes, file, expected) = Self.corpus[index]
    do {
      let loaded = try FirmwareLoader.load(bytes, fileName: file, rawAddress: nil)
      Issue.record("\(name): accepted (\(loaded.format))")
    } catch {
      #expect(Self.kind(error) == expected, "\(name): \(error)")
      #expect(error.description.contains(file) || expected == .overlap || expected == .overflow, "\(name): \(error)")
      #expect(error.description.count > 20)
    }
  }
}
