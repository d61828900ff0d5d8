import Testing

@testable import DfuSe

@Suite("LibUSB transport")
struct LibUSBTransportTests {
  @Test(arguments: [
    (Duration.zero, UInt32(1)),
    (.nanoseconds(1), 1),
    (.microseconds(999), 1),
    (.milliseconds(1), 1),
    (.microseconds(1500), 2),
    (.milliseconds(5000), 5000),
    (.seconds(35), 35_000),
    (.seconds(-1), 1),
    (.milliseconds(-5), 1),
    (.seconds(5_000_000), UInt32.max),
    (.seconds(Int64.max), UInt32.max),
  ])
  func timeoutIsWholeMillisecondsNeverZero(timeout: Duration, expected: UInt32) {
    #expect(LibUSBTransport.milliseconds(timeout) == expected)
  }
}
