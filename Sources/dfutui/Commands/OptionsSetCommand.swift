import ArgumentParser
import DfuSe

/// `dfutui options set FIELD=VALUE… [--yes] [--irreversible-rdp2 PHRASE]`.
struct OptionsSetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set", abstract: "Change option fields; shows the diff and the boot path, writes only with --yes.")

  @OptionGroup var device: DeviceOptions
  @OptionGroup var ob: OptionByteOptions
  @Argument(help: "Edits, FIELD=VALUE (e.g. nRST_STOP=0, RDP=level1, nWRP=0xFFE).") var edits: [String]
  @Flag(help: "Confirm the write.") var yes = false
  @Option(name: .customLong("irreversible-rdp2"),
          help: ArgumentHelp("Required for RDP level 2: the exact phrase \"\(OptionByteChangePlan.irreversiblePhrase)\".",
                             valueName: "phrase"))
  var irreversiblePhrase: String?

  func run() throws {
    var parsed: [OptionEdit] = []
    for e in edits {
      do throws(OptionByteError) { parsed.append(try OptionEdit(parsing: e)) } catch { throw Exit.fail(error) }
    }
    if let problem = Self.duplicateFieldProblem(parsed) { throw Exit.fail(problem, code: Exit.usage) }
    let context = try DeviceContext(device)
    let controller = try ob.controller(context)
    try OptionsWriter.run(context: context, controller: controller, boot0: ob.boot0 == 1, yes: yes,
                          phrase: irreversiblePhrase) { (current: OptionBytes) throws(OptionByteError) -> OptionBytes in
      var after = current
      for e in parsed { try after.apply(e) }
      return after
    }
  }

  /// Two edits of one field (`RDP=0xAA RDP=0xBB`): which one was meant is unclear, so refuse
  /// before touching the device. Field names compare case-insensitively.
  static func duplicateFieldProblem(_ edits: [OptionEdit]) -> String? {
    var seen: [String: OptionEdit] = [:]
    for e in edits {
      if let first = seen[e.field.lowercased()] {
        return "\(e.field) is given twice (\(first.field)=\(first.value) and \(e.field)=\(e.value)); "
          + "give each field once. Nothing was sent to the device"
      }
      seen[e.field.lowercased()] = e
    }
    return nil
  }
}

/// `dfutui options reset-defaults --yes`.
struct OptionsResetDefaultsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reset-defaults", abstract: "Write the family's factory option bytes (needs --yes).")

  @OptionGroup var device: DeviceOptions
  @OptionGroup var ob: OptionByteOptions
  @Flag(help: "Confirm the write.") var yes = false

  func run() throws {
    let context = try DeviceContext(device)
    let controller = try ob.controller(context)
    try OptionsWriter.run(context: context, controller: controller, boot0: ob.boot0 == 1, yes: yes, phrase: nil) {
      (current: OptionBytes) throws(OptionByteError) -> OptionBytes in
      OptionBytes.factoryDefaults(current.family, zoneCount: current.zones.count)
    }
  }
}

/// The shared read → plan → show → confirm → write → verify flow.
enum OptionsWriter {
  static func run(context: DeviceContext, controller: OptionByteController, boot0: Bool, yes: Bool, phrase: String?,
                  edit: (OptionBytes) throws(OptionByteError) -> OptionBytes) throws {
    let report: OptionByteWriteReport
    do throws(JobError) {
      let job = try OptionByteChangeJob.prepare(controller: controller, boot0Pin: boot0, edit: edit)
      let plan = job.plan
      if plan.isEmpty {
        Console.out("Nothing to change: the option bytes already hold these values.")
        try? context.saveSimulatorState()
        return
      }
      Console.out(contentsOf: OptionBytesText.plan(plan, controller: controller))
      do throws(OptionByteError) { try plan.check(confirmed: yes, irreversiblePhrase: phrase) } catch {
        throw JobError.optionBytes(error)
      }
      let progress = ProgressReporter(clock: context.clock)
      defer { progress.finishLine() }
      report = try job.run(confirmed: yes, irreversiblePhrase: phrase, events: { JobOutput.render($0, progress: progress) })
    } catch {
      try? context.saveSimulatorState()
      throw Exit.fail(error)
    }
    try context.saveSimulatorState()
    let secs = report.elapsed.secondsText
    if report.verified {
      Console.out("Option bytes written and verified in \(secs) (\(report.resets) reset\(report.resets == 1 ? "" : "s")): \(report.note).")
    } else {
      Console.out("Option bytes written in \(secs); NOT verified: \(report.note).")
    }
  }
}
