/// The 6-byte DFU_GETSTATUS reply (DFU 1.1 §6.1.2; stm32-dfu-facts §1.2):
/// `bStatus | bwPollTimeout (24-bit LE, ms) | bState | iString`.
public struct StatusResponse: Hashable, Sendable, CustomStringConvertible {
  /// `bStatus`.
  public var status: DFUStatus
  /// `bwPollTimeout`: the minimum time, in milliseconds, the host should wait
  /// before the next GETSTATUS.
  public var pollTimeoutMilliseconds: UInt32
  /// `bState`: the state the device enters right after this response.
  public var state: DFUState
  /// `iString`: index of a status description string, 0 if none.
  public var stringIndex: UInt8

  /// The encoded length of the record.
  public static let byteCount = 6

  public init(status: DFUStatus, pollTimeoutMilliseconds: UInt32 = 0, state: DFUState, stringIndex: UInt8 = 0) {
    self.status = status
    self.pollTimeoutMilliseconds = min(pollTimeoutMilliseconds, 0xFF_FFFF)
    self.state = state
    self.stringIndex = stringIndex
  }

  /// `bwPollTimeout` as a duration.
  public var pollTimeout: Duration { .milliseconds(Int64(pollTimeoutMilliseconds)) }

  /// Parses a GETSTATUS reply.
  /// - Throws: ``DfuSeError/responseTooShort(request:got:expected:)`` for fewer than 6 bytes.
  public init(parsing bytes: [UInt8]) throws(DfuSeError) {
    guard bytes.count >= Self.byteCount else {
      throw .responseTooShort(request: .getStatus, got: bytes.count, expected: Self.byteCount)
    }
    status = DFUStatus(rawValue: bytes[0])
    pollTimeoutMilliseconds = UInt32(bytes[1]) | UInt32(bytes[2]) << 8 | UInt32(bytes[3]) << 16
    state = DFUState(rawValue: bytes[4])
    stringIndex = bytes[5]
  }

  /// The wire encoding (what a device sends).
  public var bytes: [UInt8] {
    // The field is 3 bytes: a larger value (settable after init) becomes the longest wait, not its low bits.
    let t = min(pollTimeoutMilliseconds, 0xFF_FFFF)
    return [status.rawValue, UInt8(t & 0xFF), UInt8(t >> 8 & 0xFF), UInt8(t >> 16 & 0xFF), state.rawValue, stringIndex]
  }

  public var description: String { "state \(state), status \(status.name), poll \(pollTimeoutMilliseconds) ms" }
}
