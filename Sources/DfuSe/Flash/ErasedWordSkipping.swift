/// After an erase, flash words that should hold the erased value already do:
/// programming them only costs USB and programming time. Long enough stretches
/// of such words are left out of the write runs (issue 12), split at flash-word
/// boundaries so every piece stays a whole number of flash words (the L476-8B
/// rule, ECC word rules). The verify still reads those bytes and compares them
/// with the image (which holds the erased value there).
enum ErasedWordSkipping {
  /// What one extra split costs: a SET_ADDRESS exchange for the piece after the
  /// stretch plus a possibly shorter last DNLOAD before it, each a request and
  /// two status polls (~0.25–0.5 ms per control transfer on full speed,
  /// field-notes §4) [E: a cautious round figure].
  static let costPerSplit: Duration = .milliseconds(3)
  /// Download rate used for the saving per byte (USB full-speed EP0, field-notes §4).
  static let downloadBytesPerSecond = 1_000_000

  /// The shortest stretch of erased words worth skipping on `chip`, or nil where
  /// skipping is not done: unknown timing, or an erased value other than 0xFF
  /// (L0/L1 erase to 0x00 and their ROM pads differently; efton gotchas 98/99).
  static func minimumStretch(_ chip: ChipProfile, flashWordSize: Int) -> Int? {
    guard let timing = chip.timing, chip.family.erasedByte == 0xFF else { return nil }
    let perByte = timing.programPerByte + .nanoseconds(1_000_000_000 / Int64(downloadBytesPerSecond))
    let perByteNs = max(1, perByte.components.seconds * 1_000_000_000 + perByte.components.attoseconds / 1_000_000_000)
    let costNs = costPerSplit.components.seconds * 1_000_000_000 + costPerSplit.components.attoseconds / 1_000_000_000
    let bytes = Int((costNs + perByteNs - 1) / perByteNs)
    let word = max(1, flashWordSize)
    return max(2 * word, (bytes + word - 1) / word * word)
  }

  /// `runs` without the stretches of whole `word`-byte flash words that all hold
  /// `erased` and span at least `minimum` bytes. Runs not aligned to `word` are kept whole.
  static func split(_ runs: [FlashPlan.Run], word: Int, erased: UInt8, minimum: Int) -> [FlashPlan.Run] {
    var result: [FlashPlan.Run] = []
    for run in runs {
      guard word > 0, run.address % UInt32(word) == 0, run.data.count % word == 0 else { result.append(run); continue }
      var pieceStart = 0  // start of the piece being kept
      var stretchStart: Int?  // first erased word of the current stretch
      var offset = 0
      func closeStretch(at end: Int) {
        guard let s = stretchStart else { return }
        stretchStart = nil
        guard end - s >= minimum else { return }
        if s > pieceStart {
          result.append(FlashPlan.Run(address: run.address + UInt32(pieceStart), data: Array(run.data[pieceStart..<s])))
        }
        pieceStart = end
      }
      while offset < run.data.count {
        let isErased = run.data[offset..<(offset + word)].allSatisfy { $0 == erased }
        if isErased {
          if stretchStart == nil { stretchStart = offset }
        } else {
          closeStretch(at: offset)
        }
        offset += word
      }
      closeStretch(at: run.data.count)
      if pieceStart < run.data.count {
        result.append(pieceStart == 0 ? run
          : FlashPlan.Run(address: run.address + UInt32(pieceStart), data: Array(run.data[pieceStart...])))
      }
    }
    return result
  }
}
