/// Runs the ``ErasePlanner`` choice on the device: the pre-read that proves a
/// mass erase lossless, stopped as soon as it stops paying or finds data.
extension DfuSeDevice {
  /// Decides how to erase `toErase` for `plan`.
  /// - Parameters:
  ///   - measuredRate: upload bytes per second measured earlier in this job, if any.
  /// - Returns: ``EraseDecision/Strategy/mass`` only when every erasable byte
  ///   outside the planned sectors was read back as the erased value.
  func chooseErase(_ plan: FlashPlan, toErase: [MemorySector], actions: [UInt32: SectorAction], options: FlashOptions,
                   measuredRate: Int?, tuning: OperationTuning,
                   progress: (OperationProgress) -> Void) throws(FlashError) -> EraseDecision {
    let word = ErasePlanner.sectorWord(plan.chip.family)
    guard !toErase.isEmpty else { return EraseDecision(.none, "nothing to erase") }
    if let blocker = ErasePlanner.massEraseBlocker(plan, actions: actions, options: options) {
      return EraseDecision(.sectors, "\(ErasePlanner.count(toErase.count, word)): \(blocker)")
    }
    let prior = measuredRate ?? ErasePlanner.assumedUploadBytesPerSecond
    var estimate = ErasePlanner.estimate(plan, erasing: toErase, uploadBytesPerSecond: prior,
                                         measured: measuredRate != nil)!
    let erased = plan.chip.family.erasedByte
    var readBytes = 0
    var readTime = Duration.zero
    // Highest addresses first: calibration and EEPROM-emulation pages usually sit at the end of flash.
    for block in Self.blocks(ErasePlanner.restRanges(plan), size: ErasePlanner.preReadBlock).reversed() {
      if readBytes >= 16 * 1024, readTime > .zero {
        estimate.uploadBytesPerSecond = Self.rate(readBytes, readTime)
        estimate.rateMeasured = true
      }
      // Only what is still to come counts: the part already read is spent either way.
      var remaining = estimate
      remaining.restBytes -= readBytes
      guard remaining.massErasePays else {
        return EraseDecision(.sectors, estimate.sectorsWin + (readBytes > 0 ? " (stopped the pre-read)" : ""),
                             estimate: estimate)
      }
      let start = session.clock.now
      let bytes = try readRanges([block], phase: .prepare, tuning: tuning, progress: progress)
      readTime += session.clock.now - start
      readBytes += bytes.count
      if let i = bytes.firstIndex(where: { $0 != erased }) {
        let at = block.0 + UInt32(i)
        return EraseDecision(.sectors, "\(ErasePlanner.count(toErase.count, word)): flash outside the image holds "
                             + "data at \(hex32(at)) (a mass erase would lose it)", estimate: estimate)
      }
    }
    if readBytes > 0, readTime > .zero {
      estimate.uploadBytesPerSecond = Self.rate(readBytes, readTime)
      estimate.rateMeasured = true
    }
    let rest = estimate.restBytes
    let why = rest == 0 ? "the image covers the whole flash"
      : "the other \(formatByteCount(UInt64(rest))) read blank (\(estimate.figures))"
    return EraseDecision(.mass, "mass erase \(Self.text(estimate.massEraseTime)) instead of "
                         + "\(ErasePlanner.count(toErase.count, word)) \(Self.text(estimate.sectorEraseTime)): " + why,
                         estimate: estimate)
  }

  /// `ranges` cut into pieces of at most `size` bytes.
  static func blocks(_ ranges: [(address: UInt32, count: Int)], size: Int) -> [(UInt32, Int)] {
    ranges.flatMap { r in
      stride(from: 0, to: r.count, by: size).map { (r.address + UInt32($0), min(size, r.count - $0)) }
    }
  }

  /// Bytes per second, clamped to a sane range (an instant link measures as 1 GB/s).
  static func rate(_ bytes: Int, _ time: Duration) -> Int {
    Int(min(1e9, max(1, Double(bytes) / max(1e-9, seconds(time)))))
  }

  static func text(_ d: Duration) -> String {
    let s = seconds(d)
    return s < 1 ? "\(Int((s * 1000).rounded())) ms" : "\(Double(Int((s * 100).rounded())) / 100) s"
  }
}

func seconds(_ d: Duration) -> Double {
  Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
