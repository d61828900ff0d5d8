import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The bench's audit record file: opened for appending (`O_APPEND`, created
/// when missing, never truncated), one `write` and one `fsync` per line, so a
/// crash or power cut mid-run loses no finished board's line. Safe to append
/// from several board threads.
public final class BenchRecordLog: Sendable {
  public let path: String
  private let descriptor: Mutex<Int32>

  /// Opens (or creates) `path` for appending; call before touching any board.
  /// - Throws: ``JobError/output(_:)`` naming the path and the system's reason.
  public init(path: String) throws(JobError) {
    self.path = path
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw .output("cannot open the record file \(path) for appending: \(String(cString: strerror(errno)))")
    }
    descriptor = Mutex(fd)
  }

  deinit { descriptor.withLock { fd in _ = close(fd) } }

  /// Appends `record` as one JSON line and flushes it to the disk.
  /// - Throws: ``JobError/output(_:)`` when the line could not be written whole.
  public func append(_ record: BenchRecord) throws(JobError) {
    let bytes = Array((record.jsonLine + "\n").utf8)
    let problem: String? = descriptor.withLock { fd in
      let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if written != bytes.count {
        return written < 0 ? String(cString: strerror(errno)) : "only \(written) of \(bytes.count) bytes written"
      }
      return fsync(fd) == 0 ? nil : String(cString: strerror(errno))
    }
    if let problem { throw .output("cannot append to the record file \(path): \(problem)") }
  }
}
