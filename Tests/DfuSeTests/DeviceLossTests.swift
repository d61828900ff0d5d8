import Testing
@testable import DfuSe
import DfuSeSimulator

/// A cable pulled during a read, an erase, a leave, an option-byte read or a
/// Read Unprotect, as real Linux usbfs reports it (EPROTO → `LIBUSB_ERROR_IO`
/// on the transfer in flight, the device gone afterwards), is reported as a
/// disconnect with the phase, the flash state and the next step (issue 12 defect 5).
@Suite struct DeviceLossTests {
  /// The loss a read or erase on `bench` reports after `operation` failed, with the transport closed first.
  func loss(_ bench: Bench, _ operation: (DfuSeDevice, (OperationProgress) -> Void) throws(FlashError) -> Void,
            report: (FlashError, DFUDeviceInfo, OperationProgress?) -> DeviceLoss?) throws -> DeviceLoss? {
    let dfu = try bench.open()
    var last: OperationProgress?
    do throws(FlashError) {
      try operation(dfu, { last = $0 })
    } catch {
      dfu.transport.close()
      return report(error, dfu.info, last)
    }
    Issue.record("the operation should have failed")
    return nil
  }

  @Test(arguments: profiles)
  func aReadCutOffByAPulledCableSaysSo(profile: SimulatedProfile) throws {
    let bench = Bench(profile, faults: SimulatedFaults(disconnectAfterUploadBytes: 12 * 1024, disconnectAsIOError: true))
    let lost = try loss(bench, { dfu, progress throws(FlashError) in
      _ = try dfu.read(at: 0x0800_0000, count: 64 * 1024, progress: progress)
    }, report: { error, info, last in
      DeviceLoss.afterRead(error, device: info, bus: bench.bus, clock: bench.clock, last: last,
                           address: 0x0800_0000, count: 64 * 1024)
    })
    let loss = try #require(lost, "a read cut off by a pulled cable must be reported as a disconnect")
    #expect(loss.error == SimulatedFaults.ioError, "the transfer failed as usbfs reports it")
    #expect(loss.phase == .read)
    #expect(loss.reachedAddress == UInt32(0x0800_3000), "12 KiB read from 0x08000000")
    let text = loss.description
    #expect(text.contains("the device disconnected during"), "\(text)")
    #expect(text.contains("Flash: not changed"), "\(text)")
    #expect(text.contains("12 KiB of 64 KiB had been read") && text.contains("rerun the read"), "\(text)")
  }

  /// A read failing with the device still on the bus (a STALL) is not a disconnect.
  @Test func aReadStallWithTheDeviceStillThereIsNotALoss() throws {
    let bench = Bench(.stm32f405)
    bench.board.faults = SimulatedFaults(stallRequest: bench.board.requestLog.count + 6)
    let lost = try loss(bench, { dfu, progress throws(FlashError) in
      _ = try dfu.read(at: 0x0800_0000, count: 64 * 1024, progress: progress)
    }, report: { error, info, last in
      DeviceLoss.afterRead(error, device: info, bus: bench.bus, clock: bench.clock, last: last,
                           address: 0x0800_0000, count: 64 * 1024)
    })
    #expect(lost == nil)
  }

  /// Four 16 KiB F405 sectors; the cable is pulled at the third ERASE command.
  @Test func aSectorEraseCutOffNamesTheErasedSectorsAndTheCutOne() throws {
    let bench = Bench(.stm32f405, faults: SimulatedFaults(disconnectAfterErases: 2, disconnectAsIOError: true))
    let sectors = try bench.open().memoryMap.sectors(overlapping: 0x0800_0000, count: 64 * 1024)
    #expect(sectors.count == 4)
    let lost = try loss(bench, { dfu, progress throws(FlashError) in
      try dfu.eraseSectors(sectors, progress: progress)
    }, report: { error, info, last in
      DeviceLoss.afterErase(error, device: info, bus: bench.bus, clock: bench.clock, last: last, sectors: sectors)
    })
    #expect(bench.board.counters.pageErases == 2)
    let loss = try #require(lost, "an erase cut off by a pulled cable must be reported as a disconnect")
    #expect(loss.error == SimulatedFaults.ioError)
    #expect(loss.phase == .erase)
    #expect(loss.reachedAddress == UInt32(0x0800_8000), "the erase reached the third sector")
    let text = loss.description
    #expect(text.contains("the device disconnected during"), "\(text)")
    #expect(text.contains("sectors 0x08000000–0x08007FFF erased (2 of 4)"), "\(text)")
    #expect(text.contains("sector at 0x08008000 was cut off") && text.contains("1 more sector not touched"), "\(text)")
    #expect(text.contains("rerun the erase"), "\(text)")
  }

  @Test func aMassEraseCutOffSaysTheFlashIsUndefined() throws {
    let bench = Bench(.stm32l476, faults: SimulatedFaults(disconnectAfterErases: 0, disconnectAsIOError: true))
    let lost = try loss(bench, { dfu, progress throws(FlashError) in
      try dfu.massErase(progress: progress)
    }, report: { error, info, last in
      DeviceLoss.afterErase(error, device: info, bus: bench.bus, clock: bench.clock, last: last, sectors: nil)
    })
    let loss = try #require(lost)
    #expect(loss.phase == .erase)
    #expect(loss.description.contains("mass erase was cut off") && loss.description.contains("undefined"),
            "\(loss.description)")
  }

  /// The leave request itself is cut (not acknowledged): a disconnect in the
  /// leave phase, not "Left DFU mode", and not a bare USB error.
  @Test func aLeaveCutBeforeItWasAcknowledgedIsALoss() throws {
    let index = try LeaveAndUnprotectJobTests.leaveRequestIndex(offset: 0)
    let bench = LeaveAndUnprotectJobTests.bootableBench()
    bench.board.faults = SimulatedFaults(disconnectAtRequest: index, disconnectAsIOError: true)
    let device = bench.bus.devices()[0]
    let job = try LeaveJob.prepare(device: device, chip: ChipIdentity.identify(device).profile, bus: bench.bus,
                                   clock: bench.clock, logger: .silent)
    var failure: JobError?
    do throws(JobError) { _ = try job.run(confirmed: false, events: { _ in }) } catch { failure = error }
    guard case .deviceLost(let loss) = failure else {
      Issue.record("expected deviceLost, got \(String(describing: failure))")
      return
    }
    #expect(loss.error == SimulatedFaults.ioError)
    #expect(loss.phase == .leave)
    #expect(loss.description.contains("flash was not changed") && loss.description.contains("dfutui list"),
            "\(loss.description)")
    #expect(!bench.board.isRunningApplication)
  }

  /// The option-byte read of `options set` (its prepare) loses the device.
  @Test(arguments: profiles)
  func anOptionByteReadCutOffSaysNothingWasWritten(profile: SimulatedProfile) throws {
    let bench = Bench(profile, faults: SimulatedFaults(disconnectAfterUploadBytes: 0, disconnectAsIOError: true))
    let controller = try OptionByteController(bus: bench.bus, device: bench.bus.devices()[0], clock: bench.clock,
                                              logger: .silent)
    var failure: JobError?
    do throws(JobError) {
      _ = try OptionByteChangeJob.prepare(controller: controller, boot0Pin: false) { (ob: OptionBytes) throws(OptionByteError) in ob }
    } catch { failure = error }
    guard case .deviceLost(let loss) = failure else {
      Issue.record("expected deviceLost, got \(String(describing: failure))")
      return
    }
    #expect(loss.phase == .optionBytes)
    #expect(loss.description.contains("Nothing was written"), "\(loss.description)")
  }

  /// The 1-based request-log position of READ_UNPROTECT's DNLOAD (`offset` 0)
  /// or the status poll that starts it (`offset` 1), from an unfaulted run.
  static func readUnprotectRequestIndex(offset: Int) throws -> Int {
    let bench = Bench(.stm32f405)
    bench.board.setReadProtection(level1: true)
    let controller = try OptionByteController(bus: bench.bus, device: bench.bus.devices()[0], clock: bench.clock,
                                              logger: .silent)
    _ = try UnprotectJob(controller: controller).run(events: { _ in })
    // The only one-byte DfuSe command an unprotect sends (option bytes are read by UPLOAD).
    let log = bench.board.requestLog
    let command = try #require(log.firstIndex { $0.request == DFURequest.download.rawValue && $0.value == 0 && $0.length == 1 })
    return command + 1 + offset
  }

  /// A cable pulled at Read Unprotect: the ROM may be mass-erasing, so the
  /// report says the flash state is unknown, never to power-cycle, and to check
  /// RDP with `options show` after waiting and replugging (defects 5 and 6).
  @Test(arguments: [0, 1])
  func aReadUnprotectCutOffNeverAdvisesAPowerCycle(offset: Int) throws {
    let index = try Self.readUnprotectRequestIndex(offset: offset)
    let bench = Bench(.stm32f405)
    bench.board.setReadProtection(level1: true)
    bench.board.faults = SimulatedFaults(disconnectAtRequest: index, disconnectAsIOError: true)
    let controller = try OptionByteController(bus: bench.bus, device: bench.bus.devices()[0], clock: bench.clock,
                                              logger: .silent)
    var failure: JobError?
    do throws(JobError) { _ = try UnprotectJob(controller: controller).run(events: { _ in }) } catch { failure = error }
    guard case .deviceLost(let loss) = failure else {
      Issue.record("expected deviceLost, got \(String(describing: failure))")
      return
    }
    #expect(loss.phase == .unprotect)
    let text = loss.description
    #expect(text.contains("the device disconnected during"), "\(text)")
    #expect(text.contains("Flash: unknown") && text.contains("mass-erases"), "\(text)")
    #expect(text.contains("do NOT power-cycle") && !text.lowercased().contains("power-cycle the board"), "\(text)")
    #expect(text.contains("Wait") && text.contains("plug the cable back in") && text.contains("dfutui options show"),
            "\(text)")
  }
}
