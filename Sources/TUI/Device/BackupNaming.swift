import DfuSe
import Foundation

/// Where the TUI's backup toggle saves what a flash is about to erase: a new
/// file named after the board and the time, in the backup directory (the
/// working directory unless `--backup-dir` says otherwise). A name that is
/// taken gets `-2`, `-3`, … — never an existing file (``DfuSe/BackupFile``
/// creates it with O_EXCL and refuses one that appeared meanwhile).
enum BackupNaming {
  /// `DIR/dfutui-backup-PORT[-SERIAL]-YYYYMMDD-HHMMSS.hex` (UTC), the first that does not exist.
  static func path(for device: DFUDeviceInfo, in directory: String, at date: Date = Date(),
                   exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    var stem = "dfutui-backup-" + safe(device.path)
    if let serial = device.serialNumber, !serial.isEmpty { stem += "-" + safe(serial) }
    stem += "-" + formatter.string(from: date)
    let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    var candidate = "\(base)/\(stem).hex"
    var n = 2
    while exists(candidate) {
      candidate = "\(base)/\(stem)-\(n).hex"
      n += 1
    }
    return candidate
  }

  /// Letters, digits, `.`, `-` and `_` only (a serial string comes from the device).
  private static func safe(_ text: String) -> String {
    String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
  }
}
