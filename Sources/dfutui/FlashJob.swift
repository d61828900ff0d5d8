import ArgumentParser
import DfuSe

/// The write flow shared by `write` and `restore`: load any firmware format,
/// plan against the device's memory map and chip profile (nothing sent yet),
/// show the plan, flash, verify, optionally back up and leave.
struct FlashJob {
  var file: String
  var address: UInt32?
  var options: FlashOptions
  var backupPath: String?
  var leave: Bool
  var force: Bool

  func run(_ device: DeviceOptions) throws(ExitCode) {
    let bytes = try FirmwareFiles.readBytes(file)
    let context = try DeviceContext(device)
    let info = try context.selectDevice()
    JSONOutput.device = info
    let alt = try device.alternate(on: info)
    let map = try context.memoryMap(of: info, alternate: alt)
    let format = FirmwareLoader.detectFormat(bytes, fileName: file)
    var rawAddress = address
    if format == .raw && rawAddress == nil {
      guard let first = map.segments.first(where: { $0.access.isSuperset(of: [.erasable, .writable]) }) else {
        throw Exit.fail("\(file) is a raw binary and \"\(map.name)\" has no writable memory; give --address", code: Exit.usage)
      }
      rawAddress = first.start
      Console.error("note: \(file) is a raw binary without --address; placing it at the start of \"\(map.name)\", \(hex32(first.start))")
    }
    let loaded = try FirmwareFiles.parse(bytes, path: file, rawAddress: rawAddress)
    if let suffix = loaded.suffix, let mismatch = suffix.mismatch(with: info) { Console.error("warning: " + mismatch) }
    let image = try Self.image(of: loaded, alternate: alt, explicitAlt: device.alt != nil, file: file)
    let chip = ChipProfile.identify(info)
    let plan: FlashPlan
    do throws(FlashPlanError) { plan = try FlashPlan(image: image, map: map, chip: chip) } catch {
      throw Exit.fail(error.description, code: Exit.inputRejected)
    }
    if let backupPath, FirmwareFiles.outputKind(backupPath) == nil {
      throw Exit.fail("--backup \(backupPath): name the file .bin, .hex or .dfu so the format is clear", code: Exit.usage)
    }
    FlashPlanDescription.print(plan, options: options, file: file)
    if alt == 0 { try Self.checkProtection(plan, device: info, context: context) }

    let dfu = try context.open(info, alternate: alt)
    defer { dfu.transport.close() }
    Interrupt.install()
    dfu.isCancelled = { Interrupt.wasRequested }
    let progress = ProgressReporter(clock: context.clock)
    let report: FlashReport
    do throws(FlashError) {
      report = try dfu.flash(plan, options: options, saveBackup: saveBackup, progress: progress.update)
    } catch {
      progress.finishLine()
      try? context.saveSimulatorState()
      throw Exit.fail(error)
    }
    progress.finishLine()
    FlashPlanDescription.print(report, plan: plan)
    if leave { try leaveAfterWrite(dfu, plan: plan) }
    try context.saveSimulatorState()
    JSONOutput.succeed(WriteJSON(file: file, plan: plan, report: report))
  }

  /// The image for the selected alternate setting; multi-target files must name which target to write.
  static func image(of loaded: LoadedFirmware, alternate: UInt8, explicitAlt: Bool, file: String) throws(ExitCode) -> FirmwareImage {
    let alts = Set(loaded.targets.compactMap(\.alternateSetting))
    if alts.count > 1 && !explicitAlt {
      let list = alts.sorted().map(String.init).joined(separator: ", ")
      throw Exit.fail("\(file) holds targets for alternate settings \(list); write one at a time with --alt N",
                      code: Exit.inputRejected)
    }
    guard let image = loaded.image(forAlternate: alternate), !image.isEmpty else {
      throw Exit.fail("\(file) has no data for alternate setting \(alternate)", code: Exit.inputRejected)
    }
    return image
  }

  /// Reads the option bytes (a read only) and refuses a write that cannot work:
  /// under read protection the ROM refuses writes and erases (AN3156 Table 4);
  /// write-protected sectors are silently skipped by the ROM (AN3156 §5).
  static func checkProtection(_ plan: FlashPlan, device: DFUDeviceInfo, context: DeviceContext) throws(ExitCode) {
    guard let controller = try? OptionByteController(bus: context.bus, device: device, clock: context.clock) else { return }
    let options: OptionBytes
    do throws(OptionByteError) { options = try controller.read() } catch {
      if case .readProtected = error {
        throw Exit.fail("read protection (RDP level 1) is active: the ROM refuses every write and erase. "
                        + "`dfutui unprotect --yes` removes it, which mass-erases the whole flash. Nothing was written",
                        code: Exit.deviceError)
      }
      Console.error("note: could not read the option bytes to check write protection (\(error)); going on")
      return
    }
    let planned = Set(plan.sectors.map(\.sector.address))
    let locked = options.writeProtectedSectors(in: plan.map).filter { planned.contains($0.address) }
    guard locked.isEmpty else {
      let list = locked.map(\.description).joined(separator: ", ")
      throw Exit.fail("the image touches write-protected sectors (\(list)); the ROM would silently skip them. "
                      + "Remove the protection first (`dfutui options show` lists it; `dfutui options set` changes it). "
                      + "Nothing was written", code: Exit.inputRejected)
    }
  }

  private func saveBackup(_ image: FirmwareImage) -> String? {
    guard let backupPath else { return nil }
    if image.isEmpty { Console.error("note: nothing will be erased, so the backup is empty"); return nil }
    do throws(ExitCode) {
      try FirmwareFiles.write(try FirmwareFiles.encode(image, for: backupPath), to: backupPath)
      Console.error("Backed up \(image.byteCount) bytes of the sectors about to be erased to \(backupPath).")
      return nil
    } catch {
      return "the backup could not be written to \(backupPath)"
    }
  }

  private func leaveAfterWrite(_ dfu: DfuSeDevice, plan: FlashPlan) throws(ExitCode) {
    let target = plan.bootSector?.address ?? plan.image.lowestAddress!
    try LeaveCommand.leave(dfu, at: target, chip: plan.chip, image: plan.image, force: force)
  }
}

extension FirmwareFiles {
  /// Encodes `image` in the format `path`'s extension names (.bin, .hex, .dfu).
  static func encode(_ image: FirmwareImage, for path: String) throws(ExitCode) -> [UInt8] {
    do throws(FileFormatError) {
      switch outputKind(path) {
      case .hex: return ImageExport.intelHex(image)
      case .dfu: return try DfuSeFileWriter.encode([FirmwareTarget(alternateSetting: 0, name: "Internal Flash", image: image)]).bytes
      case .bin, nil: return try ImageExport.binary(image).bytes
      }
    } catch {
      throw Exit.fail(error.description, code: Exit.outputFailed)
    }
  }
}
