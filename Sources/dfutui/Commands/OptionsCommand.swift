import ArgumentParser
import DfuSe

/// `dfutui options`: show, edit and reset STM32 option bytes (stm32-dfu-facts §5).
struct OptionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "options", abstract: "Show or change the option bytes (decoded, with boot-path prediction).",
    subcommands: [OptionsShowCommand.self, OptionsSetCommand.self, OptionsResetDefaultsCommand.self],
    defaultSubcommand: OptionsShowCommand.self)
}

/// Options shared by the option-byte commands.
struct OptionByteOptions: ParsableArguments {
  @Option(name: .customLong("boot0"), help: ArgumentHelp("Assumed BOOT0 pin level for the boot prediction.", valueName: "0|1"))
  var boot0: Int = 0

  func validate() throws {
    if boot0 != 0 && boot0 != 1 { throw ValidationError("--boot0 takes 0 or 1") }
  }

  /// The controller for the one selected device.
  func controller(_ context: DeviceContext) throws(ExitCode) -> OptionByteController {
    let info = try context.selectDevice()
    let identity = try context.options.identify(info)  // --family lives in DeviceOptions
    do throws(OptionByteError) {
      return try OptionByteController(bus: context.bus, device: info, clock: context.clock, logger: context.logger,
                                      family: identity.optionBytes)
    } catch {
      throw Exit.fail(error.description, code: Exit.inputRejected)
    }
  }
}

extension Exit {
  /// Maps an option-byte failure to its message and exit code.
  static func fail(_ error: OptionByteError) -> ExitCode {
    switch error {
    case .device(.transport(.accessDenied, _)), .transport(.accessDenied, _):
      return fail(error.description, code: permission)
    case .device, .transport, .flash, .readProtected, .stillProtected: return fail(error.description, code: deviceError)
    case .deviceDidNotReturn: return fail(error.description, code: noDevice)
    case .verifyFailed: return fail(error.description, code: verifyFailed)
    default: return fail(error.description, code: inputRejected)
    }
  }
}

/// Text renderings shared by the option-byte commands.
enum OptionBytesText {
  static func fields(_ ob: OptionBytes) -> [String] {
    ob.decoded.map { d in
      let tag = d.field.danger == .none ? "" : "  {\(d.field.danger.rawValue)}"
      return "  " + d.line + tag + (d.field.readOnlyReason == nil ? "" : "  (read-only: may be reserved on this part)")
    }
  }

  static func boot(_ ob: OptionBytes, boot0: Bool) -> [String] {
    var lines: [String] = []
    for pin in [boot0, !boot0] {
      let p = BootPrediction.predict(ob, boot0Pin: pin)
      lines.append("  \(p.summary)   (\(p.reasons.joined(separator: "; ")))")
    }
    let p = BootPrediction.predict(ob, boot0Pin: boot0)
    lines += p.warnings.map { "  WARNING: " + $0 }
    return lines
  }

  static func raw(_ ob: OptionBytes, zones: [MemorySegment]) -> [String] {
    ob.zones.enumerated().map { i, bytes in
      let address = i < zones.count ? hex32(zones[i].start) : "zone \(i)"
      return "  \(address): " + bytes.map { b in
        let s = String(b, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
      }.joined(separator: " ")
    }
  }

  /// The diff, risks and boot paths shown before any write.
  static func plan(_ plan: OptionByteChangePlan, controller: OptionByteController) -> [String] {
    var lines = ["Option-byte changes (\(plan.before.family)):"]
    lines += plan.changes.map { "  " + $0.line }
    if plan.changes.isEmpty { lines.append("  (no field changes; complement bytes rewritten)") }
    if !plan.risks.isEmpty {
      lines.append("Risks:")
      lines += plan.risks.map { "  ! " + $0.description }
    }
    lines.append("Boot after the write: \(plan.bootAfter.summary) (was \(plan.bootBefore.summary))")
    lines += plan.bootAfter.warnings.map { "  WARNING: " + $0 }
    let zones = plan.zonesToWrite.map { hex32(controller.zones[$0].start) }
    lines.append("Will write the whole block at \(zones.joined(separator: ", ")); the device resets after each "
                 + "and is found again by serial number, then re-read and verified.")
    return lines
  }
}
