import Testing
@testable import DfuSe
import DfuSeSimulator

/// The bug dfutui exists for: the STM32L476 ROM corrupts a write longer than
/// 256 bytes that is not a multiple of 8 (AN2606; field-notes §1.1).
@Suite struct SeedBugTests {
  /// 2048 + 1001 bytes: a GCC-like image whose last chunk (where `.data`
  /// initialisers live) is 1001 bytes long.
  let image = pattern(2048 + 1001, seed: 476)

  @Test func aNaiveUnpaddedWriterCorruptsTheTail() throws {
    let bench = Bench(.stm32l476)
    let device = try bench.open()
    try device.eraseSectors(device.memoryMap.sectors(overlapping: 0x0800_0000, count: UInt64(image.count)))
    var naive = DFUOperation.write(image, at: 0x0800_0000, transferSize: 2048)
    try device.session.run(&naive)
    let back = bench.board.memory(at: 0x0800_0000, count: image.count)
    #expect(Array(back[..<2048]) == Array(image[..<2048]), "whole 2 KiB chunks are fine")
    #expect(Array(back[2048...]) != Array(image[2048...]), "the unaligned tail is corrupted")
  }

  @Test func dfutuiPadsTheTailAndVerifiesIt() throws {
    let bench = Bench(.stm32l476)
    let plan = try bench.plan(image)
    #expect(plan.programmedBytes % 8 == 0)
    let report = try bench.open().flash(plan)
    #expect(report.verified)
    #expect(bench.board.memory(at: 0x0800_0000, count: image.count) == image)
  }

  @Test func theSameUnpaddedWriteIsFineOnTheF405() throws {
    let bench = Bench(.stm32f405)
    let device = try bench.open()
    try device.eraseSectors(device.memoryMap.sectors(overlapping: 0x0800_0000, count: UInt64(image.count)))
    var naive = DFUOperation.write(image, at: 0x0800_0000, transferSize: 2048)
    try device.session.run(&naive)
    #expect(bench.board.memory(at: 0x0800_0000, count: image.count) == image)
  }
}
