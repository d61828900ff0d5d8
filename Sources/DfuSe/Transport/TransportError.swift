/// A USB transport failure, with advice for the person at the bench.
/// The libusb transport maps `LIBUSB_ERROR_*` codes onto these cases; the
/// simulator raises the same ones, so callers handle both alike.
public enum TransportError: Error, Hashable, Sendable, CustomStringConvertible {
  /// `LIBUSB_ERROR_ACCESS`: the OS refused to open the device.
  case accessDenied
  /// `LIBUSB_ERROR_NO_DEVICE`: the device is gone (unplugged, reset, left DFU).
  case noDevice
  /// `LIBUSB_ERROR_PIPE`: the device stalled the request.
  case stall
  /// `LIBUSB_ERROR_TIMEOUT`: no answer within the timeout.
  case timeout
  /// `LIBUSB_ERROR_BUSY`: another program or driver holds the interface.
  case busy
  /// `LIBUSB_ERROR_NOT_FOUND`: the interface or device no longer exists.
  case notFound
  /// `LIBUSB_ERROR_OVERFLOW`: the device sent more data than asked for.
  case overflow
  /// The device answered with fewer bytes than the request needs.
  case shortTransfer(expected: Int, got: Int)
  /// Any other libusb error, with its code and libusb's name for it.
  case other(code: Int32, name: String)

  /// What went wrong, then what to do about it.
  public var description: String {
    switch self {
    case .accessDenied:
      return "permission denied opening the USB device. Install the udev rule (`sudo make install`, or add "
        + "SUBSYSTEM==\"usb\", ATTR{idVendor}==\"0483\", ATTR{idProduct}==\"df11\", TAG+=\"uaccess\" to "
        + "/etc/udev/rules.d/50-dfutui.rules, then `sudo udevadm control --reload` and replug the board), or run as root"
    case .noDevice:
      return "the device disconnected. Check the cable and that the board is still in DFU mode (BOOT0 high, reset), then retry"
    case .stall:
      return "the device stalled the request (USB STALL)"
    case .timeout:
      return "the device did not answer in time. Try another USB port or cable, avoid unpowered hubs, and retry"
    case .busy:
      return "the DFU interface is in use by another program (dfu-util, STM32CubeProgrammer, ModemManager). Close it and retry"
    case .notFound:
      return "the device or interface was not found; it may have re-enumerated. List devices again and retry"
    case .overflow:
      return "the device sent more data than requested (USB overflow)"
    case .shortTransfer(let expected, let got):
      return "the device answered with \(got) bytes where \(expected) were expected"
    case .other(let code, let name):
      return "USB error \(name) (\(code))"
    }
  }
}
