import ArgumentParser
import DfuSe
import Foundation

/// `dfutui options show [--json] [--raw]`.
struct OptionsShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Read and decode the option bytes; predict where the chip boots.")

  @OptionGroup var device: DeviceOptions
  @OptionGroup var ob: OptionByteOptions
  @Flag(help: "Print JSON.") var json = false
  @Flag(help: "Also print the raw bytes.") var raw = false

  func run() throws {
    let context = try DeviceContext(device)
    let controller = try ob.controller(context)
    let bytes: OptionBytes
    do throws(OptionByteError) { bytes = try controller.read() } catch {
      try? context.saveSimulatorState()
      if case .readProtected = error {
        if json {
          Console.out("{\"family\":\"\(controller.family)\",\"readProtection\":1,\"readable\":false}")
        } else {
          Console.out("Read protection: level 1 is ACTIVE. The option bytes and flash cannot be read over DFU.")
          Console.out("`dfutui unprotect --yes` removes it; that MASS-ERASES the whole flash.")
        }
        throw ExitCode(Exit.deviceError)
      }
      throw Exit.fail(error)
    }
    try context.saveSimulatorState()
    if json {
      Console.out(try Self.json(bytes, controller: controller, boot0: ob.boot0 == 1))
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

  static func json(_ ob: OptionBytes, controller: OptionByteController, boot0: Bool) throws -> String {
    let prediction = BootPrediction.predict(ob, boot0Pin: boot0)
    let object: [String: Any] = [
      "family": ob.family.rawValue,
      "editable": ob.layout.writable,
      "readProtection": ob.readProtection.rawValue,
      "fields": ob.decoded.map { d -> [String: Any] in
        ["name": d.field.name, "value": Int(d.value), "meaning": d.meaning, "danger": d.field.danger.rawValue,
         "zone": d.field.zone, "offset": d.field.offset, "bits": d.field.bitsText]
      },
      "boot": ["boot0": boot0 ? 1 : 0, "target": prediction.target.description,
               "bootloaderReachable": prediction.bootloaderReachable, "warnings": prediction.warnings],
      "raw": ob.zones.enumerated().map { i, z -> [String: Any] in
        ["address": hex32(controller.zones[i].start), "bytes": z.map { String(format: "%02X", $0) }.joined()]
      },
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }
}

extension Console {
  static func out(contentsOf lines: [String]) { for l in lines { out(l) } }
}
