import Synchronization
import Testing

@testable import DfuSe
import DfuSeSimulator

/// The verify reads back in windows of ``DfuSeDevice/verifyWindow`` (memory: one window,
/// not a second image) under one progress bar, and still reports every mismatch whole.
@Suite struct VerifyWindowTests {
  /// F405 sectors 5 and 6 (0x08020000–0x0805FFFF) write-protected: the ROM skips them
  /// silently, and the mismatch crosses the verify window boundary at 0x08040000.
  @Test func aMismatchAcrossTwoWindowsIsOneRangeAndProgressCoversTheWholeImage() throws {
    let bench = Bench(.stm32f405)
    bench.board.poke(at: 0x1FFF_C008, bytes: [0x9F, 0x0F, 0x60, 0xF0])  // nWRP bits 5 and 6 cleared
    try #require(bench.board.writeProtectedSectors.prefix(8) == [false, false, false, false, false, true, true, false])
    let size = 512 * 1024
    try #require(size > DfuSeDevice.verifyWindow)
    let device = try bench.open()
    var verify: [OperationProgress] = []
    do {
      // Zeros: every byte of a skipped (blank) sector differs, so the mismatch is one run.
      try device.flash(try bench.plan([UInt8](repeating: 0, count: size)), progress: { p in
        if p.phase == .verify { verify.append(p) }
      })
      Issue.record("the ROM skips protected sectors silently; verify must catch it")
    } catch let error as FlashError {
      guard case .device(.verifyFailed(let ranges)) = error else { Issue.record("\(error)"); return }
      #expect(ranges == [0x0802_0000...0x0805_FFFF])
    }
    #expect(verify.allSatisfy { $0.totalBytes == size }, "one bar over every window")
    #expect(zip(verify, verify.dropFirst()).allSatisfy { $0.completedBytes <= $1.completedBytes })
    #expect(verify.last?.completedBytes == size)
  }

  @Test func touchingRangesAreJoinedAndOthersKeptInOrder() {
    #expect(DfuSeDevice.merged([20...29, 0...9, 10...14, 16...19]) == [0...14, 16...29])
    #expect(DfuSeDevice.merged([5...6, 8...9]) == [5...6, 8...9])
    #expect(DfuSeDevice.merged([]) == [])
  }
}
