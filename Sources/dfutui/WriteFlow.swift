import ArgumentParser
import DfuSe

/// `write` and `restore` on the command line: read the file, select the
/// device, then drive the library's ``DfuSe/FlashJob`` and print its plan,
/// events and report.
struct WriteFlow {
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
    let alt = try device.alternate(on: info)
    _ = try context.memoryMap(of: info, alternate: alt)  // its errors carry the CLI's exit codes
    let request = FlashJobRequest(fileBytes: bytes, fileName: file, rawAddress: address, alternate: alt,
                                  alternateChosen: device.alt != nil, options: options, backupPath: backupPath,
                                  leaveAfter: leave, leaveEvenIfNotBootable: force)
    let job: FlashJob
    do throws(JobError) { job = try DfuSe.FlashJob.prepare(request, device: info, bus: context.bus, clock: context.clock) } catch {
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
    switch report.leave {
    case .success(let leave): JobOutput.print(leave, chip: job.plan.chip)
    case .failure(let error): throw Exit.fail(error)
    case nil: break
    }
  }
}
