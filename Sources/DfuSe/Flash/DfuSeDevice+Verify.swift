extension DfuSeDevice {
  /// Bytes read back per verify operation: the memory a verify needs is one
  /// window, not a second copy of the image (a 2 MiB image is 8 windows; each
  /// costs a few more control transfers: dfuIDLE check, SET_ADDRESS).
  static let verifyWindow = 256 * 1024

  /// Reads back every run, window by window under one progress bar, and
  /// compares as it goes: image bytes, and preserved bytes outside the image.
  /// - Returns: the mismatched address ranges, merged and in order (empty: verified).
  func verifyRuns(_ runs: [FlashPlan.Run], image: FirmwareImage, preserved: [UInt32: ArraySlice<UInt8>],
                  tuning: OperationTuning, progress: (OperationProgress) -> Void) throws(FlashError) -> [ClosedRange<UInt32>] {
    let total = runs.reduce(0) { $0 + $1.data.count }
    var done = 0
    var bad: [ClosedRange<UInt32>] = []
    for run in runs {
      var offset = 0
      while offset < run.data.count {
        let count = min(Self.verifyWindow, run.data.count - offset)
        let window = FlashPlan.Run(address: run.address + UInt32(offset), data: Array(run.data[offset..<(offset + count)]))
        let base = done
        let back = try readRanges([(window.address, count)], phase: .verify, tuning: tuning) { p in
          var whole = p
          whole.completedBytes = base + p.completedBytes
          whole.totalBytes = total
          progress(whole)
        }
        bad += Self.mismatches(image, run: window, readBack: back[...], preserved: preserved)
        offset += count
        done += count
      }
    }
    return Self.merged(bad)
  }

  /// Ranges in address order, touching ones joined (a mismatch across two windows is one range).
  static func merged(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
    var out: [ClosedRange<UInt32>] = []
    for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
      if let last = out.last, UInt64(last.upperBound) + 1 >= UInt64(r.lowerBound) {
        out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
      } else {
        out.append(r)
      }
    }
    return out
  }
}
