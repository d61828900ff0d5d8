import Testing

@testable import DfuSe

/// ELF32 ARM reading (stm32-dfu-facts §7): PT_LOAD at p_paddr, .bss not flashed, vaddr fallback.
@Suite struct ELFReaderTests {
  @Test func dataGoesToItsLoadAddressAndBssIsNotFlashed() throws {
    let elf = Make.elf(loads: [
      .init(vaddr: 0x0800_0000, paddr: 0x0800_0000, data: [1, 2, 3, 4, 5, 6, 7, 8], name: ".isr_vector"),
      .init(vaddr: 0x2000_0000, paddr: 0x0800_0008, data: [9, 9, 9, 9], memsz: 0x100, name: ".data"),
    ])
    let (image, notices) = try ELFReader.read(elf, file: "a.elf")
    #expect(notices.isEmpty)
    #expect(image.segments.count == 1 && image.segments[0].address == 0x0800_0000)
    #expect(image.segments[0].bytes == [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9], "no RAM, no .bss zeros")
    #expect(image.entryPoint == 0x0800_0009)
    #expect(image.segments[0].pieces[0].sourceDescription == "a.elf section .isr_vector – section .data")
  }

  @Test func allPhysicalAddressesZeroFallsBackToVirtual() throws {
    let elf = Make.elf(loads: [.init(vaddr: 0x0800_0000, paddr: 0, data: [1]), .init(vaddr: 0x0800_1000, paddr: 0, data: [2])])
    let (image, notices) = try ELFReader.read(elf, file: "a.elf")
    #expect(image.segments.map(\.address) == [0x0800_0000, 0x0800_1000])
    #expect(notices.count == 1 && notices[0].contains("virtual"))
  }

  @Test func withoutSectionHeadersOriginsAreOffsets() throws {
    let elf = Make.elf(loads: [.init(vaddr: 0x100, paddr: 0x100, data: [7])], withSections: false)
    let image = try ELFReader.read(elf, file: "a.elf").image
    #expect(image.segments[0].pieces[0].origin.location == .offset(84))
  }

  @Test func nonARMAndObjectFilesAreRefusedWithAdvice() {
    for (elf, word) in [(Make.elf(machine: 62, loads: [.init(vaddr: 0, paddr: 0, data: [1])]), "x86-64"),
                        (Make.elf(type: 1, loads: [.init(vaddr: 0, paddr: 0, data: [1])]), "relocatable")] {
      do { _ = try ELFReader.read(elf, file: "a.elf"); Issue.record("accepted") } catch {
        guard case .unsupported = error else { Issue.record("wrong error \(error)"); continue }
        #expect(error.description.contains(word))
      }
    }
    var elf64 = Make.elf(loads: [.init(vaddr: 0, paddr: 0, data: [1])])
    elf64[4] = 2
    #expect(throws: FileFormatError.self) { try ELFReader.read(elf64, file: "a.elf") }
  }

  @Test func overlappingSegmentsNameBothSections() {
    let elf = Make.elf(loads: [.init(vaddr: 0x100, paddr: 0x100, data: [1, 2], name: ".text"),
                               .init(vaddr: 0x101, paddr: 0x101, data: [7], name: ".rodata")])
    do { _ = try ELFReader.read(elf, file: "a.elf"); Issue.record("accepted") } catch {
      #expect(error.description.contains(".text") && error.description.contains(".rodata"))
    }
  }

  @Test func headersPointingOutsideTheFileAreErrors() {
    var elf = Make.elf(loads: [.init(vaddr: 0x100, paddr: 0x100, data: [1, 2])])
    elf.replaceSubrange(44..<46, with: [0xFF, 0xFF])  // e_phnum = 65535
    #expect(throws: FileFormatError.self) { try ELFReader.read(elf, file: "a.elf") }
    var big = Make.elf(loads: [.init(vaddr: 0x100, paddr: 0x100, data: [1, 2])])
    big.replaceSubrange((52 + 16)..<(52 + 24), with: Make.le32(0xFFFF_FF00) + Make.le32(0xFFFF_FF00))  // p_filesz huge
    #expect(throws: FileFormatError.self) { try ELFReader.read(big, file: "a.elf") }
    #expect(throws: FileFormatError.self) { try ELFReader.read(Array(big.prefix(30)), file: "a.elf") }
  }

  /// Found by the fuzzer: many program headers loading the same file bytes multiplied a small
  /// file into a huge image. Each file byte may now be loaded at most once.
  @Test func programHeadersReloadingTheSameBytesAreRefused() {
    var elf = Make.elf(loads: [.init(vaddr: 0x100, paddr: 0x100, data: [1, 2]), .init(vaddr: 0x200, paddr: 0x200, data: [3, 4])])
    elf.replaceSubrange((52 + 32 + 4)..<(52 + 32 + 8), with: Make.le32(52 + 64))  // second header → first one's bytes
    do { _ = try ELFReader.read(elf, file: "a.elf"); Issue.record("accepted") } catch {
      guard case .malformed = error else { Issue.record("wrong error \(error)"); return }
      #expect(error.description.contains("at most once"))
    }
  }
}
