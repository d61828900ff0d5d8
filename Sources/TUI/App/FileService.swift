internal import Foundation
internal import DfuSe

/// The local-file work of the app (no device): load and lint firmware
/// files, list directories for the picker, save the log without
/// overwriting anything, and watch the loaded file for changes.
public final class FileService: @unchecked Sendable {
  // @unchecked: `watched` is only touched under `lock`.
  private let lock = NSLock()
  private var watched: String?
  private var watchGeneration = 0

  public init() {}

  /// Reads and parses `path` (any format the engine reads); raw data goes to `rawAddress`, and
  /// without one the answer is ``Event/fileNeedsAddress(path:message:)`` (the Flash screen asks).
  public func load(_ path: String, rawAddress: UInt32?) -> Event {
    let name = (path as NSString).lastPathComponent
    guard let data = FileManager.default.contents(atPath: path) else {
      return .fileFailed(path: path, message: "cannot read the file (missing, a directory, or no permission)")
    }
    let bytes = [UInt8](data)
    // The CLI's rule: raw data (a .bin) needs an address (`dfutui --address 0x08000000 app.bin`);
    // anything unrecognised is refused, never flashed as raw data.
    do throws(FileFormatError) {
      let loaded = try FirmwareLoader.load(bytes, fileName: name, rawAddress: rawAddress)
      guard let image = loaded.image(forAlternate: 0) ?? loaded.targets.first?.image, !image.isEmpty else {
        return .fileFailed(path: path, message: "no data for the internal flash (alternate setting 0)")
      }
      let attributes = try? FileManager.default.attributesOfItem(atPath: path)
      let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
      return .fileLoaded(LoadedFile(path: path, firmware: loaded, image: image, fileSize: bytes.count,
                                    crc32: CRC32.checksum(bytes),
                                    warnings: loaded.notices + ImageLint.warnings(image), modified: modified))
    } catch {
      if case .needsAddress = error { return .fileNeedsAddress(path: path, message: error.description) }
      return .fileFailed(path: path, message: error.description)
    }
  }

  /// The directory's entries (hidden files left out).
  public func list(_ path: String) -> Event {
    let fm = FileManager.default
    guard let names = try? fm.contentsOfDirectory(atPath: path) else {
      return .fileFailed(path: path, message: "cannot list this directory")
    }
    let entries = names.filter { !$0.hasPrefix(".") }.map { name -> DirectoryEntry in
      var isDir: ObjCBool = false
      let full = (path as NSString).appendingPathComponent(name)
      _ = fm.fileExists(atPath: full, isDirectory: &isDir)
      let size = (try? fm.attributesOfItem(atPath: full)[.size] as? Int) ?? 0
      return DirectoryEntry(name: name, isDirectory: isDir.boolValue, size: size)
    }
    return .directoryListed(path: path, entries: entries)
  }

  /// Writes the log to a new file in `directory` (never overwrites); returns a log event saying where.
  public func saveLog(_ entries: [LogEntry], directory: String) -> Event {
    let stamp = Int(Date().timeIntervalSince1970)
    var path = (directory as NSString).appendingPathComponent("dfutui-\(stamp).log")
    var n = 1
    while FileManager.default.fileExists(atPath: path) {
      path = (directory as NSString).appendingPathComponent("dfutui-\(stamp)-\(n).log")
      n += 1
    }
    let iso = ISO8601DateFormatter()
    let text = entries.map { "\(iso.string(from: Date(timeIntervalSince1970: $0.time))) \($0.level.rawValue) \($0.text)" }
      .joined(separator: "\n") + "\n"
    let now = Date().timeIntervalSince1970
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
      return .log(LogEntry(time: now, level: .error, "could not save the log to \(path)"))
    }
    return .log(LogEntry(time: now, level: .info, "log saved to \(path) (\(entries.count) lines)"))
  }

  /// Polls `path`'s modification time twice a second and reloads it on change (nil stops).
  public func watch(_ path: String?, rawAddress: UInt32?, post: @escaping @Sendable (Event) -> Void) {
    lock.lock()
    watched = path
    watchGeneration += 1
    let generation = watchGeneration
    lock.unlock()
    guard let path else { return }
    let thread = Thread { [self] in
      receiveTerminalSignals(false)
      func mtime() -> Date? { (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date }
      var last = mtime()
      while true {
        Thread.sleep(forTimeInterval: 0.5)
        lock.lock()
        let current = watchGeneration == generation
        lock.unlock()
        guard current else { return }
        let now = mtime()
        if now != last {
          last = now
          post(load(path, rawAddress: rawAddress))
        }
      }
    }
    thread.name = "dfutui-watch"
    thread.start()
  }
}
