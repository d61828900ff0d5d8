import Foundation

/// Runs the built `dfutui` binary and captures what it printed.
struct CLIResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

enum CLI {
  /// The binary under test: `$DFUTUI_BIN`, else `dfutui` next to the test bundle.
  static var binary: URL {
    if let path = ProcessInfo.processInfo.environment["DFUTUI_BIN"] { return URL(fileURLWithPath: path) }
    var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
    if let arg0 = CommandLine.arguments.first {
      candidates.append(URL(fileURLWithPath: arg0).deletingLastPathComponent())
    }
    for dir in candidates {
      let url = dir.appendingPathComponent("dfutui")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return candidates[0].appendingPathComponent("dfutui")
  }

  /// Runs `dfutui args…` with no stdin and returns its exit status and output.
  static func run(_ args: [String]) throws -> CLIResult {
    try run(executable: binary, args)
  }

  /// Runs any program with no stdin, reading stdout and stderr concurrently so
  /// neither pipe can fill up and stall it.
  static func run(executable: URL, _ args: [String]) throws -> CLIResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = args
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Drain stderr on another thread so a chatty command cannot fill one pipe and stall.
    let errBox = DataBox()
    let done = DispatchSemaphore(value: 0)
    let errHandle = err.fileHandleForReading
    Thread {
      errBox.data = errHandle.readDataToEndOfFile()
      done.signal()
    }.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    done.wait()
    let errData = errBox.data
    return CLIResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
  }
}

/// Bytes handed from the stderr reader thread (written before the semaphore is signalled).
final class DataBox: @unchecked Sendable { var data = Data() }

/// A temporary directory removed when the test ends.
final class TemporaryDirectory {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("dfutui-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let p = path(name)
    try Data(bytes).write(to: URL(fileURLWithPath: p))
    return p
  }

  func read(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url.appendingPathComponent(name))) }
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
func testBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
  var x = seed
  return (0..<count).map { _ in
    x ^= x << 13; x ^= x >> 7; x ^= x << 17
    return UInt8(truncatingIfNeeded: x)
  }
}
