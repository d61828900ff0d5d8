import ArgumentParser
import DfuSe

/// `write` and `restore` on the command line: read the file, select the
/// device, then drive the library's ``DfuSe/FlashJob`` and print its plan,
/// events and report.
struct WriteFlow {
  var file: String
  var address: UInt32?
  var format: FormatChoice = .auto
  var options: FlashOptions
  var backupPath: String?
  var leave: Bool
  var force: Bool

  func run(_ device: DeviceOptions) throws(ExitCode) {
    // The whole file is read and parsed before any device is touched; raw data needs --address.
    let loaded = try FirmwareFiles.load(file, format: format, rawAddress: address, printNotices: false)
    let context = try DeviceContext(device)
    let info = try context.selectDevice()
    JSONOutput.device = info
    let alt = try device.alternate(on: info)
    _ = try context.memoryMap(of: info, alternate: alt)  // its errors carry the CLI's exit codes
    let identity = try device.identify(info)
    let request = FlashJobRequest(firmware: loaded, fileName: file, alternate: alt,
                                  alternateChosen: device.alt != nil, options: options, backupPath: backupPath,
                                  leaveAfter: leave, leaveEvenIfNotBootable: force)
    let job: FlashJob
    do throws(JobError) {
      job = try FlashJob.prepare(request, device: info, identity: identity, bus: context.bus, clock: context.clock,
                                 logger: context.logger)
    } catch {
      throw Exit.fail(error)
    }
    for notice in job.notices { Console.error("note: " + notice) }
    for warning in job.warnings { Console.error("warning: " + warning) }
    FlashPlanDescription.print(job.plan, options: job.options, file: file)

    Interrupt.install()
    let progress = ProgressReporter(clock: context.clock)
    let report: FlashJobReport
    do throws(JobError) {
      report = try job.run(events: { JobOutput.render($0, progress: progress) }, isCancelled: { Interrupt.wasRequested })
    } catch {
      progress.finishLine()
      try? context.saveSimulatorState()
      throw Exit.fail(error)
    }
    progress.finishLine()
    FlashPlanDescription.print(report.flash, plan: job.plan)
    try context.saveSimulatorState()
    var left: LeaveReport?
    switch report.leave {
    case .success(let leave): JobOutput.print(leave, chip: job.plan.chip); left = leave
    case .failure(let error): throw Exit.fail(error)
    case nil: break
    }
    JSONOutput.succeed(WriteJSON(file: file, plan: job.plan, report: report.flash, leave: left))
  }
}
