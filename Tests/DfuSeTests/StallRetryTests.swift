import Testing
@testable import DfuSe

/// A STALLed request that no error status explains is cleared with CLRSTATUS,
/// GETSTATUS confirms dfuIDLE, and the step is resent once (AN3156 §4 note);
/// real error statuses and a second STALL fail with advice.
@Suite struct StallRetryTests {
  @Test func aStalledEraseIsClearedAndResentOnce() {
    var op = DFUOperation.erase([MemorySector(address: 0x0800_0000, size: 2048, access: .all)])
    let (seen, _) = drive(&op, [
      .status(.dfuIdle),
      .error(.stall), .status(.dfuError, .errStalledPacket),  // ERASE stalled; the ROM says errSTALLEDPKT
      .ok, .status(.dfuIdle),                                  // CLRSTATUS, back in dfuIDLE
      .ok, .status(.downloadBusy), .status(.downloadIdle),     // ERASE resent and done
    ])
    #expect(seen == [getStatus, dnload0(.erasePage(0x0800_0000)), getStatus, .request("DFU_CLRSTATUS"), getStatus,
                     .wait(DFUOperation.minimumPollInterval), dnload0(.erasePage(0x0800_0000)), getStatus,
                     .wait(DFUOperation.minimumPollInterval), getStatus,
                     .finished(.completed)])
  }

  @Test func aSecondStallOnTheSameStepFailsWithWhatToCheck() {
    var op = DFUOperation.erase([MemorySector(address: 0x0800_0000, size: 2048, access: .all)])
    let (seen, _) = drive(&op, [
      .status(.dfuIdle),
      .error(.stall), .status(.dfuError, .errStalledPacket), .ok, .status(.dfuIdle),
      .error(.stall), .status(.dfuError, .errStalledPacket),
    ])
    guard case .failed(let error) = seen.last else { Issue.record("\(seen)"); return }
    #expect(error == .transport(.stall, during: "erase: ERASE 0x08000000"))
    #expect(error.description.contains("memory map"))
    #expect(error.description.contains("read protection"))
    #expect(seen.filter { $0 == dnload0(.erasePage(0x0800_0000)) }.count == 2)
  }

  @Test func aRealErrorStatusIsNotRetried() {
    var op = DFUOperation.erase([MemorySector(address: 0x0800_0000, size: 2048, access: .all)])
    let (seen, _) = drive(&op, [.status(.dfuIdle), .error(.stall), .status(.dfuError, .errVendor), .ok])
    #expect(seen.last == .failed(.deviceStatus(.errVendor, state: .dfuError, during: "erase: ERASE 0x08000000")))
    #expect(seen.filter { $0 == dnload0(.erasePage(0x0800_0000)) }.count == 1)
  }

  /// errPROG names the address the block was written to, the likely causes and the next step.
  @Test func aProgramErrorNamesTheAddressAndTheLikelyCauses() {
    var op = DFUOperation.write([UInt8](repeating: 0x5A, count: 4096), at: 0x0800_4000, transferSize: 2048)
    let (seen, _) = drive(&op, [
      .status(.dfuIdle), .ok, .status(.downloadBusy), .status(.downloadIdle),  // SET_ADDRESS
      .ok, .status(.downloadBusy), .status(.downloadIdle),                     // block 2 at 0x08004000
      .ok, .status(.dfuError, .errProg), .ok,                                  // block 3 at 0x08004800 fails
    ])
    guard case .failed(let error) = seen.last else { Issue.record("\(seen)"); return }
    let text = error.description
    #expect(text.contains("errPROG") && text.contains("at 0x08004800"), "\(text)")
    #expect(text.contains("write-protected") && text.contains("already programmed") && text.contains("failing"))
  }
}
