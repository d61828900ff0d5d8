public import Logging

/// The real USB bus, through libusb-1.0: lists DFU interfaces and opens them.
///
/// A bus owns one libusb context, which every transport it opens keeps alive.
/// Like a transport, a bus belongs to one thread at a time (not `Sendable`).
public final class LibUSBBus: DFUBus {
  private let context: USBContext
  /// What each enumeration said, by place and address (``devices()`` reads a device's strings once).
  private var described: [USBLocation: [DFUDeviceInfo]] = [:]
  /// Receives opens, claims and resets at `.debug` (transfers are ``DFUSession``'s).
  public let logger: Logger

  /// Creates a libusb context with libusb's own logging off (libusb must not
  /// write to the curses screen); what dfutui knows goes to `logger`.
  /// - Throws: ``TransportError`` when `libusb_init` fails.
  public init(logger: Logger) throws(TransportError) {
    context = try USBContext()
    self.logger = logger
  }

  /// Every interface with an alternate setting of class 0xFE, subclass 0x01
  /// (DFU 1.1 §4.1.2 run-time, protocol 1; §4.2.3 DFU mode, protocol 2), one
  /// entry per interface. Devices whose descriptors cannot be read are
  /// skipped. A device that cannot be opened for its strings (no permission,
  /// say) is still listed, with ``DFUDeviceInfo/stringsUnavailableReason`` set.
  ///
  /// Strings are read once per enumeration (a bus polled every 100 ms must not
  /// open each board and send it GET_DESCRIPTORs between a flash job's transfers,
  /// nor wait for a ROM that holds off requests during a mass erase); a device
  /// re-enumerated gets a new address and is read afresh, and one whose strings
  /// could not all be read is tried again at the next call (udev may grant access
  /// late; a busy ROM may time a string request out).
  public func devices() throws(TransportError) -> [DFUDeviceInfo] {
    var seen: [USBLocation: [DFUDeviceInfo]] = [:]
    let found = try context.devices().flatMap { device in
      let location = USBLocation(busNumber: device.busNumber, portNumbers: device.portNumbers,
                                 deviceAddress: device.deviceAddress)
      let infos = described[location].flatMap { Self.stillDescribes($0, device) }
        ?? Self.dfuInterfaces(of: device, at: location)
      if infos.allSatisfy(\.isFullyDescribed) { seen[location] = infos }
      return infos
    }
    described = seen
    return found
  }

  /// Re-finds `device` by bus number and device address, opens it, detaches
  /// any kernel driver, claims the DFU interface and selects `alternateSetting`.
  /// - Throws: ``TransportError/noDevice`` when nothing is at that address any
  ///   more, ``TransportError/notFound`` when another device took the address,
  ///   or the libusb error of the open, claim or SET_INTERFACE.
  public func open(_ device: DFUDeviceInfo, alternateSetting: UInt8) throws(TransportError) -> any DFUTransport {
    var logger = logger
    logger[metadataKey: "device"] = "\(device.path)"
    do throws(TransportError) {
      let transport = try claim(device, alternateSetting: alternateSetting, logger: logger)
      logger.debug("""
        opened bus \(device.busNumber) address \(device.deviceAddress), claimed interface \(device.interfaceNumber), \
        alternate setting \(alternateSetting)
        """)
      return transport
    } catch {
      logger.debug("open failed: \(TransferTrace.name(error))")
      throw error
    }
  }

  private func claim(_ device: DFUDeviceInfo, alternateSetting: UInt8,
                     logger: Logger) throws(TransportError) -> LibUSBTransport {
    let candidates = try context.devices()
    guard let usb = candidates.first(where: {
      $0.busNumber == device.busNumber && $0.deviceAddress == device.deviceAddress
    }) else { throw .noDevice }
    let descriptor = try usb.descriptor()
    guard descriptor.vendorID == device.vendorID, descriptor.productID == device.productID else {
      throw .notFound
    }
    let handle = try usb.open()
    do {
      try handle.enableAutoDetachKernelDriver()
      try handle.claimInterface(device.interfaceNumber)
    } catch {
      handle.close()
      throw error
    }
    do {
      try handle.setAlternateSetting(alternateSetting, interface: device.interfaceNumber)
    } catch {
      try? handle.releaseInterface(device.interfaceNumber)
      handle.close()
      throw error
    }
    return LibUSBTransport(handle: handle, interfaceNumber: device.interfaceNumber,
                           alternateSetting: alternateSetting, logger: logger)
  }

  /// `infos` when `device`'s descriptor (read from the OS, no transfer) still
  /// matches them: the same enumeration.
  private static func stillDescribes(_ infos: [DFUDeviceInfo], _ device: USBDevice) -> [DFUDeviceInfo]? {
    guard let descriptor = try? device.descriptor() else { return nil }
    let same = infos.allSatisfy {
      $0.vendorID == descriptor.vendorID && $0.productID == descriptor.productID
        && $0.deviceRelease == descriptor.deviceRelease
    }
    return same ? infos : nil
  }

  /// The DFU interfaces of one device; opens it (for strings) only when it
  /// has one. A device whose descriptors cannot be read yields nothing.
  private static func dfuInterfaces(of device: USBDevice, at location: USBLocation) -> [DFUDeviceInfo] {
    guard let descriptor = try? device.descriptor(),
          let configuration = try? device.activeConfiguration(),
          DFUInterfaceScan.hasDFUInterface(configuration) else { return [] }
    let strings = DeviceStringReader(device)
    defer { strings.close() }
    return DFUInterfaceScan.infos(descriptor: descriptor, configuration: configuration,
                                  location: location, strings: strings)
  }
}

/// Reads a device's string descriptors through one handle, opened at the
/// first read; remembers why the device could not be opened.
private final class DeviceStringReader: USBStringSource {
  private let device: USBDevice
  private var handle: USBDeviceHandle?
  private var tried = false
  private(set) var unavailableReason: String?

  init(_ device: USBDevice) { self.device = device }

  func string(at index: UInt8) -> String? {
    guard index != 0, let handle = openHandle() else { return nil }
    return try? handle.string(at: index)
  }

  func close() { handle?.close() }

  private func openHandle() -> USBDeviceHandle? {
    if !tried {
      tried = true
      do throws(TransportError) { handle = try device.open() } catch { unavailableReason = error.description }
    }
    return handle
  }
}
