@testable import DfuSe

/// Shorthands for tests that need only one part of a chip's identification.
extension ChipIdentity {
  static func profile(of device: DFUDeviceInfo) -> ChipProfile { identify(device).profile }
  static func optionBytes(of device: DFUDeviceInfo) -> OptionByteFamily? { identify(device).optionBytes }
}
