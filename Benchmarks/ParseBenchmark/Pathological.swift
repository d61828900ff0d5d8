// Files that made every reader quadratic (issue 12): tens of thousands of records for the
// same or overlapping addresses. Each is parsed once and timed; the goal is < 0.5 s each.
import DfuSe
import Foundation

enum Pathological {
  /// The byte every file puts at `address`, so overlapping records agree (identical data merges).
  static func byte(_ address: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: (address &* 2_654_435_761) >> 13) }
  static func data(_ address: UInt32, _ count: Int) -> [UInt8] { (0..<count).map { byte(address &+ UInt32($0)) } }

  /// One record: where it goes and its bytes.
  typealias Record = (address: UInt32, bytes: [UInt8])

  /// `count` records of 16 bytes: all at one address (`step` 0), or each `step` bytes after the
  /// previous (step 8: each overlaps the previous by half); reversed for the worst insertion order.
  static func records(_ count: Int, step: UInt32, reversed: Bool = false, conflictAtEnd: Bool = false) -> [Record] {
    var out = (0..<count).map { k -> Record in
      let address = 0x0800_0000 + UInt32(k) * step
      return (address, data(address, 16))
    }
    if reversed { out.reverse() }
    if conflictAtEnd { out[out.count - 1].bytes[3] ^= 0xFF }
    return out
  }

  static let digits = Array("0123456789ABCDEF".utf8)
  static func appendHex(_ out: inout [UInt8], _ bytes: [UInt8]) {
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
  }

  static func intelHex(_ records: [Record]) -> [UInt8] {
    var out: [UInt8] = []
    var upper: UInt32? = nil
    func line(_ type: UInt8, _ offset: UInt16, _ data: [UInt8]) {
      let body = [UInt8(data.count), UInt8(offset >> 8), UInt8(offset & 0xFF), type] + data
      out.append(UInt8(ascii: ":"))
      appendHex(&out, body + [0 &- body.reduce(0, &+)])
      out.append(0x0A)
    }
    for r in records {
      if upper != r.address >> 16 {
        upper = r.address >> 16
        line(4, 0, [UInt8(r.address >> 24), UInt8(r.address >> 16 & 0xFF)])
      }
      line(0, UInt16(r.address & 0xFFFF), r.bytes)
    }
    line(1, 0, [])
    return out
  }

  static func sRecords(_ records: [Record]) -> [UInt8] {
    var out: [UInt8] = []
    for r in records {
      let a = r.address
      let body = [UInt8(r.bytes.count + 5), UInt8(a >> 24), UInt8(a >> 16 & 0xFF), UInt8(a >> 8 & 0xFF), UInt8(a & 0xFF)] + r.bytes
      out += Array("S3".utf8)
      appendHex(&out, body + [~body.reduce(0, &+)])
      out.append(0x0A)
    }
    return out + Array("S70508000000F2\n".utf8)
  }

  static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
  static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }

  /// One DfuSe target (alt 0) with one element per record (UM0391).
  static func dfuse(_ records: [Record]) -> [UInt8] {
    var elements: [UInt8] = []
    for r in records { elements += le32(r.address) + le32(UInt32(r.bytes.count)) + r.bytes }
    var out = Array("DfuSe".utf8) + [1] + le32(UInt32(11 + 274 + elements.count + 16)) + [1]
    out += Array("Target".utf8) + [0] + le32(0) + [UInt8](repeating: 0, count: 255)
    out += le32(UInt32(elements.count)) + le32(UInt32(records.count))
    out += elements
    DFUSuffix().append(to: &out)
    return out
  }

  /// An ARM ELF32 executable with one PT_LOAD and one named section per record (at most 65,535).
  static func elf(_ records: [Record]) -> [UInt8] {
    let n = records.count
    let phoff = 52
    var dataOffset = phoff + 32 * n
    var offsets: [Int] = []
    var payload: [UInt8] = []
    for r in records { offsets.append(dataOffset + payload.count); payload += r.bytes }
    dataOffset += payload.count
    let strtab = [0] + Array(".text\0.shstrtab\0".utf8)
    let strtabOffset = dataOffset
    let shoff = strtabOffset + strtab.count
    let shnum = n + 2 <= 0xFFFF ? n + 2 : 0  // sections only while their count fits e_shnum
    var out = [0x7F, 0x45, 0x4C, 0x46, 1, 1, 1] + [UInt8](repeating: 0, count: 9)
    out += le16(2) + le16(40) + le32(1) + le32(0x0800_0001) + le32(UInt32(phoff)) + le32(shnum > 0 ? UInt32(shoff) : 0)
    out += le32(0x0500_0200) + le16(52) + le16(32) + le16(UInt16(n)) + le16(40) + le16(UInt16(shnum))
    out += le16(shnum > 0 ? UInt16(shnum - 1) : 0)
    for (k, r) in records.enumerated() {
      for v in [1, UInt32(offsets[k]), r.address, r.address, UInt32(r.bytes.count), UInt32(r.bytes.count), 5, 4] { out += le32(v) }
    }
    out += payload + strtab
    if shnum > 0 {
      out += [UInt8](repeating: 0, count: 40)
      for (k, r) in records.enumerated() {
        for v in [1, 1, 6, r.address, UInt32(offsets[k]), UInt32(r.bytes.count), 0, 0, 4, 0] { out += le32(v) }
      }
      for v in [7, 3, 0, 0, UInt32(strtabOffset), UInt32(strtab.count), 0, 0, 1, 0] as [UInt32] { out += le32(v) }
    }
    return out
  }

  /// Every case: a name, the file, and whether the reader must refuse it (a conflict).
  static func cases() -> [(name: String, file: String, bytes: [UInt8], refused: Bool)] {
    let n = 64_000, elfCount = 65_535
    var all: [(String, String, [UInt8], Bool)] = []
    let shapes: [(String, UInt32, Bool, Bool)] = [
      ("identical repeats at one address", 0, false, false),
      ("each overlapping the last by half", 8, false, false),
      ("overlapping, in reverse order", 8, true, false),
      ("repeats, the last one different", 0, false, true),
    ]
    for (shape, step, reversed, conflict) in shapes {
      let r = records(n, step: step, reversed: reversed, conflictAtEnd: conflict)
      all.append(("HEX  64,000 records, " + shape, "p.hex", intelHex(r), conflict))
      all.append(("SREC 64,000 records, " + shape, "p.srec", sRecords(r), conflict))
      all.append(("DFU  64,000 elements, " + shape, "p.dfu", dfuse(r), conflict))
      let e = records(elfCount, step: step, reversed: reversed, conflictAtEnd: conflict)
      all.append(("ELF  65,535 PT_LOADs, " + shape, "p.elf", elf(e), conflict))
    }
    all.append(("ELF  65,533 PT_LOADs + 65,533 sections, overlapping", "p.elf", elf(records(65_533, step: 8)), false))
    return all
  }

  /// Parses each case once and prints its time; returns false when a case misbehaves.
  static func run() -> Bool {
    print("")
    print("Pathological files (issue 12: goal < 0.5 s each, O(n log n))")
    print("case                                                     input MB   parse s   result")
    var ok = true
    for c in cases() {
      let t0 = now()
      let result: String
      do {
        let loaded = try FirmwareLoader.load(c.bytes, fileName: c.file, rawAddress: nil)
        let image = loaded.targets[0].image
        result = "\(image.byteCount) bytes in \(image.segments.count) segment(s)"
        if c.refused { ok = false }
      } catch {
        result = "refused: " + String(String(describing: error).prefix(60)) + "…"
        if !c.refused { ok = false }
      }
      let dt = now() - t0
      if dt >= 0.5 { ok = false }
      print(c.name.padding(toLength: 56, withPad: " ", startingAt: 0) + " "
            + String(format: "%8.1f   %7.3f   ", Double(c.bytes.count) / 1e6, dt) + result)
    }
    return ok
  }
}
