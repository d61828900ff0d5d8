/// Reads ELF32 little-endian ARM executables (stm32-dfu-facts §7): the bytes of
/// every `PT_LOAD` program header with `p_filesz > 0` go to its physical address
/// (`p_paddr`, the LMA, so `.data` initialisers land in flash); `p_memsz − p_filesz`
/// (`.bss`) is not flashed. When every `p_paddr` is 0 and there is more than one
/// `PT_LOAD`, the virtual addresses are used, as GNU objcopy and OpenOCD do.
/// Section names (from the section headers, when present) become the origins.
public enum ELFReader {
  static let ptLoad: UInt32 = 1
  static let emARM: UInt16 = 40
  static let shtNobits: UInt32 = 8
  static let shfAlloc: UInt32 = 2

  struct Section { var name: String; var offset: UInt64; var size: UInt64 }

  public static func read(_ bytes: [UInt8], file: String) throws(FileFormatError) -> (image: FirmwareImage, notices: [String]) {
    var notices: [String] = []
    let size = UInt64(bytes.count)
    guard bytes.count >= 52 else { throw .truncated(file: file, at: .offset(bytes.count), expected: "a 52-byte ELF32 header") }
    guard bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
      throw .malformed(file: file, at: .offset(0), expected: "the ELF magic 7F 45 4C 46", found: "other bytes")
    }
    guard bytes[4] == 1 else {
      throw .unsupported(file: file, reason: bytes[4] == 2 ? "a 64-bit ELF file" : "an ELF file of unknown class \(bytes[4])",
                         advice: "STM32 firmware is a 32-bit ARM ELF; build it with arm-none-eabi-gcc")
    }
    guard bytes[5] == 1 else {
      throw .unsupported(file: file, reason: "a big-endian ELF file", advice: "STM32 firmware is little-endian ARM")
    }
    let type = readLE16(bytes, 16), machine = readLE16(bytes, 18)
    guard machine == emARM else {
      throw .unsupported(file: file, reason: "an ELF file for machine \(machine) (\(machineName(machine))), not ARM (40)",
                         advice: "Pick the firmware built for the STM32 (arm-none-eabi), not a host program")
    }
    guard type == 2 || type == 3 else {
      throw .unsupported(file: file, reason: type == 1 ? "a relocatable object (.o), not a linked program" : "ELF type \(type)",
                         advice: "Flash the linked executable (the .elf the linker wrote)")
    }
    let entry = readLE32(bytes, 24)
    let phoff = UInt64(readLE32(bytes, 28)), phentsize = UInt64(readLE16(bytes, 42)), phnum = UInt64(readLE16(bytes, 44))
    guard phnum > 0 else { throw .noData(file: file) }
    guard phentsize >= 32 else {
      throw .malformed(file: file, at: .offset(42), expected: "a program header size of at least 32", found: "\(phentsize)")
    }
    guard phoff + phentsize * phnum <= size else {
      throw .truncated(file: file, at: .offset(Int(phoff)), expected: "\(phnum) program headers of \(phentsize) bytes")
    }
    let sections = sectionTable(bytes, file: file, notices: &notices)
    struct Load { var index: Int; var offset: UInt64; var vaddr: UInt32; var paddr: UInt32; var filesz: UInt64 }
    var loads: [Load] = []
    var allLoads = 0
    for k in 0..<Int(phnum) {
      let h = Int(phoff) + k * Int(phentsize)
      guard readLE32(bytes, h) == ptLoad else { continue }
      allLoads += 1
      let offset = UInt64(readLE32(bytes, h + 4)), filesz = UInt64(readLE32(bytes, h + 16)), memsz = UInt64(readLE32(bytes, h + 20))
      guard filesz > 0 else { continue }
      guard filesz <= memsz else {
        throw .malformed(file: file, at: .offset(h + 16), expected: "p_filesz ≤ p_memsz in program header \(k)",
                         found: "\(filesz) > \(memsz)")
      }
      guard offset + filesz <= size else {
        throw .truncated(file: file, at: .offset(Int(offset)), expected: "\(filesz) bytes of program header \(k)'s data")
      }
      loads.append(Load(index: k, offset: offset, vaddr: readLE32(bytes, h + 8), paddr: readLE32(bytes, h + 12), filesz: filesz))
    }
    guard !loads.isEmpty else { throw .noData(file: file) }
    // Program headers that load the same file bytes again could make a tiny file describe
    // gigabytes (65535 headers × the whole file); linkers never emit that, so refuse it.
    let byOffset = loads.sorted { $0.offset < $1.offset }
    for (a, b) in zip(byOffset, byOffset.dropFirst()) where a.offset + a.filesz > b.offset {
      throw .malformed(file: file, at: .offset(Int(phoff) + b.index * Int(phentsize)),
                       expected: "PT_LOAD segments that load each file byte at most once",
                       found: "program headers \(a.index) and \(b.index) both load file offset \(hex32(UInt32(b.offset)))")
    }
    let useVirtual = allLoads > 1 && loads.allSatisfy { $0.paddr == 0 }
    if useVirtual {
      notices.append("\(file): every physical address (p_paddr) is 0; using the virtual addresses, as objcopy does")
    }
    var builder = ImageBuilder(file: file)
    builder.entryPoint = entry
    try bytes.withUnsafeBufferPointer { (all) throws(FileFormatError) in
      for load in loads {
        let base = UInt64(useVirtual ? load.vaddr : load.paddr)
        let end = load.offset + load.filesz
        var at = load.offset
        // Walk the segment's bytes, naming each run after the section that holds it
        // (sections are disjoint and sorted: binary search for the first one that matters).
        var first = 0, last = sections.count
        while first < last {
          let mid = (first + last) / 2
          if sections[mid].offset + sections[mid].size > at { last = mid } else { first = mid + 1 }
        }
        for s in sections[first...] {
          guard s.offset < end else { break }
          if s.offset > at {
            try builder.append(slice(all, at, s.offset), at: base + at - load.offset, location: .offset(Int(at)))
            at = s.offset
          }
          let stop = min(end, s.offset + s.size)
          try builder.append(slice(all, at, stop), at: base + at - load.offset, location: .section(s.name))
          at = stop
        }
        if at < end { try builder.append(slice(all, at, end), at: base + at - load.offset, location: .offset(Int(at))) }
      }
    }
    return (try builder.finish(), notices)
  }

  private static func slice(_ all: UnsafeBufferPointer<UInt8>, _ from: UInt64, _ to: UInt64) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: all[Int(from)..<Int(to)])
  }

  /// Allocated sections with file contents, sorted by file offset and made disjoint. A missing or damaged
  /// section table only loses the names (a notice), never the data.
  static func sectionTable(_ bytes: [UInt8], file: String, notices: inout [String]) -> [Section] {
    let size = UInt64(bytes.count)
    let shoff = UInt64(readLE32(bytes, 32)), shentsize = UInt64(readLE16(bytes, 46)), shnum = UInt64(readLE16(bytes, 48))
    let shstrndx = UInt64(readLE16(bytes, 50))
    guard shnum > 0, shoff > 0 else { return [] }
    guard shentsize >= 40, shoff + shentsize * shnum <= size, shstrndx < shnum else {
      notices.append("\(file): the section header table is damaged; segments are named by file offset")
      return []
    }
    let strHeader = Int(shoff + shstrndx * shentsize)
    let strOffset = UInt64(readLE32(bytes, strHeader + 16)), strSize = UInt64(readLE32(bytes, strHeader + 20))
    let stringsValid = strOffset + strSize <= size
    var sections: [Section] = []
    for k in 0..<Int(shnum) {
      let h = Int(shoff) + k * Int(shentsize)
      let type = readLE32(bytes, h + 4), flags = readLE32(bytes, h + 8)
      let offset = UInt64(readLE32(bytes, h + 16)), sectionSize = UInt64(readLE32(bytes, h + 20))
      guard type != shtNobits, flags & shfAlloc != 0, sectionSize > 0, offset + sectionSize <= size else { continue }
      var name = "#\(k)"
      let nameOffset = UInt64(readLE32(bytes, h))
      if stringsValid, nameOffset < strSize {
        var e = Int(strOffset + nameOffset)
        let limit = Int(strOffset + strSize)
        let s = e
        while e < limit, bytes[e] != 0 { e += 1 }
        if e > s { name = String(decoding: bytes[s..<e], as: UTF8.self) }
      }
      sections.append(Section(name: name, offset: offset, size: sectionSize))
    }
    // Make them disjoint (a section inside an earlier one adds nothing; one overlapping it
    // names only its own remainder), so each load finds its sections by binary search.
    var disjoint: [Section] = []
    for var s in sections.sorted(by: { $0.offset < $1.offset }) {
      if let previous = disjoint.last, previous.offset + previous.size > s.offset {
        let previousEnd = previous.offset + previous.size
        guard s.offset + s.size > previousEnd else { continue }
        s.size = s.offset + s.size - previousEnd
        s.offset = previousEnd
      }
      disjoint.append(s)
    }
    return disjoint
  }

  static func machineName(_ machine: UInt16) -> String {
    switch machine {
    case 3: return "x86"
    case 8: return "MIPS"
    case 20: return "PowerPC"
    case 62: return "x86-64"
    case 183: return "AArch64"
    case 243: return "RISC-V"
    case 94: return "Xtensa"
    case 83: return "AVR"
    default: return "not ARM"
    }
  }
}
