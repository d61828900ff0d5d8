public import DfuSe

/// Everything that can change the app state: terminal input, time, and
/// what the device workers report (Bubble Tea's `Msg`).
public enum Event: Equatable, Sendable {
  case key(Key)
  case mouse(MouseEvent)
  case resize(width: Int, height: Int)
  /// The clock, seconds since the epoch (once a second; 4 a second during a job).
  case tick(Double)
  /// The bus now holds these DFU devices (hotplug poll).
  case devices([DeviceSummary])
  case fileLoaded(LoadedFile)
  case fileFailed(path: String, message: String)
  /// Raw data (a `.bin`, a plain DFU file) read without an address: the engine's message; the app asks for one.
  case fileNeedsAddress(path: String, message: String)
  case directoryListed(path: String, entries: [DirectoryEntry])
  case jobProgress(deviceID: String, OperationProgress, at: Double)
  case jobFinished(deviceID: String, JobKind, JobOutcome, at: Double)
  /// A batch board's job started (``BatchRunner``): its port, serial and chip.
  case batchBoardStarted(port: String, serial: String?, chip: String, at: Double)
  case batchProgress(port: String, OperationProgress, at: Double)
  /// A batch board's job ended; `recordProblem` says why its audit line could not be written.
  case batchBoardFinished(port: String, BatchResult, recordProblem: String?, at: Double)
  /// A loop board came back in the bootloader `after` seconds of its leave (its application did
  /// not start; ``DfuSe/PlugTracker/Return``): not flashed again until it is unplugged.
  case batchBoardCameBack(port: String, after: Double, at: Double)
  /// The batch is over (every job ended), or it could not start (`problem`, nothing written to any board).
  case batchEnded(problem: String?, at: Double)
  case log(LogEntry)
  /// SIGINT/SIGTERM/SIGHUP from outside the terminal.
  case signal(Int32)
}

/// What the update function asks the outside world to do. `Equatable`, so a
/// test asserts what a key does without a terminal or a device.
public enum Effect: Equatable, Sendable {
  case refreshDevices
  case loadFile(path: String, rawAddress: UInt32?)
  case listDirectory(String)
  case startFlash(FlashRequest)
  /// Stop the device's job between two USB transfers.
  case cancelJob(deviceID: String)
  case readSector(deviceID: String, alternate: UInt8, address: UInt32, count: Int)
  case readOptionBytes(deviceID: String)
  /// Write confirmed option bytes (`phrase` is the typed RDP 2 phrase).
  case writeOptionBytes(deviceID: String, before: OptionBytes, after: OptionBytes, phrase: String?)
  /// Flash every board of a batch (confirmed on the Batch screen).
  case startBatch(BatchRequest)
  /// Stop a batch: no new board starts; with `cancelRunning` the running jobs stop between two transfers.
  case stopBatch(cancelRunning: Bool)
  /// Ring the terminal bell `count` times (a board ended: 1 verified, 2 not).
  case bell(count: Int)
  case saveLog(directory: String)
  case setVerbose(Bool)
  /// Watch the loaded file (watch toggle), nil to stop.
  case watchFile(String?)
  /// Ctrl-Z: give the terminal back and stop until resumed.
  case suspend
  case quit(code: Int32)
}
