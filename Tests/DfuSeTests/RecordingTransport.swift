@testable import DfuSe

/// Wraps a transport and records the DfuSe commands and which SET_ADDRESS
/// started a run of data DNLOADs (for ordering tests).
final class RecordingTransport: DFUTransport {
  let inner: any DFUTransport
  private(set) var commands: [DfuSeCommand] = []
  /// Addresses of SET_ADDRESS commands directly followed by a data DNLOAD.
  private(set) var writeRunStarts: [UInt32] = []
  private var pendingAddress: UInt32?

  init(_ inner: any DFUTransport) { self.inner = inner }

  var interfaceNumber: UInt8 { inner.interfaceNumber }
  var alternateSetting: UInt8 { inner.alternateSetting }

  func controlOut(_ setup: SetupPacket, data: [UInt8], timeout: Duration) throws(TransportError) {
    if setup.request == DFURequest.download.rawValue {
      if setup.value == 0, let command = DfuSeCommand(payload: data) {
        commands.append(command)
        if case .setAddress(let a) = command { pendingAddress = a } else { pendingAddress = nil }
      } else if setup.value >= 2, let a = pendingAddress {
        writeRunStarts.append(a)
        pendingAddress = nil
      }
    }
    try inner.controlOut(setup, data: data, timeout: timeout)
  }

  func controlIn(_ setup: SetupPacket, timeout: Duration) throws(TransportError) -> [UInt8] {
    if setup.request == DFURequest.upload.rawValue { pendingAddress = nil }
    return try inner.controlIn(setup, timeout: timeout)
  }

  func selectAlternateSetting(_ alternate: UInt8) throws(TransportError) { try inner.selectAlternateSetting(alternate) }
  func reset() throws(TransportError) { try inner.reset() }
  func close() { inner.close() }
}
