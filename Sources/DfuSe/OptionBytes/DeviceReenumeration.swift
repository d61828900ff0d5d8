public import Logging

/// Finding a device again after it reset itself (option-byte write, Read
/// Unprotect: AN3156 §2.5, §5.4): it drops off the bus and re-enumerates with
/// a new device address and, on ST ROMs, the same serial number.
public enum DeviceReenumeration {
  /// Polls `bus.devices()` on `clock` until a DFU-mode device with the same
  /// serial (else, when the serial is missing or a known placeholder, the
  /// same port path) is back after having left the bus or changed address.
  /// If it never seems to leave within `resetGrace`, the one still present
  /// is accepted (ROMs that do not reset, §2.5 footnote).
  /// Logs (`.debug`) when the device leaves the bus and when it is back.
  /// - Returns: the new enumeration snapshot.
  /// - Throws: ``OptionByteError/deviceDidNotReturn(serial:path:waited:)`` after `timeout`.
  public static func waitForDevice(on bus: any DFUBus, like device: DFUDeviceInfo, clock: any BlockingClock,
                                   logger: Logger, timeout: Duration = .seconds(60),
                                   resetGrace: Duration = .seconds(2),
                                   pollInterval: Duration = .milliseconds(100)) throws(OptionByteError) -> DFUDeviceInfo {
    let start = clock.now
    var sawReset = false
    logger.debug("waiting for the device to reset and re-enumerate", metadata: ["device": "\(device.path)"])
    while true {
      let found = ((try? bus.devices()) ?? []).first { isSame($0, as: device) && $0.isDFUMode }
      if let found {
        let back = sawReset || found.deviceAddress != device.deviceAddress
        if back || clock.now - start >= resetGrace {
          logger.debug("""
            device \(back ? "back" : "never left the bus; using it") at \(found.path) address \(found.deviceAddress) \
            after \(TransferTrace.milliseconds(clock.now - start))
            """, metadata: ["device": "\(found.path)"])
          return found
        }
      } else if !sawReset {
        sawReset = true
        logger.debug("device left the bus after \(TransferTrace.milliseconds(clock.now - start))",
                     metadata: ["device": "\(device.path)"])
      }
      if clock.now - start >= timeout {
        throw .deviceDidNotReturn(serial: device.serialNumber, path: device.path, waited: timeout)
      }
      clock.sleep(for: pollInterval)
    }
  }

  /// Same serial when it identifies the chip, else same port path.
  public static func isSame(_ candidate: DFUDeviceInfo, as device: DFUDeviceInfo) -> Bool {
    if let serial = device.serialNumber, isUsableSerial(serial) { return candidate.serialNumber == serial }
    return candidate.path == device.path
  }

  /// F042/F072 ROMs report "FFFFFFFEFFFF", some F4/F7 "STM32FxSTM32" (§3.2):
  /// such serials do not identify a chip.
  static func isUsableSerial(_ s: String) -> Bool {
    !s.isEmpty && s != "FFFFFFFEFFFF" && !s.hasPrefix("STM32")
  }
}
