import ArgumentParser
import DfuSe

/// `dfutui options show [--json] [--raw]`.
struct OptionsShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Read and decode the option bytes; predict where the chip boots.")

  @OptionGroup var device: DeviceOptions
  @OptionGroup var ob: OptionByteOptions
  @Flag(help: "Print JSON.") var json = false
  @Flag(help: "Also print the raw bytes.") var raw = false

  func run() throws {
    JSONOutput.begin("options show", enabled: json)
    let context = try DeviceContext(device)
    let controller = try ob.controller(context)
    JSONOutput.device = controller.device
    let bytes: OptionBytes
    do throws(OptionByteError) { bytes = try controller.read() } catch {
      try? context.saveSimulatorState()
      if case .readProtected = error {
        if json {
          // Same shape as a readable result, so one parser handles both.
          JSONOutput.partialResult = OptionsJSON(readProtected: controller, boot0: ob.boot0 == 1)
          throw Exit.fail("read protection (RDP level 1) is active: the option bytes and flash cannot be read "
                          + "over DFU. `dfutui unprotect --yes` removes it, which MASS-ERASES the whole flash",
                          code: Exit.deviceError)
        } else {
          Console.out("Read protection: level 1 is ACTIVE. The option bytes and flash cannot be read over DFU.")
          Console.out("`dfutui unprotect --yes` removes it; that MASS-ERASES the whole flash.")
        }
        throw ExitCode(Exit.deviceError)
      }
      if let loss = DeviceLoss.after(error, controller: controller, phase: .optionBytes,
                                     flashState: "not changed (only read)",
                                     nextStep: "Reconnect the board in DFU mode and rerun `dfutui options show`") {
        throw Exit.fail(loss.description, code: Exit.deviceError)
      }
      throw Exit.fail(error)
    }
    try context.saveSimulatorState()
    if json {
      JSONOutput.succeed(OptionsJSON(bytes, controller: controller, boot0: ob.boot0 == 1))
      return
    }
    let layout = bytes.layout
    Console.out("Option bytes: \(bytes.family) (\(layout.writable ? "editable" : "read-only: layout unconfirmed"))")
    Console.out("  source: \(layout.source)")
    Console.out(contentsOf: OptionBytesText.fields(bytes))
    let bad = bytes.complementMismatches.enumerated().filter { !$0.element.isEmpty }
    for (zone, offsets) in bad {
      Console.out("  WARNING: zone \(zone) complement mismatch at byte(s) \(offsets.map(String.init).joined(separator: ", "))")
    }
    Console.out("Boot prediction:")
    Console.out(contentsOf: OptionBytesText.boot(bytes, boot0: ob.boot0 == 1))
    if raw {
      Console.out("Raw:")
      Console.out(contentsOf: OptionBytesText.raw(bytes, zones: controller.zones))
    }
  }
}

extension Console {
  static func out(contentsOf lines: [String]) { for l in lines { out(l) } }
}
