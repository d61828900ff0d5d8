import Foundation

@testable import DfuSe

/// Builders for hand-made firmware files (stm32-dfu-facts §6–§7), used by the reader tests.
enum Make {
  /// One Intel HEX record line with a correct checksum.
  static func hexRecord(_ type: UInt8, _ offset: UInt16, _ data: [UInt8]) -> String {
    let body = [UInt8(data.count), UInt8(offset >> 8), UInt8(offset & 0xFF), type] + data
    let sum = body.reduce(UInt8(0), &+)
    return ":" + (body + [0 &- sum]).map { String(format: "%02X", $0) }.joined()
  }

  /// One S-record line with a correct count and checksum.
  static func srec(_ type: Int, address: UInt32, _ data: [UInt8]) -> String {
    let addressLength = [2, 2, 3, 4, 2, 2, 3, 4, 3, 2][type]
    let addr = (0..<addressLength).reversed().map { UInt8(address >> (8 * UInt32($0)) & 0xFF) }
    let body = [UInt8(addressLength + data.count + 1)] + addr + data
    let sum = body.reduce(UInt8(0), &+)
    return "S\(type)" + (body + [~sum]).map { String(format: "%02X", $0) }.joined()
  }

  /// A minimal ELF32 little-endian file: one program header per `loads` entry
  /// (offset chosen here), plus named sections covering each segment's bytes.
  struct Load { var vaddr: UInt32; var paddr: UInt32; var data: [UInt8]; var memsz: UInt32? = nil; var name: String = ".text" }

  static func elf(machine: UInt16 = 40, type: UInt16 = 2, entry: UInt32 = 0x0800_0009, loads: [Load],
                  withSections: Bool = true) -> [UInt8] {
    let phoff = 52, phentsize = 32
    var dataOffset = phoff + phentsize * loads.count
    var out = [UInt8](repeating: 0, count: dataOffset)
    var offsets: [Int] = []
    for l in loads { offsets.append(dataOffset); out += l.data; dataOffset += l.data.count }
    // Section string table and headers.
    var strtab: [UInt8] = [0]
    var nameOffsets: [Int] = []
    for l in loads { nameOffsets.append(strtab.count); strtab += Array(l.name.utf8) + [0] }
    let shstrName = strtab.count
    strtab += Array(".shstrtab".utf8) + [0]
    let strtabOffset = out.count
    out += strtab
    let shoff = out.count
    var sh: [UInt8] = [UInt8](repeating: 0, count: 40)  // null section
    for (k, l) in loads.enumerated() {
      var h = [UInt8]()
      for v: UInt32 in [UInt32(nameOffsets[k]), 1, 2 | 4, l.vaddr, UInt32(offsets[k]), UInt32(l.data.count), 0, 0, 4, 0] { h += le32(v) }
      sh += h
    }
    var s = [UInt8]()
    for v: UInt32 in [UInt32(shstrName), 3, 0, 0, UInt32(strtabOffset), UInt32(strtab.count), 0, 0, 1, 0] { s += le32(v) }
    sh += s
    out += sh
    let shnum = loads.count + 2
    // ELF header.
    var h: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 1, 1, 1] + [UInt8](repeating: 0, count: 9)
    h += le16(type) + le16(machine) + le32(1) + le32(entry) + le32(UInt32(phoff))
    h += le32(withSections ? UInt32(shoff) : 0) + le32(0x0500_0200) + le16(52) + le16(UInt16(phentsize))
    h += le16(UInt16(loads.count)) + le16(40) + le16(withSections ? UInt16(shnum) : 0) + le16(withSections ? UInt16(shnum - 1) : 0)
    out.replaceSubrange(0..<52, with: h)
    for (k, l) in loads.enumerated() {
      var p = [UInt8]()
      for v: UInt32 in [1, UInt32(offsets[k]), l.vaddr, l.paddr, UInt32(l.data.count), l.memsz ?? UInt32(l.data.count), 5, 4] { p += le32(v) }
      out.replaceSubrange((phoff + k * 32)..<(phoff + k * 32 + 32), with: p)
    }
    return out
  }

  static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
  static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }

  /// Deterministic pseudo-random bytes (xorshift64).
  static func bytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var x = seed
    return (0..<count).map { _ in
      x ^= x << 13; x ^= x >> 7; x ^= x << 17
      return UInt8(truncatingIfNeeded: x)
    }
  }

  static func origin(_ file: String = "t", _ location: ImageOrigin.Location = .offset(0)) -> ImageOrigin {
    ImageOrigin(file: file, location: location)
  }

  static func text(_ lines: [String]) -> [UInt8] { Array((lines.joined(separator: "\n") + "\n").utf8) }
}

/// The single target's image of a loaded file (tests only).
extension LoadedFirmware {
  var onlyImage: FirmwareImage? { targets.count == 1 ? targets[0].image : nil }
}

/// A temporary directory removed when the value goes away.
final class FirmwareTempDir {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("dfutui-files-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  func read(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url.appendingPathComponent(name))) }
  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    try Data(bytes).write(to: url.appendingPathComponent(name))
    return path(name)
  }
}

/// Runs a program; returns (status, stdout+stderr), or nil if it is not installed.
func runTool(_ name: String, _ args: [String], in dir: URL? = nil) -> (status: Int32, output: String)? {
  let candidates = ["/usr/bin/", "/usr/local/bin/", "/bin/"].map { $0 + name }
  guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
  let p = Process()
  p.executableURL = URL(fileURLWithPath: path)
  p.arguments = args
  if let dir { p.currentDirectoryURL = dir }
  let pipe = Pipe()
  p.standardOutput = pipe
  p.standardError = pipe
  do { try p.run() } catch { return nil }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
