/// Executes a ``FlashPlan``: optional pre-read (differential, blank check on
/// non-ECC flash, preserve, backup), the erase choice (``ErasePlanner``:
/// page/sector erases or a lossless mass erase), erase, write (stretches of
/// erased words skipped, ``ErasedWordSkipping``), verify.
extension DfuSeDevice {
  /// Flashes `plan`.
  /// - Throws: ``FlashError``; a verify mismatch is ``DfuSeError/verifyFailed(mismatches:)``.
  ///   - saveBackup: with ``FlashOptions/backup``, called with the content of
  ///     every sector about to be erased, before the first erase; return an
  ///     error message to stop (nothing erased), or nil to go on.
  @discardableResult
  public func flash(_ plan: FlashPlan, options: FlashOptions = .init(),
                    saveBackup: (FirmwareImage) -> String? = { _ in nil },
                    progress: (OperationProgress) -> Void = { _ in }) throws(FlashError) -> FlashReport {
    let start = session.clock.now
    let before = session.statistics
    let tuning = OperationTuning(plan.chip)
    let transfer = plan.chip.transferSize(descriptor: transferSize)
    let ecc = plan.chip.family.hasECC
    let needsRead = options.differential || options.preserve || options.backup || !ecc

    // 1. Current content of every planned sector, when the options need it.
    var current: [UInt32: ArraySlice<UInt8>] = [:]
    var measuredRate: Int?  // upload bytes per second, for the erase choice
    if needsRead {
      let groups = Self.contiguousGroups(plan.sectors.map(\.sector))
      let readStart = session.clock.now
      let bytes = try readRanges(groups.map { ($0[0].address, Int($0.last!.end - UInt64($0[0].address))) },
                                 phase: .prepare, tuning: tuning, progress: progress)
      let readTime = session.clock.now - readStart
      if bytes.count >= 16 * 1024, readTime > .zero { measuredRate = Self.rate(bytes.count, readTime) }
      var offset = 0
      for s in groups.joined() {
        current[s.address] = bytes[offset..<(offset + Int(s.size))]
        offset += Int(s.size)
      }
    }

    // 2. Decide each sector.
    var actions: [UInt32: SectorAction] = [:]
    var skipped = 0
    for s in plan.sectors {
      guard let old = current[s.sector.address] else { actions[s.sector.address] = .eraseAndWrite; continue }
      let (same, programmable) = Self.compare(plan.image, old: old, sector: s.sector)
      if same && (options.differential || !ecc) {
        actions[s.sector.address] = .unchanged
        skipped += s.imageBytes
      } else if programmable && !ecc && !options.preserve {
        actions[s.sector.address] = .programWithoutErase
      } else {
        actions[s.sector.address] = .eraseAndWrite
      }
    }

    // 3. Page/sector erases or a lossless mass erase, by cost (may pre-read the rest of the flash).
    var toErase = plan.sectors.map(\.sector).filter { actions[$0.address] == .eraseAndWrite }
    let decision = try chooseErase(plan, toErase: toErase, actions: actions, options: options,
                                   measuredRate: measuredRate, tuning: tuning, progress: progress)

    // 4. Backup of what will be erased.
    var backup: FirmwareImage?
    if options.backup {
      var image = FirmwareImage()
      for s in plan.sectors where actions[s.sector.address] == .eraseAndWrite {
        try? image.add(Array(current[s.sector.address]!), at: s.sector.address,
                       origin: ImageOrigin(file: "backup", location: .offset(Int(s.sector.address))))
      }
      backup = image
      if let problem = saveBackup(image) { throw .aborted(problem) }
    }

    // 5. Erase: boot sector first, so an interruption never leaves a stale vector table in front of new code.
    if let boot = plan.bootSector, let i = toErase.firstIndex(of: boot) { toErase.insert(toErase.remove(at: i), at: 0) }
    if decision.strategy == .mass {
      let total = plan.map.segments.reduce(0) { $0 + Int($1.byteCount) }
      var op = DFUOperation.massErase(totalBytes: total, tuning: tuning)
      try run(&op, progress)
    } else if !toErase.isEmpty {
      var op = DFUOperation.erase(toErase, tuning: tuning)
      try run(&op, progress)
    }

    // 6. Write: runs in skipped sectors dropped, preserved sectors rewritten whole, erased words skipped,
    //    boot sector last.
    let runs = Self.writeRuns(plan, actions: actions, current: current, preserve: options.preserve)
    if !options.preserve { current = [:] }  // the pre-read buffer is not needed any more
    var programmed = runs
    if let minimum = ErasedWordSkipping.minimumStretch(plan.chip, flashWordSize: plan.flashWordSize) {
      programmed = ErasedWordSkipping.split(runs, word: plan.flashWordSize, erased: plan.padByte, minimum: minimum)
    }
    let ordered = programmed.filter { !plan.isInBootSector($0.address) }
      + programmed.filter { plan.isInBootSector($0.address) }
    if !ordered.isEmpty {
      var op = DFUOperation.write(runs: ordered.map { ($0.address, $0.data) }, transferSize: transfer, tuning: tuning)
      try run(&op, progress)
    }

    // 7. Verify every written byte that matters (skipped erased words included): image bytes and preserved bytes (not padding).
    var verified = false
    if options.verify && !runs.isEmpty {
      let mismatches = try verifyRuns(runs, image: plan.image, preserved: options.preserve ? current : [:], tuning: tuning,
                                      progress: progress)
      guard mismatches.isEmpty else { throw .device(.verifyFailed(mismatches: mismatches)) }
      verified = true
    } else if runs.isEmpty {
      verified = true  // nothing written: every sector was read and compared equal above
    }
    let stats = session.statistics
    let busyPolls = stats.busyPollTime - before.busyPollTime
    let waits = stats.waitTime - before.waitTime
    let programmedBytes = programmed.reduce(0) { $0 + $1.data.count }
    return FlashReport(
      imageBytes: plan.image.byteCount, programmedBytes: programmedBytes, skippedBytes: skipped,
      actions: actions, sectorsErased: toErase.count, verified: verified, elapsed: session.clock.now - start,
      usbTime: (stats.usbTime - before.usbTime) - busyPolls, deviceBusyTime: busyPolls + waits, hostWaitTime: waits,
      backup: backup, erase: decision, erasedBytesSkipped: runs.reduce(0) { $0 + $1.data.count } - programmedBytes)
  }

  /// Reads `ranges` in one operation (one progress bar), returning their bytes in order.
  func readRanges(_ ranges: [(UInt32, Int)], phase: OperationPhase, tuning: OperationTuning,
                  progress: (OperationProgress) -> Void) throws(FlashError) -> [UInt8] {
    var op = DFUOperation.read(ranges: ranges.map { (address: $0.0, count: $0.1) }, transferSize: transferSize,
                               phase: phase, tuning: tuning)
    try run(&op, progress)
    return op.uploaded
  }

  /// Sectors grouped into address-contiguous runs (one read each).
  static func contiguousGroups(_ sectors: [MemorySector]) -> [[MemorySector]] {
    var groups: [[MemorySector]] = []
    for s in sectors {
      if let last = groups.last?.last, last.end == UInt64(s.address) { groups[groups.count - 1].append(s) } else { groups.append([s]) }
    }
    return groups
  }

  /// Whether the image bytes in `sector` equal `old`, and whether they could be
  /// reached from `old` by clearing bits only (`old & new == new`).
  static func compare(_ image: FirmwareImage, old: ArraySlice<UInt8>, sector: MemorySector) -> (same: Bool, programmable: Bool) {
    var same = true, programmable = true
    for seg in image.segments where UInt64(seg.address) < sector.end && seg.end > UInt64(sector.address) {
      let from = max(UInt64(seg.address), UInt64(sector.address)), to = min(seg.end, sector.end)
      for a in from..<to {
        let new = seg.bytes[Int(a - UInt64(seg.address))], was = old[old.startIndex + Int(a - UInt64(sector.address))]
        if new != was { same = false }
        if was & new != new { programmable = false; return (false, false) }
      }
    }
    return (same, programmable)
  }

  /// The runs to program after the sector decisions.
  static func writeRuns(_ plan: FlashPlan, actions: [UInt32: SectorAction], current: [UInt32: ArraySlice<UInt8>],
                        preserve: Bool) -> [FlashPlan.Run] {
    if !preserve && !actions.values.contains(.unchanged) { return plan.runs }  // shares storage, no copy
    var result: [FlashPlan.Run] = []
    for run in plan.runs {
      // Split the run at sector boundaries and keep the pieces whose sector is written.
      var offset = 0
      while offset < run.data.count {
        let address = run.address + UInt32(offset)
        guard let sector = plan.map.sector(containing: address) else { break }
        let n = min(run.data.count - offset, Int(sector.end - UInt64(address)))
        let action = actions[sector.address] ?? .eraseAndWrite
        if action != .unchanged {
          if preserve, action == .eraseAndWrite, let old = current[sector.address] {
            var whole = Array(old)
            // Whole sector: old content with the run's bytes laid over it (once per sector).
            if !result.contains(where: { $0.address == sector.address }) {
              for r in plan.runs where UInt64(r.address) < sector.end && r.end > UInt64(sector.address) {
                let from = max(UInt64(r.address), UInt64(sector.address)), to = min(r.end, sector.end)
                for a in from..<to { whole[Int(a - UInt64(sector.address))] = r.data[Int(a - UInt64(r.address))] }
              }
              Self.restorePadding(&whole, image: plan.image, sector: sector, old: Array(old))
              result.append(FlashPlan.Run(address: sector.address, data: whole))
            }
          } else {
            result.append(FlashPlan.Run(address: address, data: Array(run.data[offset..<(offset + n)])))
          }
        }
        offset += n
      }
    }
    // Re-join pieces that touch, so each contiguous stretch costs one SET_ADDRESS.
    var joined: [FlashPlan.Run] = []
    for r in result.sorted(by: { $0.address < $1.address }) {
      if var last = joined.last, last.end == UInt64(r.address), !plan.crossesCut(at: r.address) {
        last.data += r.data
        joined[joined.count - 1] = last
      } else {
        joined.append(r)
      }
    }
    return joined
  }

  /// In a preserved sector, padding positions keep the old bytes instead of the pad value.
  static func restorePadding(_ whole: inout [UInt8], image: FirmwareImage, sector: MemorySector, old: [UInt8]) {
    var covered = [Bool](repeating: false, count: Int(sector.size))
    for seg in image.segments where UInt64(seg.address) < sector.end && seg.end > UInt64(sector.address) {
      let from = max(UInt64(seg.address), UInt64(sector.address)), to = min(seg.end, sector.end)
      for a in from..<to { covered[Int(a - UInt64(sector.address))] = true }
    }
    for i in 0..<whole.count where !covered[i] { whole[i] = old[i] }
  }

  /// Mismatched image (and preserved) bytes of one written run; padding is not compared.
  static func mismatches(_ image: FirmwareImage, run: FlashPlan.Run, readBack: ArraySlice<UInt8>,
                         preserved: [UInt32: ArraySlice<UInt8>]) -> [ClosedRange<UInt32>] {
    var bad: [ClosedRange<UInt32>] = []
    func note(_ address: UInt64) {
      let a = UInt32(address)
      if let last = bad.last, last.upperBound &+ 1 == a { bad[bad.count - 1] = last.lowerBound...a } else { bad.append(a...a) }
    }
    func got(_ a: UInt64) -> UInt8 { readBack[readBack.startIndex + Int(a - UInt64(run.address))] }
    var imageCovered: [(UInt64, UInt64)] = []
    for seg in image.segments where UInt64(seg.address) < run.end && seg.end > UInt64(run.address) {
      let from = max(UInt64(seg.address), UInt64(run.address)), to = min(seg.end, run.end)
      imageCovered.append((from, to))
      for a in from..<to where seg.bytes[Int(a - UInt64(seg.address))] != got(a) { note(a) }
    }
    for (sectorAddress, old) in preserved {
      let sEnd = UInt64(sectorAddress) + UInt64(old.count)
      guard UInt64(sectorAddress) < run.end, sEnd > UInt64(run.address) else { continue }
      for a in max(UInt64(sectorAddress), UInt64(run.address))..<min(sEnd, run.end)
      where !imageCovered.contains(where: { a >= $0.0 && a < $0.1 })
        && old[old.startIndex + Int(a - UInt64(sectorAddress))] != got(a) {
        note(a)
      }
    }
    return bad.sorted { $0.lowerBound < $1.lowerBound }
  }
}

extension FlashPlan {
  /// True when `address` lies in the boot sector.
  func isInBootSector(_ address: UInt32) -> Bool {
    guard let boot = bootSector else { return false }
    return address >= boot.address && UInt64(address) < boot.end
  }

  /// True when a run must not continue across `address` (bank boundary or boot-sector end).
  func crossesCut(at address: UInt32) -> Bool {
    chip.bankBoundaries.contains(address) || bootSector.map { UInt64(address) == $0.end } == true
  }
}
