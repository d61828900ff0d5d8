public import Logging

/// What to write, as values: the same for `dfutui write`, `dfutui restore`
/// and the TUI's Flash screen.
public struct FlashJobRequest: Sendable {
  /// The parsed, validated firmware file (parse it before touching any device)
  /// and its name, for messages.
  public var firmware: LoadedFirmware
  public var fileName: String
  /// The alternate setting to write.
  public var alternate: UInt8
  /// True when the user chose the alternate setting (a file with targets for
  /// several settings must be written one at a time, named explicitly).
  public var alternateChosen: Bool
  public var options: FlashOptions
  /// Save the sectors about to be erased here first (implies ``FlashOptions/backup``).
  public var backupPath: String?
  /// After a verified write, check the vector table and leave DFU.
  public var leaveAfter: Bool
  /// With ``leaveAfter``: leave even if the vector table does not look bootable.
  public var leaveEvenIfNotBootable: Bool

  public init(firmware: LoadedFirmware, fileName: String, alternate: UInt8 = 0,
              alternateChosen: Bool = false, options: FlashOptions = .init(), backupPath: String? = nil,
              leaveAfter: Bool = false, leaveEvenIfNotBootable: Bool = false) {
    self.firmware = firmware
    self.fileName = fileName
    self.alternate = alternate
    self.alternateChosen = alternateChosen
    self.options = options
    self.backupPath = backupPath
    self.leaveAfter = leaveAfter
    self.leaveEvenIfNotBootable = leaveEvenIfNotBootable
  }

  /// Parses `fileBytes` (``FirmwareLoader/load(_:fileName:format:rawAddress:)``: raw data
  /// needs `rawAddress`) into a request.
  /// - Throws: ``JobError/rejected(_:)`` naming what is wrong with the file.
  public init(fileBytes: [UInt8], fileName: String, format: FirmwareFormat? = nil, rawAddress: UInt32? = nil,
              alternate: UInt8 = 0, alternateChosen: Bool = false, options: FlashOptions = .init(),
              backupPath: String? = nil, leaveAfter: Bool = false, leaveEvenIfNotBootable: Bool = false) throws(JobError) {
    let loaded: LoadedFirmware
    do throws(FileFormatError) {
      loaded = try FirmwareLoader.load(fileBytes, fileName: fileName, format: format, rawAddress: rawAddress)
    } catch {
      throw .rejected(error.description)
    }
    self.init(firmware: loaded, fileName: fileName, alternate: alternate, alternateChosen: alternateChosen,
              options: options, backupPath: backupPath, leaveAfter: leaveAfter,
              leaveEvenIfNotBootable: leaveEvenIfNotBootable)
  }
}

/// What a finished flash job did.
public struct FlashJobReport: Sendable {
  /// The flash itself: sector actions, bytes, verified, timing.
  public var flash: FlashReport
  /// Where the backup went, when one was written.
  public var backupPath: String?
  /// The leave, when asked for: its report, or why it did not happen or was
  /// not accepted (the flash itself succeeded either way).
  public var leave: Result<LeaveReport, JobError>?
}

/// The write workflow as a two-stage job: ``prepare(_:device:bus:clock:)``
/// loads and validates everything and reads what it needs (option bytes for
/// the protection check) without writing anything; ``run(events:isCancelled:)``
/// backs up, erases, writes, verifies and optionally leaves, reporting
/// progress and notices as ``JobEvent``s. Blocking: run it on a worker thread
/// that owns the device.
public final class FlashJob {
  public let request: FlashJobRequest
  public let device: DFUDeviceInfo
  public let bus: any DFUBus
  public let clock: any BlockingClock
  public let logger: Logger
  /// How the chip was identified (the plan uses its profile).
  public let identity: ChipIdentity
  /// The validated plan (sectors, runs, padding, errata).
  public let plan: FlashPlan
  /// The effective options (``FlashOptions/backup`` set when a backup path was given).
  public let options: FlashOptions
  /// Information found while preparing ("raw binary placed at 0x08000000", reader notices).
  public let notices: [String]
  /// Possible problems found while preparing (DFU suffix for another device,
  /// option bytes unreadable so write protection was not checked).
  public let warnings: [String]
  /// The validated backup destination.
  public let backup: BackupFile?

  private init(request: FlashJobRequest, device: DFUDeviceInfo, bus: any DFUBus, clock: any BlockingClock,
               logger: Logger, identity: ChipIdentity, plan: FlashPlan, options: FlashOptions, notices: [String],
               warnings: [String], backup: BackupFile?) {
    self.request = request
    self.device = device
    self.bus = bus
    self.clock = clock
    self.logger = logger
    self.identity = identity
    self.plan = plan
    self.options = options
    self.notices = notices
    self.warnings = warnings
    self.backup = backup
  }

  /// Parses the file, picks the image for the alternate setting, plans it
  /// against the memory map and chip, validates the backup destination and
  /// (on alternate 0) reads the option bytes to refuse write-protected
  /// sectors or read protection. Sends no write, erase or leave.
  /// - Throws: ``JobError/rejected(_:)`` (file, image, plan), ``JobError/usage(_:)``,
  ///   ``JobError/output(_:)`` (backup file), ``JobError/readProtected``,
  ///   ``JobError/writeProtected(_:)``, ``JobError/device(_:)``.
  /// - Parameter identity: the chip (``ChipIdentity/identify(_:family:)``, with the user's
  ///   family override if any); an ambiguous identity adds a notice and plans with the safest rules.
  public static func prepare(_ request: FlashJobRequest, device: DFUDeviceInfo, identity: ChipIdentity,
                             bus: any DFUBus, clock: any BlockingClock, logger: Logger) throws(JobError) -> FlashJob {
    let file = request.fileName
    let map = try memoryMap(of: device, alternate: request.alternate)
    let loaded = request.firmware
    var notices = loaded.notices, warnings: [String] = []
    if identity.certainty == .ambiguous {
      notices.append("the chip may be \(identity.candidates.map(\.name).joined(separator: " or ")); "
                     + "using the safest rules for all of them (give --family to choose)")
    }
    if let suffix = loaded.suffix, let mismatch = suffix.mismatch(with: device) { warnings.append(mismatch) }
    let image = try Self.image(of: loaded, alternate: request.alternate, explicit: request.alternateChosen, file: file)
    let plan: FlashPlan
    do throws(FlashPlanError) { plan = try FlashPlan(image: image, map: map, chip: identity.profile) } catch {
      throw .rejected(error.description)
    }
    var options = request.options
    var backup: BackupFile?
    if let path = request.backupPath {
      backup = try BackupFile(path: path, for: plan)
      options.backup = true
    }
    if request.alternate == 0 {
      switch try checkProtection(plan, device: device, family: identity.optionBytes, bus: bus, clock: clock,
                                 logger: logger) {
      case .success(let protection): options.protection = protection
      case .failure(let unreadable): warnings.append(unreadable.reason)
      }
    }
    return FlashJob(request: request, device: device, bus: bus, clock: clock, logger: logger, identity: identity,
                    plan: plan, options: options, notices: notices, warnings: warnings, backup: backup)
  }

  /// Performs the prepared job: opens the device, flashes (pre-read, backup,
  /// erase, write, verify), then leaves when asked.
  /// - Parameters:
  ///   - events: progress, notices and the saved backup, in order, on this thread.
  ///   - isCancelled: checked before every USB transfer; true stops the job with
  ///     ``FlashError/device(_:)`` ``DfuSeError/cancelled`` (device still in DFU; a
  ///     ``FlashOptions/differential`` rerun finishes it).
  /// - Throws: ``JobError/flash(_:)`` (verify failures included),
  ///   ``JobError/deviceLost(_:)`` when the device left the bus, the leave's errors.
  public func run(events: (JobEvent) -> Void, isCancelled: @escaping () -> Bool = { false }) throws(JobError) -> FlashJobReport {
    let dfu = try Self.open(device, alternate: request.alternate, bus: bus, clock: clock, logger: logger)
    defer { dfu.transport.close() }
    dfu.isCancelled = isCancelled
    var trail = ProgressTrail()
    var savedBackup: String?
    let backup = self.backup
    let report: FlashReport
    do throws(FlashError) {
      report = try dfu.flash(plan, options: options, saveBackup: { image in
        guard let backup else { return nil }
        if image.isEmpty {
          events(.notice("nothing will be erased, so the backup is empty"))
          return nil
        }
        if let problem = backup.save(image) { return problem }
        savedBackup = backup.path
        events(.backupSaved(path: backup.path, bytes: image.byteCount))
        return nil
      }, progress: { p in
        trail.record(p)
        events(.progress(p))
      })
    } catch {
      dfu.transport.close()  // before enumerating again: libusb must not list a bus with this handle open on a gone device
      throw lossOrFailure(error, trail: trail)
    }
    var result = FlashJobReport(flash: report, backupPath: savedBackup, leave: nil)
    if request.leaveAfter {
      let target = plan.bootSector?.address ?? plan.image.lowestAddress!
      do throws(JobError) {
        let check: VectorTable
        do throws(FlashError) { check = try dfu.checkBootable(at: target, chip: plan.chip, image: plan.image) } catch {
          dfu.transport.close()
          throw LeaveJob.failure(error, device: device, bus: bus, clock: clock)
        }
        if !check.isBootable && !request.leaveEvenIfNotBootable { throw .notBootable(check) }
        result.leave = .success(try LeaveJob.leave(dfu, check: check, chip: plan.chip, events: events, bus: bus, clock: clock))
      } catch {
        result.leave = .failure(error)
      }
    }
    return result
  }

  /// A flash failure as the job reports it: a device that left the bus
  /// becomes ``JobError/deviceLost(_:)`` with the flash state and next step.
  func lossOrFailure(_ error: FlashError, trail: ProgressTrail) -> JobError {
    guard case .device(let e) = error, let (transport, step) = DeviceLoss.transportFailure(e),
          DeviceLoss.isGone(device, from: bus, clock: clock) else { return .flash(error) }
    let state = trail.flashState(map: plan.map)
    let changed = state != "nothing was erased or written"
    var next = "Reconnect the board and put it back in DFU mode (BOOT0 high, reset), then "
    next += changed ? "flash the same file again with the differential option (`--diff`; `d` on the TUI's Flash "
      + "screen): sectors that already hold the image are skipped, the rest are erased and written again"
      : "flash it again; nothing on the board was changed"
    if changed, let path = backup?.path, trail.erased.count > 0 {
      next += ". The sectors' previous content is in \(path) (`dfutui restore \(path)`); give a rerun a new "
        + "--backup name"
    }
    return .deviceLost(DeviceLoss(error: transport, step: step, phase: trail.last?.phase,
                                  reachedAddress: trail.last?.reachedAddress, flashState: state, nextStep: next))
  }

  /// The image for the selected alternate setting; multi-target files must name which target to write.
  static func image(of loaded: LoadedFirmware, alternate: UInt8, explicit: Bool, file: String) throws(JobError) -> FirmwareImage {
    let alts = Set(loaded.targets.compactMap(\.alternateSetting))
    if alts.count > 1 && !explicit {
      let list = alts.sorted().map(String.init).joined(separator: ", ")
      throw .rejected("\(file) holds targets for alternate settings \(list); write one at a time with --alt N")
    }
    guard let image = loaded.image(forAlternate: alternate), !image.isEmpty else {
      throw .rejected("\(file) has no data for alternate setting \(alternate)")
    }
    return image
  }

  /// Reads the option bytes (a read only) and refuses a write that cannot work:
  /// under read protection the ROM refuses writes and erases (AN3156 Table 4);
  /// write-protected sectors are silently skipped by the ROM (AN3156 §5).
  /// - Returns: the protection state for the erase planner (a mass erase needs RDP 0 and no
  ///   write protection, proven), or why it is unknown (the write goes on without a mass erase).
  static func checkProtection(_ plan: FlashPlan, device: DFUDeviceInfo, family: OptionByteFamily?, bus: any DFUBus,
                              clock: any BlockingClock, logger: Logger)
    throws(JobError) -> Result<FlashProtection, ProtectionUnknown> {
    let controller: OptionByteController
    do throws(OptionByteError) {
      controller = try OptionByteController(bus: bus, device: device, clock: clock, logger: logger, family: family)
    } catch {
      return .failure(ProtectionUnknown(reason: "write protection not checked: \(error)"))
    }
    let options: OptionBytes
    do throws(OptionByteError) { options = try controller.read() } catch {
      if case .readProtected = error { throw .readProtected }
      return .failure(ProtectionUnknown(reason: "could not read the option bytes to check write protection (\(error)); going on"))
    }
    let planned = Set(plan.sectors.map(\.sector.address))
    let locked = options.writeProtectedSectors(in: plan.map).filter { planned.contains($0.address) }
    if !locked.isEmpty { throw .writeProtected(locked) }
    return .success(FlashProtection(options, flashMap: plan.map))
  }

  /// Why the protection state is unknown.
  struct ProtectionUnknown: Error {
    var reason: String
  }

  /// The memory map of `alternate` as enumeration saw it.
  static func memoryMap(of device: DFUDeviceInfo, alternate: UInt8) throws(JobError) -> MemoryMap {
    guard let setting = device.alternate(alternate) else {
      throw .usage("the device has no alternate setting \(alternate)")
    }
    do throws(MemoryMapError) { return try setting.memoryMap() } catch {
      let hint = device.stringsUnavailableReason.map { " (\($0))" } ?? ""
      throw .device("cannot read the memory map of alternate setting \(alternate): \(error)\(hint)")
    }
  }

  /// Opens `device` on `alternate` as a ``DfuSeDevice``.
  static func open(_ device: DFUDeviceInfo, alternate: UInt8, bus: any DFUBus, clock: any BlockingClock,
                   logger: Logger) throws(JobError) -> DfuSeDevice {
    let transport: any DFUTransport
    do throws(TransportError) { transport = try bus.open(device, alternateSetting: alternate) } catch {
      throw .flash(.device(.transport(error, during: "opening the device")))
    }
    do throws(MemoryMapError) { return try DfuSeDevice(info: device, transport: transport, clock: clock, logger: logger) } catch {
      transport.close()
      throw .device("alternate setting \(alternate) has no usable memory map: \(error)")
    }
  }
}
