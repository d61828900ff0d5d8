import ArgumentParser
import DfuSe
import DfuSeSimulator
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Serves one ``SimulatedUSBDevice`` on a Unix stream socket to the umockdev
/// bridge (`scripts/umockdev-usb-bridge.py`), which turns it into a USB
/// device for libusb programs. Each client connection gets its own thread and
/// is answered one request at a time, in order; the bridge keeps two per
/// board (its URBs, and the enumeration poll), so a poll never waits behind
/// a transfer held off by a busy board. `C`, `A` and `R` are serialised
/// across connections; `E` only reads the thread-safe board.
///
/// The protocol, both directions little-endian, is deliberately tiny:
///
///     request: op u8, length u32, payload
///     reply:   status u8, length u32, payload
///
/// | op  | payload                                          | reply payload (status 0)          |
/// |-----|--------------------------------------------------|-----------------------------------|
/// | `E` | –                                                | bus, port, address u8; descriptors |
/// | `C` | address u8, timeout ms u32 (0 = none), setup[8], OUT data | IN data                   |
/// | `A` | address u8, interface u8, alternate u8           | –                                 |
/// | `R` | address u8                                       | –                                 |
///
/// Status: 0 ok, 1 STALL, 2 no device (off the bus / other address),
/// 3 timeout, 4 other error (payload: text). `E` answers 2 while the board
/// is off the bus.
///
/// Simulated instant time: the host (another process) waits on the real
/// clock, so before each request the board's ``VirtualClock`` is moved on by
/// the real time since the previous one (a host honouring `bwPollTimeout`
/// must not find the board still busy), and flash work longer than that
/// still ends at once. Each `E` while the board is resetting adds 200 ms more,
/// so re-enumeration comes quickly.
///
/// `@unchecked Sendable`: the device (not thread-safe) is used under
/// `deviceLock` only, `lastRequest` sits in a mutex, the board is thread-safe.
final class BoardServer: @unchecked Sendable {
  let device: SimulatedUSBDevice
  let clock: any BlockingClock
  let instantTime: Bool
  let path: String
  private let listener: Int32
  private let lastRequest = Mutex(ContinuousClock.now)
  private let deviceLock = NSLock()

  /// Creates the socket at `path` and listens on it.
  init(path: String, device: SimulatedUSBDevice, clock: any BlockingClock, instantTime: Bool) throws(ExitCode) {
    self.path = path
    self.device = device
    self.clock = clock
    self.instantTime = instantTime
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Exit.fail("cannot create a Unix socket: \(Self.errnoText())", code: Exit.deviceError) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
      close(fd)
      throw Exit.fail("socket path too long: \(path)", code: Exit.usage)
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (i, b) in bytes.enumerated() { raw[i] = b }
      raw[bytes.count] = 0
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard bound == 0, listen(fd, 1) == 0 else {
      let text = Self.errnoText()
      close(fd)
      throw Exit.fail("cannot listen on \(path): \(text)", code: Exit.deviceError)
    }
    listener = fd
  }

  deinit {
    close(listener)
    unlink(path)
  }

  /// Starts a thread that accepts clients for as long as the process runs,
  /// each answered on a thread of its own until it disconnects.
  func start() {
    Thread { [self] in
      while true {
        let client = accept(listener, nil, nil)
        if client < 0 {
          if errno == EINTR { continue }
          return
        }
        Thread { [self] in serve(client) }.start()
      }
    }.start()
  }

  /// Answers one client's requests until it disconnects.
  private func serve(_ client: Int32) {
    defer { close(client) }
    while let (op, payload) = readFrame(client) {
      let (status, reply) = handle(op, payload)
      guard writeAll(client, [status] + le32(UInt32(reply.count)) + reply) else { return }
    }
  }

  /// Runs one request against the device.
  func handle(_ op: UInt8, _ p: [UInt8]) -> (UInt8, [UInt8]) {
    if instantTime {
      let elapsed = lastRequest.withLock { last in
        let now = ContinuousClock.now
        defer { last = now }
        return now - last
      }
      clock.sleep(for: elapsed)
    }
    if op == UInt8(ascii: "E") {
      guard let e = device.enumeration else {
        if instantTime && !device.board.isRunningApplication { clock.sleep(for: .milliseconds(200)) }
        return (2, [])
      }
      return (0, [e.busNumber, e.portNumber, e.deviceAddress] + e.descriptors)
    }
    deviceLock.lock()
    defer { deviceLock.unlock() }
    do throws(TransportError) {
      switch op {
      case UInt8(ascii: "C") where p.count >= 13:
        let timeout = UInt32(p[1]) | UInt32(p[2]) << 8 | UInt32(p[3]) << 16 | UInt32(p[4]) << 24
        let s = Array(p[5..<13])
        let setup = SetupPacket(requestType: s[0], request: s[1], value: UInt16(s[2]) | UInt16(s[3]) << 8,
                                index: UInt16(s[4]) | UInt16(s[5]) << 8, length: UInt16(s[6]) | UInt16(s[7]) << 8)
        let data = setup.isDeviceToHost ? [] : Array(p[13...])
        return (0, try device.control(setup, data: data, address: p[0], timeout: .milliseconds(Int(timeout))))
      case UInt8(ascii: "A") where p.count == 3:
        try device.setInterface(p[1], alternate: p[2], address: p[0])
        return (0, [])
      case UInt8(ascii: "R") where p.count == 1:
        try device.reset(address: p[0])
        return (0, [])
      default:
        return (4, Array("bad request \(op) of \(p.count) bytes".utf8))
      }
    } catch {
      switch error {
      case .stall: return (1, [])
      case .noDevice: return (2, [])
      case .timeout: return (3, [])
      default: return (4, Array(error.description.utf8))
      }
    }
  }

  private func readFrame(_ fd: Int32) -> (UInt8, [UInt8])? {
    guard let head = readExactly(fd, 5) else { return nil }
    let length = Int(UInt32(head[1]) | UInt32(head[2]) << 8 | UInt32(head[3]) << 16 | UInt32(head[4]) << 24)
    guard length <= 1 << 20, let payload = readExactly(fd, length) else { return nil }
    return (head[0], payload)
  }

  private func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, count - done) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return nil }
      done += n
    }
    return buffer
  }

  private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return false }
      done += n
    }
    return true
  }

  private func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }

  static func errnoText() -> String { String(cString: strerror(errno)) }
}
