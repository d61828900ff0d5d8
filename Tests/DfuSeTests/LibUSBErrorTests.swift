import Testing

@testable import DfuSe

@Suite("LibUSB error mapping")
struct LibUSBErrorTests {
  /// `enum libusb_error` values from libusb.h (stable ABI).
  @Test(arguments: [
    (Int32(-3), TransportError.accessDenied),
    (-4, .noDevice),
    (-9, .stall),
    (-7, .timeout),
    (-6, .busy),
    (-5, .notFound),
    (-8, .overflow),
  ])
  func namedCodes(code: Int32, expected: TransportError) {
    #expect(TransportError.fromLibUSB(code: code) == expected)
  }

  @Test(arguments: [
    (Int32(-1), "LIBUSB_ERROR_IO"),
    (-2, "LIBUSB_ERROR_INVALID_PARAM"),
    (-10, "LIBUSB_ERROR_INTERRUPTED"),
    (-11, "LIBUSB_ERROR_NO_MEM"),
    (-12, "LIBUSB_ERROR_NOT_SUPPORTED"),
    (-99, "LIBUSB_ERROR_OTHER"),
  ])
  func otherCodesCarryLibUSBName(code: Int32, name: String) {
    #expect(TransportError.fromLibUSB(code: code) == .other(code: code, name: name))
  }

  @Test func unknownCodeIsOther() {
    guard case .other(let code, let name) = TransportError.fromLibUSB(code: -1234) else {
      Issue.record("expected .other")
      return
    }
    #expect(code == -1234)
    #expect(!name.isEmpty)
  }

  @Test func accessDeniedAdviceMentionsUdevRule() {
    let text = TransportError.fromLibUSB(code: -3).description
    #expect(text.contains("udev"))
    #expect(text.contains("0483"))
    #expect(text.contains("df11"))
  }

  @Test func otherDescriptionNamesTheCode() {
    #expect(TransportError.fromLibUSB(code: -1).description.contains("LIBUSB_ERROR_IO"))
  }
}
