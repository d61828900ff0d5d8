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
  case saveLog(directory: String)
  case setVerbose(Bool)
  /// Watch the loaded file (watch toggle), nil to stop.
  case watchFile(String?)
  /// Ctrl-Z: give the terminal back and stop until resumed.
  case suspend
  case quit(code: Int32)
}
