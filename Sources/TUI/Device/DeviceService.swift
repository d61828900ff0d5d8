public import DfuSe

/// The TUI's boundary to devices: every call returns at once; the work runs
/// on the device's own worker thread and comes back through `post` as
/// ``Event``s (progress, results, bus changes). The UI never blocks on USB.
///
/// ``EngineDeviceService`` implements it over the DfuSe engine; tests use a
/// fake that records calls.
public protocol DeviceService: AnyObject {
  /// Starts watching the bus (hotplug by polling) and keeps `post` for every event.
  func start(post: @escaping @Sendable (Event) -> Void)
  /// Enumerates the bus now.
  func refresh()
  func flash(_ request: FlashRequest)
  func readSector(deviceID: String, alternate: UInt8, address: UInt32, count: Int)
  func readOptionBytes(deviceID: String)
  func writeOptionBytes(deviceID: String, before: OptionBytes, after: OptionBytes, phrase: String?)
  /// Starts a batch (``BatchRunner``): its events come through `post`, ending with ``Event/batchEnded(problem:at:)``.
  func startBatch(_ request: BatchRequest)
  /// No new board of the batch starts; with `cancelRunning` its running jobs stop between two transfers.
  func stopBatch(cancelRunning: Bool)
  /// Asks the device's job to stop between two USB transfers.
  func cancel(deviceID: String)
  /// Cancels every job (a batch's too) and waits (up to `timeout`) for the workers to stop.
  func shutdown(timeout: Duration)
}

/// Carries out an effect on a device service (device effects only).
extension DeviceService {
  public func perform(_ effect: Effect) {
    switch effect {
    case .refreshDevices: refresh()
    case .startFlash(let r): flash(r)
    case .cancelJob(let id): cancel(deviceID: id)
    case .startBatch(let r): startBatch(r)
    case .stopBatch(let cancelRunning): stopBatch(cancelRunning: cancelRunning)
    case .readSector(let id, let alt, let address, let count): readSector(deviceID: id, alternate: alt, address: address, count: count)
    case .readOptionBytes(let id): readOptionBytes(deviceID: id)
    case .writeOptionBytes(let id, let before, let after, let phrase):
      writeOptionBytes(deviceID: id, before: before, after: after, phrase: phrase)
    default: break
    }
  }
}
