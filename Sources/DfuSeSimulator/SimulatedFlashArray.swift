/// A block of flash (main array or OTP) with its family programming rule
/// (stm32-dfu-facts §4). Erased bytes read 0xFF.
struct SimulatedFlashArray: Sendable {
  /// Address of `bytes[0]`.
  let base: UInt32
  var bytes: [UInt8]
  /// L4 only: one bit per 64-bit word, set once the word was programmed.
  var programmed: [UInt64]
  /// Granule of the program-once rule, nil for the F4 AND rule.
  let wordBytes: Int?

  init(base: UInt32, size: Int, family: SimulatedFlashFamily) {
    self.base = base
    bytes = [UInt8](repeating: 0xFF, count: size)
    wordBytes = family.programOnceWordBytes
    let words = wordBytes.map { (size + $0 - 1) / $0 } ?? 0
    programmed = [UInt64](repeating: 0, count: (words + 63) / 64)
  }

  var count: Int { bytes.count }
  var end: UInt64 { UInt64(base) + UInt64(bytes.count) }

  func contains(_ address: UInt64, count: Int) -> Bool {
    address >= UInt64(base) && address + UInt64(count) <= end
  }

  func isProgrammed(word: Int) -> Bool {
    programmed[word / 64] & (1 << UInt64(word % 64)) != 0
  }

  mutating func setProgrammed(word: Int, _ on: Bool) {
    if on { programmed[word / 64] |= 1 << UInt64(word % 64) } else { programmed[word / 64] &= ~(1 << UInt64(word % 64)) }
  }

  /// Erases `[offset, offset + count)` to 0xFF and forgets which words were programmed.
  mutating func erase(offset: Int, count: Int) {
    let range = max(0, offset)..<min(bytes.count, offset + count)
    guard !range.isEmpty else { return }
    for i in range { bytes[i] = 0xFF }
    if let w = wordBytes {
      for word in (range.lowerBound / w)...((range.upperBound - 1) / w) { setProgrammed(word: word, false) }
    }
  }

  /// What one program operation did.
  struct ProgramResult: Sendable {
    var bytesProgrammed = 0
    var rejectedWords = 0
  }

  /// Programs `data` at `offset` by the family rule.
  ///
  /// - F4: each byte becomes old AND new (only 1→0 transitions) [C, RM0090 §3.5.4].
  /// - L4: every 64-bit word touched is programmed once: bytes of the word the
  ///   write does not cover are programmed as 0xFF and the word is marked; a
  ///   word already marked is left unchanged (PROGERR, not reported by the
  ///   ROM; it only shows at verify) [C/O, stm32-dfu-facts §4].
  mutating func program(offset: Int, data: ArraySlice<UInt8>) -> ProgramResult {
    var result = ProgramResult()
    guard !data.isEmpty, offset >= 0, offset + data.count <= bytes.count else { return result }
    guard let w = wordBytes else {
      for (i, value) in data.enumerated() { bytes[offset + i] &= value }
      result.bytesProgrammed = data.count
      return result
    }
    let first = offset / w, last = (offset + data.count - 1) / w
    for word in first...last {
      let wordStart = word * w
      let lo = max(offset, wordStart), hi = min(offset + data.count, wordStart + w)
      if isProgrammed(word: word) {
        result.rejectedWords += 1
        continue
      }
      for i in wordStart..<min(wordStart + w, bytes.count) {
        let value: UInt8 = (lo..<hi).contains(i) ? data[data.startIndex + (i - offset)] : 0xFF
        bytes[i] &= value
      }
      setProgrammed(word: word, true)
      result.bytesProgrammed += hi - lo
    }
    return result
  }

  /// Raw store for test set-up: bytes are replaced; on L4 touched words are marked programmed.
  mutating func poke(offset: Int, data: ArraySlice<UInt8>) {
    guard offset >= 0, offset + data.count <= bytes.count, !data.isEmpty else { return }
    for (i, value) in data.enumerated() { bytes[offset + i] = value }
    if let w = wordBytes {
      for word in (offset / w)...((offset + data.count - 1) / w) { setProgrammed(word: word, true) }
    }
  }

  /// The programmed-word bitmap as little-endian bytes (for persistence).
  var programmedBitmapBytes: [UInt8] {
    programmed.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) } }
  }

  /// Restores the bitmap from ``programmedBitmapBytes``; false if the size is wrong.
  mutating func restoreProgrammedBitmap(_ raw: [UInt8]) -> Bool {
    guard raw.count == programmed.count * 8 else { return false }
    for i in programmed.indices {
      var word: UInt64 = 0
      for b in 0..<8 { word |= UInt64(raw[i * 8 + b]) << (8 * UInt64(b)) }
      programmed[i] = word
    }
    return true
  }
}
