import Testing

@testable import DfuSe

// MARK: - DFURequest

@Suite("Protocol: DFURequest")
struct DFURequestTests {
  /// stm32-dfu-facts §1.1: bRequest, name, bmRequestType.
  static let table: [(DFURequest, UInt8, String, UInt8)] = [
    (.detach, 0, "DFU_DETACH", 0x21),
    (.download, 1, "DFU_DNLOAD", 0x21),
    (.upload, 2, "DFU_UPLOAD", 0xA1),
    (.getStatus, 3, "DFU_GETSTATUS", 0xA1),
    (.clearStatus, 4, "DFU_CLRSTATUS", 0x21),
    (.getState, 5, "DFU_GETSTATE", 0xA1),
    (.abort, 6, "DFU_ABORT", 0x21),
  ]

  @Test("request codes, names and bmRequestType", arguments: table)
  func values(_ request: DFURequest, _ code: UInt8, _ name: String, _ requestType: UInt8) {
    #expect(request.rawValue == code)
    #expect(DFURequest(rawValue: code) == request)
    #expect(request.description == name)
    #expect(request.requestType == requestType)
    #expect(request.isDeviceToHost == (requestType & 0x80 != 0))
  }

  @Test func getStateIsAnInRequest() {
    #expect(DFURequest.getState.requestType == 0xA1)
    #expect(DFURequest.getState.isDeviceToHost)
  }

  @Test func tableCoversEveryCase() {
    #expect(DFURequest.allCases.count == 7)
    #expect(Set(Self.table.map(\.0.rawValue)) == Set(DFURequest.allCases.map(\.rawValue)))
    #expect(DFURequest(rawValue: 7) == nil)
  }
}

// MARK: - DFUState / DFUStatus

@Suite("Protocol: DFUState and DFUStatus")
struct DFUStateStatusTests {
  static let states: [(UInt8, String, DFUState)] = [
    (0, "appIDLE", .appIdle),
    (1, "appDETACH", .appDetach),
    (2, "dfuIDLE", .dfuIdle),
    (3, "dfuDNLOAD-SYNC", .downloadSync),
    (4, "dfuDNBUSY", .downloadBusy),
    (5, "dfuDNLOAD-IDLE", .downloadIdle),
    (6, "dfuMANIFEST-SYNC", .manifestSync),
    (7, "dfuMANIFEST", .manifest),
    (8, "dfuMANIFEST-WAIT-RESET", .manifestWaitReset),
    (9, "dfuUPLOAD-IDLE", .uploadIdle),
    (10, "dfuERROR", .dfuError),
  ]

  static let statuses: [(UInt8, String, DFUStatus)] = [
    (0x00, "OK", .ok),
    (0x01, "errTARGET", .errTarget),
    (0x02, "errFILE", .errFile),
    (0x03, "errWRITE", .errWrite),
    (0x04, "errERASE", .errErase),
    (0x05, "errCHECK_ERASED", .errCheckErased),
    (0x06, "errPROG", .errProg),
    (0x07, "errVERIFY", .errVerify),
    (0x08, "errADDRESS", .errAddress),
    (0x09, "errNOTDONE", .errNotDone),
    (0x0A, "errFIRMWARE", .errFirmware),
    (0x0B, "errVENDOR", .errVendor),
    (0x0C, "errUSBR", .errUSBReset),
    (0x0D, "errPOR", .errPOR),
    (0x0E, "errUNKNOWN", .errUnknown),
    (0x0F, "errSTALLEDPKT", .errStalledPacket),
  ]

  @Test("state names", arguments: states)
  func stateNames(_ raw: UInt8, _ name: String, _ state: DFUState) {
    #expect(state.rawValue == raw)
    #expect(DFUState(rawValue: raw) == state)
    #expect(state.description == name)
  }

  @Test("status names", arguments: statuses)
  func statusNames(_ raw: UInt8, _ name: String, _ status: DFUStatus) {
    #expect(status.rawValue == raw)
    #expect(DFUStatus(rawValue: raw) == status)
    #expect(status.name == name)
    #expect(status.description.hasPrefix(name + " ("))
    #expect(!status.meaning.isEmpty)
    #expect(status.meaning != DFUStatus(rawValue: 0x42).meaning)
  }

  @Test("unknown values are kept and described", arguments: [UInt8(11), 0x42, 0xFF])
  func unknownState(_ raw: UInt8) {
    let state = DFUState(rawValue: raw)
    #expect(state.rawValue == raw)
    #expect(state.description.contains(String(raw)))
    #expect(!Self.states.map(\.1).contains(state.description))
  }

  @Test("unknown status codes are kept and described", arguments: [UInt8(0x10), 0x42, 0xFF])
  func unknownStatus(_ raw: UInt8) {
    let status = DFUStatus(rawValue: raw)
    #expect(status.rawValue == raw)
    #expect(status.name.contains(String(raw, radix: 16, uppercase: true)))
    #expect(!Self.statuses.map(\.1).contains(status.name))
    #expect(status.description.contains(status.name))
    #expect(status.meaning == "status code not defined by DFU 1.1")
  }

  @Test func everyByteHasADistinctName() {
    let all = (0...255).map { UInt8($0) }
    #expect(Set(all.map { DFUState(rawValue: $0).description }).count == 256)
    #expect(Set(all.map { DFUStatus(rawValue: $0).name }).count == 256)
    #expect(all.allSatisfy { !DFUStatus(rawValue: $0).description.isEmpty })
  }
}

// MARK: - StatusResponse

@Suite("Protocol: StatusResponse")
struct StatusResponseTests {
  @Test func parsesDnBusyWith100ms() throws {
    let r = try StatusResponse(parsing: [0x00, 0x64, 0x00, 0x00, 0x04, 0x00])
    #expect(r.status == .ok)
    #expect(r.pollTimeoutMilliseconds == 100)
    #expect(r.pollTimeout == .milliseconds(100))
    #expect(r.state == .downloadBusy)
    #expect(r.stringIndex == 0)
  }

  @Test func pollTimeoutIs24BitLittleEndian() throws {
    let r = try StatusResponse(parsing: [0x0A, 0x01, 0x02, 0x03, 0x0A, 0x07])
    #expect(r.status == .errFirmware)
    #expect(r.pollTimeoutMilliseconds == 0x03_0201)
    #expect(r.pollTimeout == .milliseconds(0x03_0201))
    #expect(r.state == .dfuError)
    #expect(r.stringIndex == 7)
    #expect(r.bytes == [0x0A, 0x01, 0x02, 0x03, 0x0A, 0x07])
  }

  @Test func largestPollTimeout() throws {
    let r = try StatusResponse(parsing: [0x00, 0xFF, 0xFF, 0xFF, 0x02, 0x00])
    #expect(r.pollTimeoutMilliseconds == 0xFF_FFFF)
  }

  @Test("encode → parse round trip", arguments: [
    StatusResponse(status: .ok, state: .dfuIdle),
    StatusResponse(status: .ok, pollTimeoutMilliseconds: 35_000, state: .downloadBusy),
    StatusResponse(status: .errTarget, pollTimeoutMilliseconds: 0xFF_FFFF, state: .dfuError, stringIndex: 3),
    StatusResponse(status: DFUStatus(rawValue: 0x42), pollTimeoutMilliseconds: 0x12_3456, state: DFUState(rawValue: 0x42), stringIndex: 0xFF),
  ])
  func roundTrip(_ r: StatusResponse) throws {
    #expect(r.bytes.count == StatusResponse.byteCount)
    #expect(try StatusResponse(parsing: r.bytes) == r)
  }

  @Test func encodingLayout() {
    let r = StatusResponse(status: .errVendor, pollTimeoutMilliseconds: 0x0A_0B0C, state: .dfuError, stringIndex: 9)
    #expect(r.bytes == [0x0B, 0x0C, 0x0B, 0x0A, 0x0A, 0x09])
  }

  @Test func pollTimeoutIsClampedTo24Bits() {
    let r = StatusResponse(status: .ok, pollTimeoutMilliseconds: 0x0100_0000, state: .downloadBusy)
    #expect(r.pollTimeoutMilliseconds == 0xFF_FFFF)
    #expect(Array(r.bytes[1...3]) == [0xFF, 0xFF, 0xFF])
    var mutated = StatusResponse(status: .ok, state: .downloadBusy)
    mutated.pollTimeoutMilliseconds = 0x0100_0001
    // Too large for the 3-byte field: the longest encodable wait, not 1 ms.
    #expect(Array(mutated.bytes[1...3]) == [0xFF, 0xFF, 0xFF])
  }

  @Test("a reply shorter than 6 bytes throws", arguments: [0, 1, 5])
  func tooShort(_ count: Int) {
    let bytes = Array([0x00, 0x64, 0x00, 0x00, 0x04, 0x00].prefix(count)) as [UInt8]
    #expect(throws: DfuSeError.responseTooShort(request: .getStatus, got: count, expected: 6)) {
      try StatusResponse(parsing: bytes)
    }
  }

  @Test func descriptionNamesStateStatusAndTimeout() {
    let d = StatusResponse(status: .errTarget, pollTimeoutMilliseconds: 100, state: .dfuError).description
    #expect(d.contains("dfuERROR"))
    #expect(d.contains("errTARGET"))
    #expect(d.contains("100"))
  }
}

// MARK: - FunctionalDescriptor

@Suite("Protocol: FunctionalDescriptor")
struct FunctionalDescriptorTests {
  /// lsusb on F407/F411/F107 ROMs (stm32-dfu-facts §1.4).
  static let f4: [UInt8] = [0x09, 0x21, 0x0B, 0xFF, 0x00, 0x00, 0x08, 0x1A, 0x01]

  @Test func parsesF4ROMValues() throws {
    let d = try #require(FunctionalDescriptor(parsing: Self.f4))
    #expect(d.attributes.rawValue == 0x0B)
    #expect(d.attributes == [.canDownload, .canUpload, .willDetach])
    #expect(!d.attributes.contains(.manifestationTolerant))
    #expect(d.detachTimeoutMilliseconds == 255)
    #expect(d.transferSize == 2048)
    #expect(d.dfuVersion == 0x011A)
    #expect(d.isDfuSe)
    #expect(d.bytes == Self.f4)
  }

  @Test func plainDFU11IsNotDfuSe() throws {
    let d = try #require(FunctionalDescriptor(parsing: [0x09, 0x21, 0x07, 0x00, 0x00, 0x00, 0x04, 0x10, 0x01]))
    #expect(d.dfuVersion == 0x0110)
    #expect(!d.isDfuSe)
    #expect(d.transferSize == 1024)
    #expect(d.attributes == [.canDownload, .canUpload, .manifestationTolerant])
  }

  @Test func sevenByteDFU10Form() throws {
    let d = try #require(FunctionalDescriptor(parsing: [0x07, 0x21, 0x01, 0x10, 0x27, 0x40, 0x00]))
    #expect(d.detachTimeoutMilliseconds == 10_000)
    #expect(d.transferSize == 64)
    #expect(d.dfuVersion == 0x0100)
  }

  @Test("rejects", arguments: [
    [UInt8](),
    [0x09, 0x21, 0x0B, 0xFF, 0x00, 0x00],  // too short
    [0x09, 0x04, 0x0B, 0xFF, 0x00, 0x00, 0x08, 0x1A, 0x01],  // wrong type (interface)
    [0x05, 0x21, 0x0B, 0xFF, 0x00, 0x00, 0x08, 0x1A, 0x01],  // bLength too small
  ] as [[UInt8]])
  func rejects(_ bytes: [UInt8]) {
    #expect(FunctionalDescriptor(parsing: bytes) == nil)
  }

  @Test func parsesFromASliceNotStartingAtZero() throws {
    let run: [UInt8] = [0xAA, 0xBB] + Self.f4
    let d = try #require(FunctionalDescriptor(parsing: run[2...]))
    #expect(d.transferSize == 2048)
    #expect(d.isDfuSe)
  }

  @Test func roundTrip() throws {
    let d = FunctionalDescriptor(attributes: [.canDownload, .willDetach], detachTimeoutMilliseconds: 0x1234,
                                 transferSize: 0x0800, dfuVersion: 0x011A)
    #expect(d.bytes == [9, 0x21, 0x09, 0x34, 0x12, 0x00, 0x08, 0x1A, 0x01])
    #expect(FunctionalDescriptor(parsing: d.bytes) == d)
  }

  /// An F4 ROM configuration's interface descriptors (alt 0–3, class FE/01/02)
  /// followed by the functional descriptor, as libusb hands back `extra` bytes.
  static func interface(alt: UInt8) -> [UInt8] { [0x09, 0x04, 0x00, alt, 0x00, 0xFE, 0x01, 0x02, 0x04 + alt] }

  @Test func findAfterFourAlternateSettings() throws {
    let run = (0...3).flatMap { Self.interface(alt: UInt8($0)) } + Self.f4
    #expect(run.count == 45)
    let d = try #require(FunctionalDescriptor.find(in: run))
    #expect(d.bytes == Self.f4)
  }

  @Test func findAfterConfigurationHeaderAndBeforeOtherDescriptors() throws {
    let config: [UInt8] = [0x09, 0x02, 0x36, 0x00, 0x01, 0x01, 0x00, 0xC0, 0x32]
    let endpoint: [UInt8] = [0x07, 0x05, 0x81, 0x02, 0x40, 0x00, 0x00]
    let run = config + Self.interface(alt: 0) + Self.f4 + endpoint
    let d = try #require(FunctionalDescriptor.find(in: run))
    #expect(d.transferSize == 2048)
    #expect(d.detachTimeoutMilliseconds == 255)
  }

  @Test func findAtStart() {
    #expect(FunctionalDescriptor.find(in: Self.f4)?.isDfuSe == true)
  }

  @Test("find gives nil", arguments: [
    [UInt8](),
    [0x09, 0x04, 0x00, 0x00, 0x00, 0xFE, 0x01, 0x02, 0x04],  // no functional descriptor
    [0x09, 0x04, 0x00, 0x00, 0x00, 0xFE, 0x01, 0x02, 0x04, 0x09, 0x21, 0x0B],  // truncated
    [0x00, 0x21, 0x0B, 0xFF, 0x00, 0x00, 0x08, 0x1A, 0x01],  // zero length would loop forever
    [0x09],
  ] as [[UInt8]])
  func findNil(_ run: [UInt8]) {
    #expect(FunctionalDescriptor.find(in: run) == nil)
  }

  @Test func findDoesNotMistakeDataBytesForTheType() {
    // 0x21 inside an interface descriptor's payload must not be taken as a descriptor type.
    let run: [UInt8] = [0x09, 0x04, 0x21, 0x09, 0x21, 0xFE, 0x01, 0x02, 0x04]
    #expect(FunctionalDescriptor.find(in: run) == nil)
  }
}

// MARK: - DfuSeCommand

@Suite("Protocol: DfuSeCommand")
struct DfuSeCommandTests {
  static let table: [(DfuSeCommand, [UInt8], String)] = [
    (.setAddress(0x0800_0000), [0x21, 0x00, 0x00, 0x00, 0x08], "SET_ADDRESS 0x08000000"),
    (.setAddress(0x1FFF_C000), [0x21, 0x00, 0xC0, 0xFF, 0x1F], "SET_ADDRESS 0x1FFFC000"),
    (.setAddress(0x1234_5678), [0x21, 0x78, 0x56, 0x34, 0x12], "SET_ADDRESS 0x12345678"),
    (.erasePage(0x0802_0000), [0x41, 0x00, 0x00, 0x02, 0x08], "ERASE 0x08020000"),
    (.erasePage(0xFFFF_FFFF), [0x41, 0xFF, 0xFF, 0xFF, 0xFF], "ERASE 0xFFFFFFFF"),
    (.massErase, [0x41], "MASS_ERASE"),
    (.readUnprotect, [0x92], "READ_UNPROTECT"),
  ]

  @Test("payloads and decoding", arguments: table)
  func payloads(_ command: DfuSeCommand, _ payload: [UInt8], _ description: String) {
    #expect(command.payload == payload)
    #expect(DfuSeCommand(payload: payload) == command)
    #expect(command.description == description)
  }

  @Test func opcodes() {
    #expect(DfuSeCommand.getCommandOpcode == 0x00)
    #expect(DfuSeCommand.setAddressOpcode == 0x21)
    #expect(DfuSeCommand.eraseOpcode == 0x41)
    #expect(DfuSeCommand.readUnprotectOpcode == 0x92)
  }

  @Test("unknown or malformed payloads decode to nil", arguments: [
    [],
    [0x00],  // Get Command has no DNLOAD form
    [0x21],  // set address without address
    [0x21, 0x00, 0x00, 0x08],  // short address
    [0x21, 0x00, 0x00, 0x00, 0x08, 0x00],  // long
    [0x41, 0x00, 0x00],
    [0x92, 0x00],
    [0x33, 0x00, 0x00, 0x00, 0x08],
  ] as [[UInt8]])
  func malformed(_ payload: [UInt8]) {
    #expect(DfuSeCommand(payload: payload) == nil)
  }

  @Test func hex32Formatting() {
    #expect(hex32(0) == "0x00000000")
    #expect(hex32(0x0800_0000) == "0x08000000")
    #expect(hex32(0xABCD_EF01) == "0xABCDEF01")
  }
}

// MARK: - SetupPacket

@Suite("Protocol: SetupPacket")
struct SetupPacketTests {
  /// (request, wValue, interface, wLength, bmRequestType)
  static let table: [(DFURequest, UInt16, UInt8, Int, UInt8)] = [
    (.detach, 1000, 0, 0, 0x21),
    (.download, 2, 0, 2048, 0x21),
    (.download, 0, 0, 5, 0x21),
    (.upload, 2, 1, 2048, 0xA1),
    (.getStatus, 0, 0, 6, 0xA1),
    (.clearStatus, 0, 2, 0, 0x21),
    (.getState, 0, 3, 1, 0xA1),
    (.abort, 0, 0, 0, 0x21),
  ]

  @Test("each DFU request", arguments: table)
  func packet(_ request: DFURequest, _ value: UInt16, _ interface: UInt8, _ length: Int, _ requestType: UInt8) {
    let p = SetupPacket(request, value: value, interface: interface, length: length)
    #expect(p.requestType == requestType)
    #expect(p.request == request.rawValue)
    #expect(p.value == value)
    #expect(p.index == UInt16(interface))
    #expect(p.length == UInt16(length))
    #expect(p.dfuRequest == request)
    #expect(p.isDeviceToHost == (requestType == 0xA1))
    #expect(p == SetupPacket(requestType: requestType, request: request.rawValue, value: value,
                             index: UInt16(interface), length: UInt16(length)))
  }

  @Test func defaultValueIsZero() {
    let p = SetupPacket(.getStatus, interface: 4, length: 6)
    #expect(p.value == 0)
    #expect(p.index == 4)
  }

  @Test func lengthIsClampedTo16Bits() {
    #expect(SetupPacket(.upload, value: 2, interface: 0, length: 70_000).length == 0xFFFF)
    #expect(SetupPacket(.download, value: 2, interface: 0, length: -1).length == 0)
  }

  @Test func nonDFURequestsAreNotDecoded() {
    // Standard GET_DESCRIPTOR to the device.
    #expect(SetupPacket(requestType: 0x80, request: 6, value: 0x0300, index: 0, length: 255).dfuRequest == nil)
    // Class request code 7 is not a DFU request.
    #expect(SetupPacket(requestType: 0x21, request: 7, value: 0, index: 0, length: 0).dfuRequest == nil)
    // Vendor request with a DFU-looking code.
    #expect(SetupPacket(requestType: 0xC1, request: 3, value: 0, index: 0, length: 6).dfuRequest == nil)
  }

  @Test func description() {
    let d = SetupPacket(.download, value: 2, interface: 0, length: 2048).description
    #expect(d.contains("DFU_DNLOAD"))
    #expect(d.contains("wValue=2"))
    #expect(d.contains("wLength=2048"))
    #expect(d.contains("0x21"))
  }
}
