import DfuSe

/// What the simulated device does with one control request.
enum SimulatedReply: Sendable, Equatable {
  /// The data stage (empty for OUT requests): the request succeeded.
  case data([UInt8])
  /// The device STALLed the request.
  case stall
  /// The device is busy and does not answer before `until`; ask again then.
  case holdOff(until: Duration)
  /// The device is not on the bus (or the transport predates a re-enumeration).
  case noDevice
  /// The transfer broke off as a pulled cable does on real usbfs (EPROTO/EILSEQ,
  /// ``SimulatedFaults/ioError``); the device is gone for the next request.
  case ioError
}

extension SimulatedBoardCore {
  /// Handles one control transfer (AN3156 §3–§5, DFU 1.1 §6).
  ///
  /// - Parameters:
  ///   - outData: the data stage of an OUT transfer; nil for an IN transfer.
  ///   - generation: the connection generation the transport was opened under.
  ///   - firstAttempt: false when the same request is retried after a hold-off
  ///     (it is logged and counted once).
  mutating func receive(_ setup: SetupPacket, outData: [UInt8]?, generation gen: UInt64,
                        firstAttempt: Bool, now: Duration) -> SimulatedReply {
    settle(now: now)
    guard isConnected, gen == generation else { return .noDevice }
    if firstAttempt {
      requestLog.append(setup)
      if let k = faults.stallRequest, k == requestLog.count {
        faults.stallRequest = nil
        busy = nil
        return stallWithError()
      }
      if let k = faults.disconnectAtRequest, k == requestLog.count {
        faults.disconnectAtRequest = nil
        return pullCable()
      }
    }
    // USB-level checks: class request, interface recipient, interface 0, a
    // data stage matching wLength. Failures STALL without touching DFU state.
    guard setup.requestType & 0x7F == 0x21, setup.index == 0,
          setup.isDeviceToHost == (outData == nil),
          outData.map({ $0.count == Int(setup.length) }) ?? true else { return .stall }
    guard let request = DFURequest(rawValue: setup.request), request.requestType == setup.requestType else {
      return stallWithError()
    }
    if let b = busy, now < b.until {
      // L4 ROMs STALL a GETSTATUS during an erase; the state stays dfuDNBUSY
      // [O, stm32-dfu-facts §2.6]. Otherwise the ROM holds the request off
      // until the flash operation ends [P, field-notes §4].
      if request == .getStatus, b.isErase, profile.quirks.stallsStatusDuringErase { return .stall }
      return .holdOff(until: b.until)
    }
    let length = Int(setup.length)
    switch request {
    case .detach:
      // "The Detach request is not meaningful in the case of the bootloader" (AN3156 §2).
      return stallWithError()
    case .download:
      return download(setup, data: outData ?? [])
    case .upload:
      return upload(setup)
    case .getStatus:
      return .data(Array(getStatus(now: now).prefix(length)))
    case .clearStatus:
      // CLRSTATUS leaves dfuERROR; elsewhere it is an unexpected request
      // (DFU 1.1 §6.1.4; C5 ROM STALL observed, field-notes §3.8) [U for this part].
      guard state == .dfuError else { return stallWithError() }
      state = .dfuIdle
      status = .ok
      return .data([])
    case .getState:
      return .data(Array([state.rawValue].prefix(length)))
    case .abort:
      // ABORT returns to dfuIDLE and drops a stored DNLOAD. In dfuERROR only
      // CLRSTATUS is valid: ABORT is STALLed and the error (with its original
      // status) stays (DFU 1.1 state table) [U for the ROM].
      guard state != .dfuError else { return .stall }
      state = .dfuIdle
      status = .ok
      pending = nil
      return .data([])
    }
  }

  /// True for the ERASE command, sector or mass (AN3156 §5.3).
  func isErase(_ command: DfuSeCommand) -> Bool {
    switch command {
    case .erasePage, .massErase: return true
    default: return false
    }
  }

  /// A pulled cable (the `disconnect…` faults): the board leaves the bus and
  /// the request in flight fails as ``SimulatedFaults/disconnectAsIOError`` says.
  mutating func pullCable() -> SimulatedReply {
    dropOff(.unplugged)
    return faults.disconnectAsIOError ? .ioError : .noDevice
  }

  /// STALL and dfuERROR/errSTALLEDPKT: the DFU answer to a request that is
  /// not allowed in the current state (DFU 1.1 §6.1.2; AN2662 Fig. 55).
  mutating func stallWithError(_ error: DFUStatus = .errStalledPacket) -> SimulatedReply {
    state = .dfuError
    status = error
    pending = nil
    return .stall
  }

  /// DFU_DNLOAD (AN3156 §5): accepted in dfuIDLE and dfuDNLOAD-IDLE only.
  /// wValue 0 = DfuSe command, wValue ≥ 2 = write at
  /// `pointer + (wValue − 2) × wTransferSize` (``blockAddress(_:)``), wLength 0 = leave (any wValue).
  /// Nothing runs yet: the request is stored (dfuDNLOAD-SYNC) for the next GETSTATUS.
  mutating func download(_ setup: SetupPacket, data: [UInt8]) -> SimulatedReply {
    guard state == .dfuIdle || state == .downloadIdle else { return stallWithError() }
    guard setup.length <= profile.functionalDescriptor.transferSize else { return stallWithError() }
    if setup.length == 0 {
      state = .manifestSync
      return .data([])
    }
    switch setup.value {
    case 0:
      // Unknown opcodes are STALLed at once (AN2662 Fig. 55) [C].
      guard let command = DfuSeCommand(payload: data) else { return stallWithError() }
      if let n = faults.disconnectAfterErases, isErase(command), counters.pageErases + counters.massErases >= n {
        faults.disconnectAfterErases = nil
        return pullCable()
      }
      pending = .command(command)
    case 1:
      return stallWithError()
    default:
      if let limit = faults.disconnectAfterBytes, counters.bytesDownloaded + data.count > limit {
        faults.disconnectAfterBytes = nil
        return pullCable()
      }
      counters.bytesDownloaded += data.count
      let address = blockAddress(setup.value)
      pending = .write(address: address, data: data)
    }
    state = .downloadSync
    return .data([])
  }

  /// The address of block `blockNumber` ≥ 2: `Address_Pointer + (wBlockNum − 2) ×
  /// wTransferSize`, where wTransferSize is the functional descriptor's value,
  /// not this request's wLength. AN3156 §6 words it "length of the requested
  /// data buffer", but ST's device code (STM32 USB-FS library `usb_prop.c`
  /// `wTransferSize`, STM32Cube `usbd_dfu.c` `USBD_DFU_XFER_SIZE`) multiplies by
  /// the fixed transfer size, and dfu-util 0.11 relies on it: `dfuse_do_upload`
  /// asks for a short last chunk under the next block number. Found by running
  /// `dfu-util -U` against this board (issue #7).
  func blockAddress(_ blockNumber: UInt16) -> UInt64 {
    UInt64(addressPointer) + UInt64(blockNumber - 2) * UInt64(profile.functionalDescriptor.transferSize)
  }

  /// DFU_UPLOAD (AN3156 §4, §6): accepted in dfuIDLE and dfuUPLOAD-IDLE only.
  /// wValue 0 = Get Command (`00 21 41 92`), wValue ≥ 2 = read at
  /// `pointer + (wValue − 2) × wTransferSize` (``blockAddress(_:)``). Under RDP 1 a read is STALLed with
  /// dfuERROR/errVENDOR (AN3156 Table 4). A read not wholly inside readable
  /// memory of the selected alternate is STALLed with dfuERROR/errTARGET [U].
  mutating func upload(_ setup: SetupPacket) -> SimulatedReply {
    guard state == .dfuIdle || state == .uploadIdle else { return stallWithError() }
    guard setup.length <= profile.functionalDescriptor.transferSize else { return stallWithError() }
    let length = Int(setup.length)
    switch setup.value {
    case 0:
      state = .uploadIdle
      let commands = [DfuSeCommand.getCommandOpcode, DfuSeCommand.setAddressOpcode,
                      DfuSeCommand.eraseOpcode, DfuSeCommand.readUnprotectOpcode]
      return .data(Array(commands.prefix(length)))
    case 1:
      return stallWithError()
    default:
      guard !isReadProtected else { return stallWithError(.errVendor) }
      let address = blockAddress(setup.value)
      guard isCovered(address: address, count: length, requiring: .readable),
            let bytes = memory.readContiguous(at: address, count: length) else {
        return stallWithError(.errTarget)
      }
      if let limit = faults.disconnectAfterUploadBytes, counters.bytesUploaded + length > limit {
        faults.disconnectAfterUploadBytes = nil
        return pullCable()
      }
      counters.bytesUploaded += length
      state = .uploadIdle
      return .data(bytes)
    }
  }

  /// DFU_GETSTATUS: starts a stored DNLOAD (answering dfuDNBUSY with the
  /// reported poll timeout, AN3156 §5.1–5.4), reports dfuMANIFEST for a
  /// leave and then drops off the bus (§5.5), otherwise reports the state.
  mutating func getStatus(now: Duration) -> [UInt8] {
    switch state {
    case .downloadSync:
      guard let operation = pending else {
        state = .downloadIdle
        return StatusResponse(status: .ok, state: state).bytes
      }
      pending = nil
      let reported = start(operation, now: now)
      return StatusResponse(status: .ok, pollTimeoutMilliseconds: reported, state: .downloadBusy).bytes
    case .manifestSync:
      state = .manifest
      let reply = StatusResponse(status: .ok, state: .manifest).bytes
      leave(now: now)
      return reply
    default:
      return StatusResponse(status: status, state: state).bytes
    }
  }

  /// True when every byte of `[address, address + count)` lies in segments of
  /// the selected alternate's map that allow `access`.
  func isCovered(address: UInt64, count: Int, requiring access: MemoryAccess) -> Bool {
    guard maps.indices.contains(Int(alternate)), address + UInt64(max(count, 1)) <= 1 << 32 else { return false }
    return maps[Int(alternate)].firstUncoveredAddress(from: UInt32(address), count: UInt64(max(count, 1)),
                                                      requiring: access) == nil
  }
}
