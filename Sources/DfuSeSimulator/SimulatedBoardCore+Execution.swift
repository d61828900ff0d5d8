import DfuSe

extension SimulatedBoardCore {
  /// What executing one DNLOAD did.
  struct Outcome {
    var status: DFUStatus
    /// The device resets when the operation ends (option-byte write, Read Unprotect).
    var resets = false
  }

  /// Executes a stored DNLOAD on the GETSTATUS that answers dfuDNBUSY
  /// (AN3156 §5 deferred execution) and returns the reported poll timeout.
  /// The effect is applied at once; the ROM then stays busy for the actual
  /// duration on the clock. Errors still answer dfuDNBUSY first and show on
  /// the next GETSTATUS as dfuERROR + status (stm32-dfu-facts §2.2).
  mutating func start(_ operation: PendingDownload, now: Duration) -> UInt32 {
    counters.executedDownloads += 1
    let (cost, isErase) = nominalCost(of: operation)
    let outcome: Outcome
    if let fault = faults.errorStatus, fault.onCommand == counters.executedDownloads {
      faults.errorStatus = nil
      outcome = Outcome(status: fault.status)
    } else {
      outcome = perform(operation)
    }
    let actual = outcome.status == .ok ? cost.actual : .zero
    counters.busyTime += actual
    state = .downloadBusy
    busy = Busy(until: now + actual, isErase: isErase, completion: outcome.status)
    if outcome.resets { dropOff(.resetting(at: now + actual)) }
    return cost.reportedMilliseconds
  }

  /// The reported and actual cost of `operation` as the profile's timing
  /// model gives it (field-notes §4), and whether it is an erase (which the
  /// L4 ROM signals by STALLing early polls).
  func nominalCost(of operation: PendingDownload) -> (SimulatedTiming.Cost, isErase: Bool) {
    let timing = profile.timing
    switch operation {
    case .command(.setAddress):
      return (timing.setAddress, false)
    case .command(.erasePage(let address)):
      let size = maps.indices.contains(Int(alternate)) ? maps[Int(alternate)].sector(containing: address)?.size : nil
      return (size.map { timing.eraseCost(sectorSize: $0) } ?? timing.defaultSectorErase, true)
    case .command(.massErase):
      return (timing.massErase, true)
    case .command(.readUnprotect):
      // Unprotected: only RAM is cleared, nothing to wait for [U].
      return isReadProtected ? (timing.massErase, true)
        : (.init(reportedMilliseconds: timing.massErase.reportedMilliseconds, actual: .zero), false)
    case .write(let address, let data):
      switch memory.region(at: address, count: data.count) {
      case .optionBytes?:
        return (timing.optionByteWrite, false)
      case .sram?, .deviceFeature?:
        // RAM-like stores finish at once; the ROM is assumed to report the
        // flash programming estimate all the same [U].
        let cost = timing.programCost(address: address, count: data.count)
        return (.init(reportedMilliseconds: cost.reportedMilliseconds, actual: .zero), false)
      default:
        return (timing.programCost(address: address, count: data.count), false)
      }
    }
  }

  /// Applies `operation` by the ROM rules (AN3156 §5, Table 4; stm32-dfu-facts §2.2–§2.5).
  mutating func perform(_ operation: PendingDownload) -> Outcome {
    switch operation {
    case .command(.setAddress(let address)):
      return setAddress(address)
    case .command(.erasePage(let address)):
      return erasePage(containing: address)
    case .command(.massErase):
      guard !isReadProtected else { return Outcome(status: .errVendor) }
      eraseFlash(respectingWriteProtection: true)
      counters.massErases += 1
      return Outcome(status: .ok)
    case .command(.readUnprotect):
      return readUnprotect()
    case .write(let address, let data):
      return write(data, at: address)
    }
  }

  /// Set Address Pointer (0x21): the address must lie in the selected
  /// alternate's map, else errTARGET (AN3156 §5.2). Allowed under RDP 1
  /// (Table 4 note 2), except into the option bytes on ROMs with the
  /// Betaflight-observed quirk (errVENDOR) [O, stm32-dfu-facts §2.2].
  mutating func setAddress(_ address: UInt32) -> Outcome {
    if profile.quirks.optionByteSetAddressFailsUnderReadProtection, isReadProtected,
       case .optionBytes? = memory.region(at: UInt64(address), count: 1) {
      return Outcome(status: .errVendor)
    }
    guard isCovered(address: UInt64(address), count: 1, requiring: []) else { return Outcome(status: .errTarget) }
    addressPointer = address
    return Outcome(status: .ok)
  }

  /// Erase (0x41 + address): erases the whole sector containing the address,
  /// which need not be aligned (dfu-util relies on it, stm32-dfu-facts §2.6).
  /// errVENDOR under RDP 1; errTARGET outside erasable memory of the selected
  /// alternate; a write-protected sector is silently left alone (Table 4).
  mutating func erasePage(containing address: UInt32) -> Outcome {
    guard !isReadProtected else { return Outcome(status: .errVendor) }
    guard maps.indices.contains(Int(alternate)),
          let sector = maps[Int(alternate)].sector(containing: address), sector.access.contains(.erasable),
          case .flash(let offset)? = memory.region(at: UInt64(sector.address), count: Int(sector.size)) else {
      return Outcome(status: .errTarget)
    }
    let protected = writeProtection
    if let index = sectorIndexByAddress[sector.address], protected.indices.contains(index), protected[index] {
      return Outcome(status: .ok)
    }
    memory.flash.erase(offset: offset, count: Int(sector.size))
    counters.pageErases += 1
    return Outcome(status: .ok)
  }

  /// Read Unprotect (0x92, AN3156 §5.4): with RDP 1, option bytes go back to
  /// factory defaults (RDP 0xAA) and flash and RAM are erased; without
  /// protection only RAM is cleared. Either way the device then resets.
  mutating func readUnprotect() -> Outcome {
    if isReadProtected {
      memory.optionBytes = profile.optionByteZones.map { profile.family.normalizedOptionBytes($0.factoryDefault) }
      eraseFlash(respectingWriteProtection: false)
      counters.massErases += 1
    }
    memory.sram = [UInt8](repeating: 0, count: memory.sram.count)
    return Outcome(status: .ok, resets: true)
  }

  /// Write Memory (DNLOAD wValue ≥ 2, AN3156 §5.1). errVENDOR under RDP 1
  /// (any target); errTARGET unless the range lies in writable memory of the
  /// selected alternate.
  mutating func write(_ data: [UInt8], at address: UInt64) -> Outcome {
    guard !isReadProtected else { return Outcome(status: .errVendor) }
    guard isCovered(address: address, count: data.count, requiring: .writable),
          let region = memory.region(at: address, count: data.count) else {
      return Outcome(status: .errTarget)
    }
    switch region {
    case .optionBytes(let zone, let offset):
      // Only a whole zone written at its start is performed; the options are
      // rewritten, then the device resets (AN3156 §5.1, Fig. 7 footnote) [C];
      // other sizes are refused with errTARGET [U].
      guard offset == 0, data.count == memory.optionBytes[zone].count else { return Outcome(status: .errTarget) }
      memory.optionBytes[zone] = profile.family.normalizedOptionBytes(data)
      return Outcome(status: .ok, resets: true)
    case .flash(let offset):
      programFlash(data, offset: offset)
    case .otp(let offset):
      // OTP: programmed by the family rule (F4 AND, L4 once per 64-bit word), never erased.
      let result = memory.otp.program(offset: offset, data: data[...])
      counters.bytesProgrammed += result.bytesProgrammed
      counters.rejectedWordWrites += result.rejectedWords
    case .sram(let offset):
      memory.sram.replaceSubrange(offset..<(offset + data.count), with: data)
    case .deviceFeature(let offset):
      memory.deviceFeature.replaceSubrange(offset..<(offset + data.count), with: data)
    }
    return Outcome(status: .ok)
  }

  /// Programs main flash sector by sector, skipping write-protected sectors.
  ///
  /// Models the STM32L47x/48x ROM bug (AN2606 known limitation, field-notes
  /// §1.1): "if the buffer size is larger than 256 bytes and not multiple of
  /// 8 bytes, the write memory operation result is corrupted". Users report
  /// that "the last partial page is never written", so the model programs only
  /// the leading whole 256-byte rows of such a buffer and drops the rest
  /// (neither written nor marked programmed) [C bug / U exact corruption].
  mutating func programFlash(_ data: [UInt8], offset: Int) {
    var count = data.count
    if profile.quirks.corruptsLongUnalignedWrites, count > 256, count % 8 != 0 {
      count = count / 256 * 256
    }
    guard count > 0 else { return }
    let protected = writeProtection
    let start = UInt64(memory.flash.base) + UInt64(offset)
    for sector in flashMap.sectors(overlapping: UInt32(start), count: UInt64(count)) {
      if let index = sectorIndexByAddress[sector.address], protected.indices.contains(index), protected[index] {
        continue
      }
      let lo = max(start, UInt64(sector.address)), hi = min(start + UInt64(count), sector.end)
      let chunk = data[Int(lo - start)..<Int(hi - start)]
      let result = memory.flash.program(offset: Int(lo - UInt64(memory.flash.base)), data: chunk)
      counters.bytesProgrammed += result.bytesProgrammed
      counters.rejectedWordWrites += result.rejectedWords
    }
  }

  /// Erases the whole main flash, or its unprotected sectors [U: a mass erase
  /// with write-protected sectors is modelled as skipping them].
  mutating func eraseFlash(respectingWriteProtection: Bool) {
    let protected = respectingWriteProtection ? writeProtection : []
    for (index, sector) in flashSectors.enumerated() {
      if protected.indices.contains(index), protected[index] { continue }
      memory.flash.erase(offset: Int(UInt64(sector.address) - UInt64(memory.flash.base)), count: Int(sector.size))
    }
  }

  /// Write protection per main-flash sector, decoded from the current option bytes.
  var writeProtection: [Bool] {
    profile.family.writeProtectedSectors(optionBytes: memory.optionBytes, sectorCount: flashSectors.count)
  }

  /// After GETSTATUS reported dfuMANIFEST (AN3156 §5.5): the device leaves
  /// the bus. A valid vector table at the address pointer (initial SP inside
  /// SRAM, reset vector inside flash with the Thumb bit, neither 0xFFFFFFFF;
  /// field-notes §1.2.4) means the application runs and the board stays off
  /// the bus; otherwise it resets back into the ROM (BOOT0 assumed high) and
  /// re-enumerates [U]. So does a valid one with
  /// ``SimulatedFaults/applicationResetsToBootloader``.
  mutating func leave(now: Duration) {
    if hasValidVectorTable(at: addressPointer) && !faults.applicationResetsToBootloader {
      dropOff(.runningApplication)
    } else {
      dropOff(.resetting(at: now))
    }
  }

  func hasValidVectorTable(at address: UInt32) -> Bool {
    let vector = memory.read(at: address, count: 8)
    let sp = SimulatedFlashFamily.littleEndian32(vector, at: 0)
    let reset = SimulatedFlashFamily.littleEndian32(vector, at: 4)
    guard sp != 0xFFFF_FFFF, reset != 0xFFFF_FFFF, reset & 1 == 1 else { return false }
    let sramEnd = UInt64(profile.sramStart) + UInt64(profile.sramSize)
    guard UInt64(sp) >= UInt64(profile.sramStart), UInt64(sp) <= sramEnd else { return false }
    return UInt64(reset & ~1) >= UInt64(memory.flash.base) && UInt64(reset & ~1) < memory.flash.end
  }
}
