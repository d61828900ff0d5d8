import Testing
@testable import DfuSe

/// Exact request sequences of the sans-IO engine against scripted ROM replies.
@Suite struct EngineScriptTests {
  @Test func writeUsesOneSetAddressPerRunAndRestartsForAShortTail() {
    var op = DFUOperation.write([UInt8](repeating: 0xA5, count: 2048 * 2 + 16), at: 0x0800_0000, transferSize: 2048)
    let (seen, controls) = drive(&op, [
      .status(.dfuIdle),
      .ok, .status(.downloadBusy, poll: 104), .status(.downloadIdle),
      .ok, .status(.downloadBusy, poll: 9), .status(.downloadIdle),
      .ok, .status(.downloadBusy, poll: 9), .status(.downloadIdle),
      .ok, .status(.downloadBusy), .status(.downloadIdle),
      .ok, .status(.downloadBusy, poll: 1), .status(.downloadIdle),
    ])
    #expect(seen == [
      getStatus,
      dnload0(.setAddress(0x0800_0000)), getStatus, .wait(.milliseconds(104)), getStatus,
      .request("DNLOAD(2) 2048 B"), getStatus, .wait(.milliseconds(9)), getStatus,
      .request("DNLOAD(3) 2048 B"), getStatus, .wait(.milliseconds(9)), getStatus,
      dnload0(.setAddress(0x0800_1000)), getStatus, .wait(.milliseconds(1)), getStatus,
      .request("DNLOAD(2) 16 B"), getStatus, .wait(.milliseconds(1)), getStatus,
      .finished(.completed),
    ])
    #expect(controls.filter { $0.request == .download }.allSatisfy { $0.timeout == DFUOperation.shortTimeout })
    #expect(op.progress == OperationProgress(phase: .write, completedBytes: 4112, totalBytes: 4112, reachedAddress: 0x0800_1010))
  }

  @Test func firstStatusErrFirmwareIsClearedAndTheJobGoesOn() {
    var op = DFUOperation.erase([MemorySector(address: 0x0800_0000, size: 16384, access: .all)])
    let (seen, _) = drive(&op, [
      .status(.dfuError, .errFirmware), .ok, .status(.dfuIdle),
      .ok, .status(.downloadBusy, poll: 100), .status(.downloadIdle),
    ])
    #expect(seen == [
      getStatus, .request("DFU_CLRSTATUS"), getStatus,
      dnload0(.erasePage(0x0800_0000)), getStatus, .wait(.milliseconds(100)), getStatus,
      .finished(.completed),
    ])
  }

  @Test func leftoverDownloadAndUploadStatesAreAbortedToIdle() {
    var op = DFUOperation.getCommands()
    let (seen, _) = drive(&op, [
      .status(.uploadIdle), .ok, .status(.dfuIdle),
      .data([0x00, 0x21, 0x41, 0x92]),
      .ok, .status(.dfuIdle),
    ])
    #expect(seen == [getStatus, .request("DFU_ABORT"), getStatus, .request("UPLOAD(0) 16 B"),
                     .request("DFU_ABORT"), getStatus, .finished(.completed)])
    #expect(op.uploaded == [0x00, 0x21, 0x41, 0x92])
  }

  @Test func stalledStatusDuringL4EraseIsRetriedAfterTheLastPollTimeout() {
    var op = DFUOperation.erase([MemorySector(address: 0x0800_0800, size: 2048, access: .all)])
    let (seen, _) = drive(&op, [
      .status(.dfuIdle),
      .ok, .status(.downloadBusy, poll: 10), .error(.stall), .error(.stall), .status(.downloadIdle),
    ])
    #expect(seen == [
      getStatus, dnload0(.erasePage(0x0800_0800)), getStatus, .wait(.milliseconds(10)),
      getStatus, .wait(.milliseconds(10)), getStatus, .wait(.milliseconds(10)), getStatus,
      .finished(.completed),
    ])
  }

  @Test func tooManyStallsFailWithTheTransportError() {
    var op = DFUOperation.erase([MemorySector(address: 0x0800_0000, size: 2048, access: .all)])
    let replies: [Reply] = [.status(.dfuIdle), .ok, .status(.downloadBusy, poll: 10)]
      + Array(repeating: .error(.stall), count: DFUOperation.maxStalledPolls + 1)
    let (seen, _) = drive(&op, replies)
    guard case .failed(.transport(.stall, _)) = seen.last else {
      Issue.record("expected a stall failure, got \(seen.last.map(String.init(describing:)) ?? "nothing")")
      return
    }
  }

  @Test func massErasePollsEarlyButLetsTheDeviceHoldTheStatusRequestForFortySeconds() {
    var op = DFUOperation.massErase()
    let (seen, controls) = drive(&op, [
      .status(.dfuIdle), .ok, .status(.downloadBusy, poll: 100), .status(.downloadIdle),
    ])
    #expect(seen == [getStatus, dnload0(.massErase), getStatus, .wait(.milliseconds(100)), getStatus,
                     .finished(.completed)])
    let lastPoll = controls.last!
    #expect(lastPoll.request == .getStatus)
    #expect(lastPoll.timeout >= .seconds(40))
  }

  @Test func deviceErrorIsClearedThenReportedWithItsStatus() {
    var op = DFUOperation.erase([MemorySector(address: 0x0900_0000, size: 2048, access: .all)])
    let (seen, _) = drive(&op, [
      .status(.dfuIdle), .ok, .status(.downloadBusy), .status(.dfuError, .errTarget), .ok,
    ])
    #expect(seen.suffix(2) == [.request("DFU_CLRSTATUS"),
                               .failed(.deviceStatus(.errTarget, state: .dfuError, during: "erase: ERASE 0x09000000"))])
  }

  @Test func readAbortsBeforeUploadAndReportsReadProtection() {
    var op = DFUOperation.read(at: 0x0800_0000, count: 64, transferSize: 2048)
    let (seen, _) = drive(&op, [
      .status(.dfuIdle),
      .ok, .status(.downloadBusy), .status(.downloadIdle),
      .ok, .status(.dfuIdle),
      .error(.stall), .status(.dfuError, .errVendor), .ok,
    ])
    #expect(seen.prefix(8) == [getStatus, dnload0(.setAddress(0x0800_0000)), getStatus, .wait(.milliseconds(1)),
                               getStatus, .request("DFU_ABORT"), getStatus, .request("UPLOAD(2) 64 B")])
    guard case .failed(let error) = seen.last else { Issue.record("no failure: \(seen)"); return }
    #expect(error.isReadProtection)
    #expect(error.description.contains("read protection"))
  }

  @Test func readOfAShortTailUsesANewAddressAndBlockTwo() {
    var op = DFUOperation.read(at: 0x0800_0000, count: 2048 + 100, transferSize: 2048)
    let replies: [Reply] = [
      .status(.dfuIdle), .ok, .status(.downloadIdle), .ok, .status(.dfuIdle),
      .data(Array(repeating: 1, count: 2048)),
      .ok, .status(.dfuIdle), .ok, .status(.downloadIdle), .ok, .status(.dfuIdle),
      .data(Array(repeating: 2, count: 100)),
      .ok, .status(.dfuIdle),
    ]
    let (seen, _) = drive(&op, replies)
    #expect(seen.contains(dnload0(.setAddress(0x0800_0800))))
    #expect(seen.filter { $0 == .request("UPLOAD(2) 2048 B") || $0 == .request("UPLOAD(2) 100 B") }.count == 2)
    #expect(seen.last == .finished(.completed))
    #expect(op.uploaded == Array(repeating: 1, count: 2048) + Array(repeating: 2, count: 100))
  }

  @Test func leaveSetsTheAddressThenTreatsTheDisconnectAsSuccess() {
    var op = DFUOperation.leave(at: 0x0800_0000)
    let (seen, controls) = drive(&op, [
      .status(.dfuIdle), .ok, .status(.downloadBusy), .status(.downloadIdle), .ok, .error(.noDevice),
    ])
    #expect(seen == [getStatus, dnload0(.setAddress(0x0800_0000)), getStatus, .wait(.milliseconds(1)), getStatus,
                     .request("DNLOAD(0) 0 B"), getStatus, .finished(.deviceLeft)])
    #expect(controls[4].data.isEmpty && controls[4].request == .download && controls[4].value == 0)
  }

  @Test func leaveReportingManifestIsSuccess() {
    var op = DFUOperation.leave(at: 0x0800_0000)
    let (seen, _) = drive(&op, [.status(.dfuIdle), .ok, .status(.downloadIdle), .ok, .status(.manifest)])
    #expect(seen.last == .finished(.deviceLeft))
  }

  @Test func optionByteWriteExpectsTheDeviceToReset() {
    var op = DFUOperation.writeOptionBytes(Array(repeating: 0xFF, count: 16), at: 0x1FFF_C000)
    let (seen, _) = drive(&op, [
      .status(.dfuIdle), .ok, .status(.downloadIdle), .ok, .status(.downloadBusy, poll: 50), .error(.noDevice),
    ])
    #expect(seen.last == .finished(.deviceReset))
    #expect(seen.contains(.wait(.milliseconds(50))))
  }

  @Test func readUnprotectDisconnectIsSuccessButAnEarlyDisconnectIsNot() {
    var op = DFUOperation.readUnprotect()
    let (seen, _) = drive(&op, [.status(.dfuIdle), .ok, .status(.downloadBusy, poll: 20), .error(.noDevice)])
    #expect(seen == [getStatus, dnload0(.readUnprotect), getStatus, .wait(.milliseconds(20)), getStatus,
                     .finished(.deviceReset)])
    var early = DFUOperation.readUnprotect()
    let (seen2, _) = drive(&early, [.status(.dfuIdle), .error(.noDevice)])
    guard case .failed(.transport(.noDevice, _)) = seen2.last else { Issue.record("\(seen2)"); return }
  }

  @Test func applicationModeIsRefusedWithAdvice() {
    var op = DFUOperation.erase([])
    let (seen, _) = drive(&op, [.status(.appIdle)])
    #expect(seen.last == .failed(.notInDFUMode(.appIdle)))
  }

  @Test func aDeviceThatStaysBusyIsGivenUpOnWithoutHanging() {
    var op = DFUOperation.erase([MemorySector(address: 0x0800_0000, size: 2048, access: .all)])
    let (seen, _) = drive(&op, [.status(.dfuIdle), .ok] + Array(repeating: .status(.downloadBusy, poll: 0), count: 9000))
    guard case .failed(.stuckBusy) = seen.last else { Issue.record("last: \(String(describing: seen.last))"); return }
    let waits = seen.filter { if case .wait = $0 { return true } else { return false } }
    #expect(waits.allSatisfy { $0 == .wait(DFUOperation.minimumPollInterval) })
  }

  @Test func chunksRestartAtBlockTwoForAShortTail() {
    let chunks = DFUOperation.chunks(count: 2048 * 2 + 100, at: 0x0800_0000, transferSize: 2048)
    #expect(chunks.map { $0.2 } == [2, 3, 2])
    #expect(chunks.map { $0.0 } == [0x0800_0000, 0x0800_0800, 0x0800_1000])
    #expect(chunks.map { $0.1 } == [0..<2048, 2048..<4096, 4096..<4196])
  }
}
