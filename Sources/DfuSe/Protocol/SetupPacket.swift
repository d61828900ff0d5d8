/// A USB control-transfer setup packet (USB 2.0 §9.3).
public struct SetupPacket: Hashable, Sendable, CustomStringConvertible {
  public var requestType: UInt8
  public var request: UInt8
  public var value: UInt16
  public var index: UInt16
  public var length: UInt16

  public init(requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, length: UInt16) {
    self.requestType = requestType
    self.request = request
    self.value = value
    self.index = index
    self.length = length
  }

  /// The setup packet for a DFU class request to `interface`.
  public init(_ dfu: DFURequest, value: UInt16 = 0, interface: UInt8, length: Int) {
    self.init(requestType: dfu.requestType, request: dfu.rawValue, value: value,
              index: UInt16(interface), length: UInt16(clamping: length))
  }

  /// True when data flows device → host (bit 7 of `bmRequestType`).
  public var isDeviceToHost: Bool { requestType & 0x80 != 0 }

  /// The DFU request, when this is a class request to an interface.
  public var dfuRequest: DFURequest? {
    guard requestType & 0x7F == 0x21 else { return nil }
    return DFURequest(rawValue: request)
  }

  public var description: String {
    let name = dfuRequest.map(String.init(describing:)) ?? "request \(request)"
    return "\(name) type=0x\(String(requestType, radix: 16)) wValue=\(value) wIndex=\(index) wLength=\(length)"
  }
}
