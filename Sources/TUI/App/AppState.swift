public import DfuSe
internal import Synchronization
internal import Foundation

/// The screens, in tab order (numbers 1–6 switch, Tab cycles).
public enum ScreenID: Int, CaseIterable, Hashable, Sendable {
  case devices, memory, options, flash, log, batch

  public var title: String {
    switch self {
    case .devices: return "Devices"
    case .memory: return "Memory"
    case .options: return "Options"
    case .flash: return "Flash"
    case .log: return "Log"
    case .batch: return "Batch"
    }
  }
}

/// The modal dialog on top, if any (Esc closes it).
public enum DialogState: Equatable, Sendable {
  case confirmFlash
  case confirmQuit
  case confirmCancel
  /// Start a batch (every board present, or loop mode): destructive on every board.
  case confirmBatch(BatchMode)
  /// Stop a batch while boards run (loop: they finish; present: they are cancelled).
  case confirmStopBatch
  /// Edit one option field; `error` is the last validation failure.
  case editOption(field: String, text: String, error: String?)
  /// Confirm an option-byte write; `phrase` is what the user typed (RDP 2 needs the exact phrase).
  case confirmOptions(phrase: String, error: String?)
  /// Go to an address in the sector browser.
  case gotoAddress(text: String, error: String?)
  /// The address of raw data's first byte (a `.bin` loaded without `--address`); Enter loads `path` again.
  case rawAddress(path: String, text: String, error: String?)
}

/// Progress of one phase of a job.
public struct PhaseProgress: Equatable, Sendable {
  public var phase: OperationPhase
  public var completed: Int
  public var total: Int
  public var started: Double
  public var updated: Double

  public var fraction: Double { total == 0 ? 1 : Double(completed) / Double(total) }
}

/// The job running on the selected device.
public struct JobState: Equatable, Sendable {
  public var deviceID: String
  public var kind: JobKind
  public var started: Double
  public var phases: [PhaseProgress] = []
  public var cancelling = false
  /// Progress updates received (the benchmark counts them).
  public var updates = 0
}

/// What is known about one sector (Memory map colours; each has a letter).
public enum SectorMark: Hashable, Sendable {
  case unknown, blank, data, same, differs, protected, erased, written, verified
}

/// The Memory screen: a sector browser over one alternate setting (`a` cycles them).
public struct MemoryState: Equatable, Sendable {
  /// The alternate setting shown (0 = internal flash on ST ROMs).
  public var alternate: UInt8 = 0
  public var sectors = ListState()
  public var marks: [UInt32: SectorMark] = [:]
  /// The sector read last: its address and bytes.
  public var dumpAddress: UInt32?
  public var dump: [UInt8] = []
  /// First dump row shown (16 bytes a row).
  public var dumpScroll = 0
}

/// The Options screen: option bytes as read, and as edited.
public struct OptionsState: Equatable, Sendable {
  public var read: OptionBytes?
  public var edited: OptionBytes?
  public var fields = ListState()
  public var error: String?
  public var readAt: Double?
  /// Assume this BOOT0 pin level for the prediction (`b` flips it).
  public var boot0 = false
}

/// Where keys go on the Flash screen.
public enum FlashFocus: Hashable, Sendable { case browser, pathField }

/// The Flash screen: file picker, file, plan toggles, progress, result.
public struct FlashState: Equatable, Sendable {
  public var directory: String
  public var entries: [DirectoryEntry] = []
  public var browser = ListState()
  public var focus = FlashFocus.browser
  public var pathField = ""
  public var rawAddress: UInt32?
  /// A raw file that could not be loaded for want of an address (`a` asks for it).
  public var needsAddress: String?
  public var file: LoadedFile?
  public var fileError: String?
  public var options = FlashOptions()
  public var leave = false
  public var watch = false
  public var alternate: UInt8 = 0
  /// Where the backup toggle saves (`--backup-dir`, else the working directory).
  public var backupDirectory: String
  /// The last finished flash: shown until the next one starts.
  public var result: JobOutcome?
  public var resultDevice: String?

  public init(directory: String) {
    self.directory = directory
    backupDirectory = directory
  }
}

/// The whole app state: one value, changed only by ``update(_:_:)``.
public struct AppState: Equatable, Sendable {
  public var width: Int
  public var height: Int
  public var screen = ScreenID.devices
  public var showHelp = false
  public var dialog: DialogState?
  public var status = ""
  public var now: Double = 0
  public var devices: [DeviceSummary] = []
  public var deviceList = ListState()
  /// The device the other screens work on (by ``DeviceSummary/id``).
  public var selectedDeviceID: String?
  public var job: JobState?
  public var memory = MemoryState()
  public var options = OptionsState()
  public var flash: FlashState
  public var batch = BatchState()
  public var log: [LogEntry] = []
  public var logScroll: Int?
  /// Only log lines containing this text (any case) are shown: a port (`1-2`), a word (`FAILED`).
  public var logFilter = ""
  /// `/` on the Log screen: keys go to the filter until Enter or Esc.
  public var logFilterEditing = false
  public var verbose = false
  public var quitting = false

  public init(width: Int, height: Int, directory: String) {
    self.width = width
    self.height = height
    flash = FlashState(directory: directory)
  }

  /// The selected device (also when it was unplugged: ``DeviceSummary/present`` is false).
  public var selectedDevice: DeviceSummary? {
    devices.first { $0.id == selectedDeviceID }
  }

  /// True when the terminal is too small for the layout (below 80×24).
  public var tooSmall: Bool { width < 80 || height < 24 }

  /// The flash plan for the loaded file on the selected device, or why there is none.
  /// Planning pads the whole image, so the last plan is kept for the next frames.
  public var plan: Result<FlashPlan, PlanProblem> {
    guard let file = flash.file else { return .failure(PlanProblem("no file loaded")) }
    guard let device = selectedDevice else { return .failure(PlanProblem("no device selected")) }
    guard let map = device.map(flash.alternate) else {
      return .failure(PlanProblem("alternate setting \(flash.alternate) has no memory map"))
    }
    let key = PlanKey(image: file.image, map: map, chip: device.chip)
    if let hit = lastPlan.withLock({ $0?.key == key ? $0?.plan : nil }) { return hit }
    let plan: Result<FlashPlan, PlanProblem>
    do throws(FlashPlanError) {
      plan = .success(try FlashPlan(image: file.image, map: map, chip: device.chip))
    } catch {
      plan = .failure(PlanProblem(error.description))
    }
    lastPlan.withLock { $0 = (key, plan) }
    return plan
  }

  /// The log lines the Log screen shows: all, or those matching ``logFilter``.
  public var visibleLog: [LogEntry] {
    guard !logFilter.isEmpty else { return log }
    return log.filter { $0.text.range(of: logFilter, options: .caseInsensitive) != nil }
  }

  mutating func addLog(_ level: LogEntry.Level, _ text: String) {
    log.append(LogEntry(time: now, level: level, text))
    if log.count > 5000 { log.removeFirst(log.count - 5000) }
  }
}

/// Why no plan can be made (shown in place of the plan).
public struct PlanProblem: Error, Equatable, Sendable {
  public let message: String
  public init(_ message: String) { self.message = message }
}

/// What a plan depends on (image equality is a buffer-identity check when unchanged).
struct PlanKey: Equatable, Sendable {
  let image: FirmwareImage
  let map: MemoryMap
  let chip: ChipProfile
}

/// The last plan made (UI thread; a lock keeps it safe anyway).
private let lastPlan = Mutex<(key: PlanKey, plan: Result<FlashPlan, PlanProblem>)?>(nil)
