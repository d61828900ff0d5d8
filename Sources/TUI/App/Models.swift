public import DfuSe

/// One DFU device as the Devices screen shows it: enumeration data plus the
/// chip identification (from enumeration only: alt strings, bcdDevice).
public struct DeviceSummary: Hashable, Sendable {
  /// Stable identity across polls: the port path, and the serial when known.
  public var id: String
  public var info: DFUDeviceInfo
  /// The chip, from every clue in the descriptors (``ChipIdentity``).
  public var identity: ChipIdentity
  public var chip: ChipProfile { identity.profile }
  /// False once the board left the bus (kept while a job used it).
  public var present: Bool

  /// Why the user's `--family` was not used for this device (it names no group, or contradicts the descriptors).
  public var familyProblem: String?

  /// - Parameter family: the user's `--family` (``ChipIdentity/identify(_:family:)``); one that does not
  ///   fit leaves the plain identification and says why in ``familyProblem``.
  public init(info: DFUDeviceInfo, present: Bool = true, family: String? = nil) {
    self.info = info
    id = info.path + (info.serialNumber.map { "#" + $0 } ?? "")
    do throws(ChipIdentityError) {
      identity = try ChipIdentity.identify(info, family: family)
    } catch {
      identity = ChipIdentity.identify(info)
      familyProblem = error.description
    }
    self.present = present
  }

  /// The alternate settings with their parsed memory maps.
  public var maps: [(number: UInt8, map: MemoryMap?)] {
    info.alternateSettings.map { ($0.number, try? $0.memoryMap()) }
  }

  /// The map of `alternate` (0 = internal flash on ST ROMs).
  public func map(_ alternate: UInt8) -> MemoryMap? { try? info.alternate(alternate)?.memoryMap() }

  /// How sure the identification is (``ChipIdentity/certainty``): sure, likely, ambiguous, unknown.
  public var certainty: String {
    switch identity.certainty {
    case .certain: return "sure"
    case .likely: return "likely"
    case .ambiguous: return "ambiguous"
    case .unrecognised: return "unknown"
    }
  }
}

/// A firmware file read and parsed (no device needed).
public struct LoadedFile: Hashable, Sendable {
  public var path: String
  /// The file as the engine read it (format, every target, DFU suffix, reader notices):
  /// jobs get it whole, as the CLI's do.
  public var firmware: LoadedFirmware
  /// The image for the internal flash (alternate setting 0): shown and planned.
  public var image: FirmwareImage
  public var fileSize: Int
  public var crc32: UInt32
  public var warnings: [String]
  public var modified: Double

  public init(path: String, firmware: LoadedFirmware, image: FirmwareImage, fileSize: Int, crc32: UInt32,
              warnings: [String], modified: Double) {
    self.path = path
    self.firmware = firmware
    self.image = image
    self.fileSize = fileSize
    self.crc32 = crc32
    self.warnings = warnings
    self.modified = modified
  }

  public var name: String { path.split(separator: "/").last.map(String.init) ?? path }
  /// `Intel HEX`, `raw binary`…
  public var format: String { firmware.format.displayName }
  /// The file's DFU suffix (`.dfu` files): the VID/PID/bcdDevice it was made for, checked against the board.
  public var suffix: DFUSuffix? { firmware.suffix }
}

/// A directory entry of the file picker.
public struct DirectoryEntry: Hashable, Sendable {
  public var name: String
  public var isDirectory: Bool
  public var size: Int

  public init(name: String, isDirectory: Bool, size: Int = 0) {
    self.name = name
    self.isDirectory = isDirectory
    self.size = size
  }
}

/// One line of the log pane.
public struct LogEntry: Hashable, Sendable {
  public enum Level: String, Hashable, Sendable { case trace, info, warning, error }
  /// Seconds since the epoch.
  public var time: Double
  public var level: Level
  public var text: String

  public init(time: Double, level: Level, _ text: String) {
    self.time = time
    self.level = level
    self.text = text
  }
}

/// What a flash job is asked to do (the plan is rebuilt on the worker from the same inputs).
public struct FlashRequest: Hashable, Sendable {
  public var deviceID: String
  public var alternate: UInt8
  /// The file as loaded (format, targets, DFU suffix, notices), so ``DfuSe/FlashJob`` sees what
  /// the CLI's job sees: it warns about a file made for another device and picks the alternate's image.
  public var firmware: LoadedFirmware
  public var fileName: String
  public var options: FlashOptions
  public var leave: Bool

  public init(deviceID: String, alternate: UInt8, firmware: LoadedFirmware, fileName: String, options: FlashOptions,
              leave: Bool) {
    self.deviceID = deviceID
    self.alternate = alternate
    self.firmware = firmware
    self.fileName = fileName
    self.options = options
    self.leave = leave
  }
}

/// How a job ended.
public enum JobOutcome: Equatable, Sendable {
  /// A flash finished: what it did (verified only when read back and compared).
  /// `erase` is the engine's erase decision with its reason (``DfuSe/FlashReport/erase``).
  case flashed(verified: Bool, summary: String, actions: [UInt32: SectorAction], left: String?, erase: String? = nil)
  case sectorRead(address: UInt32, bytes: [UInt8])
  case optionBytesRead(OptionBytes)
  case optionBytesWritten(verified: Bool, note: String, readBack: OptionBytes?)
  /// Stopped between two transfers at the user's request.
  case cancelled(String)
  /// Failed: what, and what to do next; mismatched ranges for a verify failure.
  case failed(message: String, hint: String, mismatches: [ClosedRange<UInt32>])
}

/// What kind of job runs on a device.
public enum JobKind: String, Hashable, Sendable {
  case flash, readSector = "read", readOptions = "read option bytes", writeOptions = "write option bytes"
}
