import Foundation
import Testing

@testable import DfuSe

/// A deterministic, seeded mutation fuzzer for every firmware parser (issue #3).
///
/// Each iteration mutates a valid seed file (bit flips, random bytes, interesting values,
/// insertions, deletions, truncation, chunk duplication) and parses it. A parser passes if
/// it never traps, returns or throws a ``FileFormatError`` with a message, and never yields
/// an image larger than its input could describe (no absurd allocation).
///
/// Default: 2 000 inputs per parser. The long run (documented in README):
/// `DFUTUI_FUZZ_ITERATIONS=1000000 swift test -c release --filter FirmwareFuzz`
@Suite struct FirmwareFuzzTests {
  static var iterations: Int {
    ProcessInfo.processInfo.environment["DFUTUI_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 2_000
  }

  struct Rng {
    var x: UInt64
    mutating func next() -> UInt64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
  }

  static func mutate(_ seed: [UInt8], _ rng: inout Rng, text: Bool) -> [UInt8] {
    var b = seed
    let interesting: [UInt8] = text ? Array("0123456789ABCDEFS:\n\r F".utf8) : [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x10]
    for _ in 0...rng.below(4) {
      guard !b.isEmpty else { b = [UInt8(truncatingIfNeeded: rng.next())]; continue }
      let i = rng.below(b.count)
      switch rng.below(8) {
      case 0: b[i] ^= UInt8(1) << UInt8(rng.below(8))
      case 1: b[i] = UInt8(truncatingIfNeeded: rng.next())
      case 2: b[i] = interesting[rng.below(interesting.count)]
      case 3: b.insert(interesting[rng.below(interesting.count)], at: i)
      case 4: b.remove(at: i)
      case 5: b.removeLast(rng.below(b.count) + 1)
      case 6:
        let n = min(rng.below(64) + 1, b.count - i)
        b.insert(contentsOf: b[i..<(i + n)], at: rng.below(b.count))
      default:
        // 32-bit little-endian field overwrite (sizes, counts, addresses).
        if i + 4 <= b.count { b.replaceSubrange(i..<(i + 4), with: Make.le32([0, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000,
                                                                               UInt32(truncatingIfNeeded: rng.next())][rng.below(5)])) }
      }
    }
    return b
  }

  /// Recomputes the checksum byte of every line that is still hex digits after ':' (HEX) or
  /// 'S'+digit (S-record), so mutations reach the record logic instead of the checksum check.
  static func fixChecksums(_ text: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.count)
    for line in text.split(separator: 0x0A, omittingEmptySubsequences: false) {
      var l = Array(line)
      let isHex = l.first == UInt8(ascii: ":")
      let start = isHex ? 1 : 2
      if (isHex || l.first == UInt8(ascii: "S")), l.count >= start + 4, (l.count - start) % 2 == 0 {
        let digits = l[start...]
        let values = stride(from: start, to: l.count, by: 2).compactMap { UInt8(String(decoding: l[$0..<($0 + 2)], as: UTF8.self), radix: 16) }
        if values.count * 2 == digits.count {
          let sum = values.dropLast().reduce(UInt8(0), &+)
          let cs = isHex ? 0 &- sum : ~sum
          let hex = Array(String(format: "%02X", cs).utf8)
          l.replaceSubrange((l.count - 2)..<l.count, with: hex)
        }
      }
      out += l + [0x0A]
    }
    out.removeLast()
    return out
  }

  struct Outcome { var accepted = 0; var rejected = 0; var kinds: [String: Int] = [:] }

  /// Runs `parse` on `count` mutations of `seeds`; `limit(input)` is the largest honest image size.
  static func fuzz(_ name: String, seeds: [[UInt8]], text: Bool, count: Int, seed: UInt64,
                   limit: ([UInt8]) -> Int, parse: ([UInt8]) throws(FileFormatError) -> [FirmwareImage]) -> Outcome {
    var rng = Rng(x: seed)
    var outcome = Outcome()
    for k in 0..<count {
      let input = mutate(seeds[k % seeds.count], &rng, text: text)
      do {
        let images = try parse(input)
        outcome.accepted += 1
        let total = images.reduce(0) { $0 + $1.byteCount }
        if total > limit(input) {
          Issue.record("\(name): \(input.count)-byte input gave a \(total)-byte image (iteration \(k))")
          return outcome
        }
      } catch {
        outcome.rejected += 1
        outcome.kinds[Mirror(reflecting: error).children.first?.label ?? "\(error)", default: 0] += 1
        if error.description.isEmpty { Issue.record("\(name): empty error message"); return outcome }
      }
    }
    return outcome
  }

  static func report(_ name: String, _ o: Outcome) {
    let kinds = o.kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    print("fuzz \(name): \(o.accepted + o.rejected) inputs, \(o.accepted) accepted, \(o.rejected) rejected (\(kinds))")
  }

  static let sampleImage: FirmwareImage = {
    var image = FirmwareImage()
    try! image.add(Make.bytes(200), at: 0x0800_0000, origin: Make.origin())
    try! image.add(Make.bytes(13, seed: 5), at: 0x0800_4001, origin: Make.origin())
    image.entryPoint = 0x0800_0101
    return image
  }()

  @Test func intelHexParserSurvivesMutations() {
    let seeds = [ImageExport.intelHex(Self.sampleImage),
                 Make.text([Make.hexRecord(2, 0, [0x10, 0]), Make.hexRecord(0, 0xFFF8, Make.bytes(16)),
                            Make.hexRecord(3, 0, [0, 0, 0, 1]), ":00000001FF"])]
    let o = Self.fuzz("intelHex", seeds: seeds, text: true, count: Self.iterations, seed: 1, limit: { $0.count / 2 }) {
      (b) throws(FileFormatError) in [try IntelHexReader.read(b.count % 2 == 0 ? Self.fixChecksums(b) : b, file: "f.hex").image]
    }
    Self.report("intelHex", o)
    #expect(o.accepted > 0 && o.rejected > 0)
  }

  @Test func srecParserSurvivesMutations() {
    let seeds = [Make.text([Make.srec(0, address: 0, Array("hdr".utf8)), Make.srec(3, address: 0x0800_0000, Make.bytes(32)),
                            Make.srec(2, address: 0x10_0000, Make.bytes(16)), Make.srec(1, address: 0x100, [1, 2]),
                            Make.srec(5, address: 3, []), Make.srec(7, address: 0x0800_0001, [])])]
    let o = Self.fuzz("srec", seeds: seeds, text: true, count: Self.iterations, seed: 2, limit: { $0.count / 2 }) {
      (b) throws(FileFormatError) in [try SRecordReader.read(b.count % 2 == 0 ? Self.fixChecksums(b) : b, file: "f.srec").image]
    }
    Self.report("srec", o)
    #expect(o.accepted > 0 && o.rejected > 0)
  }

  @Test func elfParserSurvivesMutations() {
    let seeds = [Make.elf(loads: [.init(vaddr: 0x0800_0000, paddr: 0x0800_0000, data: Make.bytes(64), name: ".text"),
                                  .init(vaddr: 0x2000_0000, paddr: 0x0800_0040, data: Make.bytes(12), memsz: 64, name: ".data")]),
                 Make.elf(loads: [.init(vaddr: 0x0800_0000, paddr: 0, data: Make.bytes(8)), .init(vaddr: 0x0800_1000, paddr: 0, data: [1])],
                          withSections: false)]
    let o = Self.fuzz("elf", seeds: seeds, text: false, count: Self.iterations, seed: 3, limit: { $0.count }) {
      (b) throws(FileFormatError) in [try ELFReader.read(b, file: "f.elf").image]
    }
    Self.report("elf", o)
    #expect(o.accepted > 0 && o.rejected > 0)
  }

  @Test func dfuseParserSurvivesMutations() throws {
    let two = [FirmwareTarget(alternateSetting: 0, name: "Internal Flash", image: Self.sampleImage),
               FirmwareTarget(alternateSetting: 1, name: nil, image: try FirmwareImage(bytes: Make.bytes(16), at: 0x1FFF_C000,
                                                                                       origin: Make.origin()))]
    let seeds = [try DfuSeFileWriter.encode(two).bytes]
    // The CRC would reject nearly every mutation; fix it up half the time so the structure parser is exercised.
    var flip = false
    let o = Self.fuzz("dfuse", seeds: seeds, text: false, count: Self.iterations, seed: 4, limit: { $0.count }) {
      (b) throws(FileFormatError) in
      flip.toggle()
      var input = b
      if flip, input.count >= 16 { input = MalformedFileCorpusTests.recrc(input) }
      return try DfuSeFileReader.read(input, file: "f.dfu").targets.map(\.image)
    }
    Self.report("dfuse", o)
    #expect(o.accepted > 0 && o.rejected > 0)
  }

  @Test func loaderSurvivesMutationsOfEveryFormat() throws {
    var plain: [UInt8] = Make.bytes(40)
    DFUSuffix(bcdDFU: DFUSuffix.plainVersion).append(to: &plain)
    let seeds = [ImageExport.intelHex(Self.sampleImage), try DfuSeFileWriter.encode([FirmwareTarget(image: Self.sampleImage)]).bytes,
                 Make.elf(loads: [.init(vaddr: 0, paddr: 0, data: Make.bytes(30))]), plain, Make.bytes(50)]
    let o = Self.fuzz("loader", seeds: seeds, text: false, count: Self.iterations, seed: 5, limit: { $0.count }) {
      (b) throws(FileFormatError) in try FirmwareLoader.load(b, fileName: "f", rawAddress: 0x0800_0000).targets.map(\.image)
    }
    Self.report("loader", o)
    #expect(o.accepted > 0 && o.rejected > 0)
  }
}
