internal import CLibUSB

// The one file of the DfuSe module that talks to libusb-1.0 (swift-system's
// `Syscalls.swift` habit). Everything here is internal; no C type leaves the
// file. Ownership is explicit: each libusb object is held by one final class
// whose `deinit` gives it back, and every class keeps the object it depends on
// alive (handle → device → context).

// MARK: - Errors

extension TransportError {
  /// Maps a negative `libusb_error` code (libusb API, "Miscellaneous" /
  /// `enum libusb_error`) onto a transport error. Codes without a case of their
  /// own become ``TransportError/other(code:name:)`` named by
  /// `libusb_error_name`.
  static func fromLibUSB(code: Int32) -> TransportError {
    switch code {
    case LIBUSB_ERROR_ACCESS.rawValue: return .accessDenied
    case LIBUSB_ERROR_NO_DEVICE.rawValue: return .noDevice
    case LIBUSB_ERROR_PIPE.rawValue: return .stall
    case LIBUSB_ERROR_TIMEOUT.rawValue: return .timeout
    case LIBUSB_ERROR_BUSY.rawValue: return .busy
    case LIBUSB_ERROR_NOT_FOUND.rawValue: return .notFound
    case LIBUSB_ERROR_OVERFLOW.rawValue: return .overflow
    default: return .other(code: code, name: String(cString: libusb_error_name(code)))
    }
  }

  /// `LIBUSB_ERROR_INVALID_PARAM`, for arguments rejected before reaching libusb.
  static var invalidParameter: TransportError { fromLibUSB(code: LIBUSB_ERROR_INVALID_PARAM.rawValue) }
}

/// Returns a non-negative libusb result, or throws its mapped error.
@discardableResult
private func check(_ result: Int32) throws(TransportError) -> Int32 {
  guard result >= 0 else { throw TransportError.fromLibUSB(code: result) }
  return result
}

// MARK: - Context

/// A `libusb_context` (libusb API: `libusb_init` / `libusb_exit`), kept silent:
/// stderr is the curses screen, so libusb must never write there.
final class USBContext {
  fileprivate let raw: OpaquePointer

  init() throws(TransportError) {
    // A global log handler replaces libusb's `fputs(…, stderr)` even when the
    // LIBUSB_DEBUG environment variable forces a log level (libusb_set_log_cb,
    // LIBUSB_LOG_CB_GLOBAL). It is set before libusb_init, which may log too.
    libusb_set_log_cb(nil, { _, _, _ in }, Int32(LIBUSB_LOG_CB_GLOBAL.rawValue))
    var context: OpaquePointer?
    try check(libusb_init(&context))
    guard let context else { throw .fromLibUSB(code: LIBUSB_ERROR_OTHER.rawValue) }
    raw = context
    _ = clibusb_set_log_level(context, Int32(LIBUSB_LOG_LEVEL_NONE.rawValue))
  }

  deinit { libusb_exit(raw) }

  /// Every device attached now (`libusb_get_device_list`). Each one is
  /// referenced (`libusb_ref_device`) before the list is freed.
  func devices() throws(TransportError) -> [USBDevice] {
    var list: UnsafeMutablePointer<OpaquePointer?>?
    let count = try check(Int32(clamping: libusb_get_device_list(raw, &list)))
    guard let list else { return [] }
    defer { libusb_free_device_list(list, 1) }
    return (0..<Int(count)).compactMap { i in list[i].map { USBDevice(context: self, referencing: $0) } }
  }
}

// MARK: - Device

/// A `libusb_device`: one attached device, referenced for as long as this
/// object lives (`libusb_ref_device` / `libusb_unref_device`).
final class USBDevice {
  let context: USBContext
  fileprivate let raw: OpaquePointer

  fileprivate init(context: USBContext, referencing device: OpaquePointer) {
    self.context = context
    raw = libusb_ref_device(device)
  }

  deinit { libusb_unref_device(raw) }

  /// `libusb_get_bus_number`.
  var busNumber: UInt8 { libusb_get_bus_number(raw) }

  /// `libusb_get_device_address`.
  var deviceAddress: UInt8 { libusb_get_device_address(raw) }

  /// `libusb_get_port_numbers`: ports from the root hub down (USB 3.0 allows
  /// seven tiers). Empty for a root hub or when libusb cannot tell.
  var portNumbers: [UInt8] {
    var ports = [UInt8](repeating: 0, count: 7)
    let count = libusb_get_port_numbers(raw, &ports, Int32(ports.count))
    return count > 0 ? Array(ports.prefix(Int(count))) : []
  }

  /// The device descriptor (USB 2.0 §9.6.1, `libusb_get_device_descriptor`).
  func descriptor() throws(TransportError) -> USBDeviceDescriptor {
    var d = libusb_device_descriptor()
    try check(libusb_get_device_descriptor(raw, &d))
    return USBDeviceDescriptor(
      vendorID: d.idVendor, productID: d.idProduct, deviceRelease: d.bcdDevice,
      manufacturerIndex: d.iManufacturer, productIndex: d.iProduct,
      serialNumberIndex: d.iSerialNumber, configurationCount: d.bNumConfigurations)
  }

  /// The active configuration (USB 2.0 §9.6.3, `libusb_get_active_config_descriptor`);
  /// when the device is unconfigured, its first configuration
  /// (`libusb_get_config_descriptor` index 0).
  func activeConfiguration() throws(TransportError) -> USBConfiguration {
    var config: UnsafeMutablePointer<libusb_config_descriptor>?
    var result = libusb_get_active_config_descriptor(raw, &config)
    if result == LIBUSB_ERROR_NOT_FOUND.rawValue {
      result = libusb_get_config_descriptor(raw, 0, &config)
    }
    try check(result)
    guard let config else { throw .notFound }
    defer { libusb_free_config_descriptor(config) }
    return USBConfiguration(config.pointee)
  }

  /// Opens the device (`libusb_open`).
  func open() throws(TransportError) -> USBDeviceHandle {
    var handle: OpaquePointer?
    try check(libusb_open(raw, &handle))
    guard let handle else { throw .noDevice }
    return USBDeviceHandle(device: self, raw: handle)
  }
}

// MARK: - Descriptors (Swift copies)

/// The fields of a device descriptor (USB 2.0 §9.6.1) dfutui needs.
struct USBDeviceDescriptor: Hashable {
  var vendorID: UInt16
  var productID: UInt16
  var deviceRelease: UInt16
  var manufacturerIndex: UInt8
  var productIndex: UInt8
  var serialNumberIndex: UInt8
  var configurationCount: UInt8
}

/// A configuration descriptor (USB 2.0 §9.6.3) with its interfaces and the
/// `extra` descriptors libusb did not parse.
struct USBConfiguration: Hashable {
  var value: UInt8
  var interfaces: [USBInterface]
  var extra: [UInt8]
}

extension USBConfiguration {
  fileprivate init(_ c: libusb_config_descriptor) {
    let interfaces = (0..<Int(c.bNumInterfaces)).map { i in
      let interface = c.interface[i]
      let count = max(0, Int(interface.num_altsetting))
      return USBInterface(alternateSettings: (0..<count).map { USBInterfaceSetting(interface.altsetting[$0]) })
    }
    self.init(value: c.bConfigurationValue, interfaces: interfaces, extra: bytes(c.extra, c.extra_length))
  }
}

/// One interface of a configuration: its alternate settings.
struct USBInterface: Hashable {
  var alternateSettings: [USBInterfaceSetting]
}

/// An interface descriptor (USB 2.0 §9.6.5): one alternate setting, with the
/// class-specific descriptors that follow it (`extra`), where DFU 1.1 §4.1.3
/// places the functional descriptor.
struct USBInterfaceSetting: Hashable {
  var interfaceNumber: UInt8
  var alternateSetting: UInt8
  var interfaceClass: UInt8
  var interfaceSubClass: UInt8
  var interfaceProtocol: UInt8
  var nameIndex: UInt8
  var extra: [UInt8]

  /// DFU 1.1 §4.2.3: class 0xFE (application specific), subclass 0x01.
  var isDFU: Bool { interfaceClass == 0xFE && interfaceSubClass == 0x01 }
}

extension USBInterfaceSetting {
  fileprivate init(_ d: libusb_interface_descriptor) {
    self.init(
      interfaceNumber: d.bInterfaceNumber, alternateSetting: d.bAlternateSetting,
      interfaceClass: d.bInterfaceClass, interfaceSubClass: d.bInterfaceSubClass,
      interfaceProtocol: d.bInterfaceProtocol, nameIndex: d.iInterface,
      extra: bytes(d.extra, d.extra_length))
  }
}

private func bytes(_ pointer: UnsafePointer<UInt8>?, _ length: Int32) -> [UInt8] {
  guard let pointer, length > 0 else { return [] }
  return Array(UnsafeBufferPointer(start: pointer, count: Int(length)))
}

// MARK: - Device handle

/// An open `libusb_device_handle`. `close()` (or `deinit`) calls `libusb_close`;
/// libusb itself releases any interface still claimed.
final class USBDeviceHandle {
  let device: USBDevice
  /// Held so the context outlives the handle, whatever else lets go of it.
  let context: USBContext
  private var raw: OpaquePointer?

  fileprivate init(device: USBDevice, raw: OpaquePointer) {
    self.device = device
    self.context = device.context
    self.raw = raw
  }

  deinit { close() }

  var isOpen: Bool { raw != nil }

  /// `libusb_close`. Safe to call twice.
  func close() {
    guard let handle = raw else { return }
    raw = nil
    libusb_close(handle)
  }

  private func open() throws(TransportError) -> OpaquePointer {
    guard let raw else { throw .noDevice }
    return raw
  }

  /// A string descriptor (USB 2.0 §9.6.7) in the first language, as ASCII
  /// (`libusb_get_string_descriptor_ascii`). Index 0 means "no string".
  func string(at index: UInt8) throws(TransportError) -> String? {
    guard index != 0 else { return nil }
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = try check(libusb_get_string_descriptor_ascii(try open(), index, &buffer, Int32(buffer.count)))
    return String(decoding: buffer.prefix(Int(count)), as: UTF8.self)
  }

  /// `libusb_set_auto_detach_kernel_driver`: a kernel driver bound to an
  /// interface is detached when it is claimed and re-attached on release.
  /// Platforms without the feature (NOT_SUPPORTED) are not an error.
  func enableAutoDetachKernelDriver() throws(TransportError) {
    let result = libusb_set_auto_detach_kernel_driver(try open(), 1)
    if result == LIBUSB_ERROR_NOT_SUPPORTED.rawValue { return }
    try check(result)
  }

  /// `libusb_claim_interface`.
  func claimInterface(_ number: UInt8) throws(TransportError) {
    try check(libusb_claim_interface(try open(), Int32(number)))
  }

  /// `libusb_release_interface` (sends SET_INTERFACE alt 0, USB 2.0 §9.4.10).
  func releaseInterface(_ number: UInt8) throws(TransportError) {
    try check(libusb_release_interface(try open(), Int32(number)))
  }

  /// SET_INTERFACE (USB 2.0 §9.4.10) via `libusb_set_interface_alt_setting`.
  func setAlternateSetting(_ alternate: UInt8, interface number: UInt8) throws(TransportError) {
    try check(libusb_set_interface_alt_setting(try open(), Int32(number), Int32(alternate)))
  }

  /// A host → device control transfer (`libusb_control_transfer`) with the
  /// direction bit of `bmRequestType` cleared. `data` must hold exactly
  /// `setup.length` bytes. Returns how many bytes the device accepted.
  func controlOut(_ setup: SetupPacket, data: [UInt8], timeoutMilliseconds: UInt32) throws(TransportError) -> Int {
    guard data.count == Int(setup.length) else { throw .invalidParameter }
    let handle = try open()
    var buffer = data
    let requestType = setup.requestType & ~UInt8(LIBUSB_ENDPOINT_IN.rawValue)
    let result = buffer.withUnsafeMutableBufferPointer { b in
      libusb_control_transfer(handle, requestType, setup.request, setup.value, setup.index,
                              b.baseAddress, setup.length, timeoutMilliseconds)
    }
    return Int(try check(result))
  }

  /// A device → host control transfer (`libusb_control_transfer`) with the
  /// direction bit of `bmRequestType` set (`LIBUSB_ENDPOINT_IN`, as dfu-libusb
  /// does). Returns the bytes received, up to `setup.length`.
  func controlIn(_ setup: SetupPacket, timeoutMilliseconds: UInt32) throws(TransportError) -> [UInt8] {
    let handle = try open()
    var buffer = [UInt8](repeating: 0, count: Int(setup.length))
    let requestType = setup.requestType | UInt8(LIBUSB_ENDPOINT_IN.rawValue)
    let result = buffer.withUnsafeMutableBufferPointer { b in
      libusb_control_transfer(handle, requestType, setup.request, setup.value, setup.index,
                              b.baseAddress, setup.length, timeoutMilliseconds)
    }
    let count = Int(try check(result))
    return Array(buffer.prefix(count))
  }

  /// `libusb_reset_device`: a USB port reset (USB 2.0 §7.1.7.5). Throws
  /// NOT_FOUND / NO_DEVICE when the device re-enumerated as another device.
  func resetDevice() throws(TransportError) {
    try check(libusb_reset_device(try open()))
  }
}
