import ArgumentParser
import DfuSe
import Foundation

/// `dfutui write`: erase the touched sectors, write, verify by read-back.
struct WriteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "write",
    abstract: "Write a raw binary to flash: erase touched sectors, program, verify by read-back.",
    discussion: """
      The image is padded with 0xFF to whole 8-byte flash words (the STM32L476 ROM corrupts
      unaligned writes, and ECC flash programs each word once per erase). Every byte is read
      back and compared unless --no-verify is given. Nothing is sent to the device until the
      file and the address range have been checked against the device's memory map.
      """)

  @OptionGroup var device: DeviceOptions
  @Argument(help: "The firmware image (raw .bin).") var file: String
  @Option(help: "Where the first byte goes, e.g. 0x08000000.") var address: Address
  @Flag(help: "Skip the read-back verify (the result is then NOT known to be correct).") var noVerify = false

  func run() throws {
    let image = try Self.readImage(file)
    let context = try DeviceContext(device)
    let info = try context.selectDevice()
    let alt = try device.alternate(on: info)
    let map = try context.memoryMap(of: info, alternate: alt)
    let plan: FlashWritePlan
    do throws(FlashPlanError) {
      plan = try FlashWritePlan(image: image, at: address.value, map: map)
    } catch {
      throw Exit.fail(error.description, code: Exit.inputRejected)
    }
    describe(plan)
    let dfu = try context.open(info, alternate: alt)
    defer { dfu.transport.close() }
    let progress = ProgressReporter(clock: context.clock)
    let report: WriteReport
    do throws(FlashError) {
      report = try dfu.write(plan, verify: !noVerify, progress: progress.update)
    } catch {
      progress.finishLine()
      try? context.saveSimulatorState()
      throw Exit.fail(error)
    }
    progress.finishLine()
    try context.saveSimulatorState()
    let verb = report.verified ? "Wrote and verified" : "Wrote (NOT verified)"
    Console.out("\(verb) \(report.bytes) bytes at \(hex32(report.address)) in \(report.elapsed.secondsText) "
                + "(\(report.sectorsErased) sectors erased; USB \(report.statistics.usbTime.secondsText), "
                + "poll waits \(report.statistics.waitTime.secondsText)).")
  }

  private func describe(_ plan: FlashWritePlan) {
    let sectors = plan.sectorsToErase
    var text = "Plan: erase \(sectors.count) sector\(sectors.count == 1 ? "" : "s")"
    if let first = sectors.first, let last = sectors.last {
      text += " (\(hex32(first.address))–\(hex32(UInt32(last.end - 1))))"
    }
    text += ", write \(plan.imageCount) bytes at \(hex32(plan.imageAddress))"
    let padding = plan.data.count - plan.imageCount
    if padding > 0 { text += " (+\(padding) bytes of 0xFF to whole \(plan.flashWordSize)-byte flash words)" }
    text += noVerify ? ", no verify." : ", verify."
    Console.error(text)
    if plan.bytesErasedOutsideImage > 0 {
      Console.error("note: erasing these sectors also clears \(plan.bytesErasedOutsideImage) bytes outside the image.")
    }
  }

  /// Reads the image, refusing unreadable, empty or non-raw files before any device work.
  static func readImage(_ path: String) throws(ExitCode) -> [UInt8] {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw Exit.fail("cannot read \(path): \(error.localizedDescription)", code: Exit.inputRejected)
    }
    guard !data.isEmpty else { throw Exit.fail("\(path) is empty; nothing to write", code: Exit.inputRejected) }
    let bytes = [UInt8](data)
    if bytes.count >= 16, bytes.suffix(16).dropFirst(8).prefix(3).elementsEqual("UFD".utf8) || bytes.starts(with: Array("DfuSe".utf8)) {
      throw Exit.fail("\(path) is a DFU file, not a raw binary; .dfu files are not supported yet. "
                      + "Extract the raw image or use a .bin with --address", code: Exit.inputRejected)
    }
    if let first = bytes.first, first == UInt8(ascii: ":") || first == UInt8(ascii: "S") || bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
      let kind = first == 0x7F ? "an ELF file" : first == UInt8(ascii: ":") ? "Intel HEX text" : "an S-record file"
      if path.hasSuffix(".hex") || path.hasSuffix(".srec") || path.hasSuffix(".s19") || path.hasSuffix(".elf") || first == 0x7F {
        throw Exit.fail("\(path) looks like \(kind), not a raw binary; only .bin images are supported yet. "
                        + "Convert it with `arm-none-eabi-objcopy -O binary`", code: Exit.inputRejected)
      }
    }
    return bytes
  }
}
