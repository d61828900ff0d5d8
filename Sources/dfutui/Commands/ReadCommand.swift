import ArgumentParser
import DfuSe
import Foundation

/// `dfutui read`: upload a memory range to a file.
struct ReadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "read", abstract: "Read a memory range from the device into a file.")

  @OptionGroup var device: DeviceOptions
  @Option(help: "Start address, e.g. 0x08000000.") var address: Address
  @Option(help: "Number of bytes (decimal, 0x…, or with K/M).") var length: ByteCount
  @Option(name: [.short, .customLong("output")], help: "Output file: raw binary, or Intel HEX if it ends in .hex.") var output: String

  func run() throws {
    let context = try DeviceContext(device)
    let info = try context.selectDevice()
    let alt = try device.alternate(on: info)
    let map = try context.memoryMap(of: info, alternate: alt)
    let count = UInt64(length.value)
    if let bad = map.firstUncoveredAddress(from: address.value, count: count, requiring: .readable) {
      throw Exit.fail(FlashPlanError.outsideMemory(firstBadAddress: bad, start: address.value, count: count,
                                                   needed: .readable, map: map).description, code: Exit.inputRejected)
    }
    let dfu = try context.open(info, alternate: alt)
    defer { dfu.transport.close() }
    let progress = ProgressReporter(clock: context.clock)
    let data: [UInt8]
    do throws(FlashError) {
      data = try dfu.read(at: address.value, count: length.value, progress: progress.update)
    } catch {
      progress.finishLine()
      throw Exit.fail(error)
    }
    progress.finishLine()
    // Atomic (write then rename) for regular files; devices and pipes are written in place.
    let asHex = FirmwareFiles.outputKind(output) == .hex
    var fileBytes = data
    if asHex, let image = try? FirmwareImage(bytes: data, at: address.value,
                                             origin: ImageOrigin(file: "device", location: .offset(0))) {
      fileBytes = ImageExport.intelHex(image)
    }
    try FirmwareFiles.write(fileBytes, to: output)
    try context.saveSimulatorState()
    Console.out("Read \(data.count) bytes at \(hex32(address.value)) into \(output)\(asHex ? " (Intel HEX)" : "").")
  }
}
