import ArgumentParser
import DfuSe
import Foundation

/// `dfutui read`: upload a memory range to a file (or stdout).
struct ReadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "read", abstract: "Read a memory range from the device into a file.",
    discussion: """
      The output file must not exist yet (add --force to replace it); its directory is checked before the device is \
      touched. With -o - the bytes go to standard output as raw binary, and every message goes to standard error.
      """)

  @OptionGroup var device: DeviceOptions
  @Option(parsing: .unconditional, help: "Start address, e.g. 0x08000000.", transform: Address.parse) var address: Address
  @Option(parsing: .unconditional, help: "Number of bytes (decimal, 0x…, or with K/M).", transform: ByteCount.parse)
  var length: ByteCount
  @Option(name: [.short, .customLong("output")],
          help: "Output file: raw binary, or Intel HEX if it ends in .hex; - for standard output (raw binary).")
  var output: String
  @Flag(help: "Replace the output file if it exists.") var force = false
  @Flag(help: "Print the result as JSON on standard output (README: JSON output).") var json = false

  func validate() throws {
    if json && output == FirmwareFiles.stdoutPath {
      throw ValidationError("-o - writes the data to standard output, where --json would go too; choose one")
    }
  }

  func run() throws {
    JSONOutput.begin("read", enabled: json)
    try FirmwareFiles.checkOutput(output, force: force)
    if output == FirmwareFiles.stdoutPath { Console.stdoutReserved = true }
    let context = try DeviceContext(device)
    let info = try context.selectDevice()
    JSONOutput.device = info
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
    let start = context.clock.now
    let data: [UInt8]
    var last: OperationProgress?
    do throws(FlashError) {
      data = try dfu.read(at: address.value, count: length.value, progress: { last = $0; progress.update($0) })
    } catch {
      progress.finishLine()
      try? context.saveSimulatorState()
      dfu.transport.close()  // before looking at the bus again
      // Nothing is written before every byte has arrived, so a cut-off read leaves no file behind.
      if var loss = DeviceLoss.afterRead(error, device: info, bus: context.bus, clock: context.clock, last: last,
                                         address: address.value, count: length.value) {
        let into = output == FirmwareFiles.stdoutPath ? "standard output" : output
        let existing = into == output && FileManager.default.fileExists(atPath: output)
        loss.nextStep += "; nothing was written to \(into)" + (existing ? " (the file there is the one from before)" : "")
        throw Exit.fail(loss.description, code: Exit.deviceError)
      }
      throw Exit.fail(error)
    }
    progress.finishLine()
    let elapsed = context.clock.now - start
    // Atomic (write then rename) for regular files; devices and pipes are written in place.
    let asHex = output != FirmwareFiles.stdoutPath && FirmwareFiles.outputKind(output) == .hex
    var fileBytes = data
    if asHex, let image = try? FirmwareImage(bytes: data, at: address.value,
                                             origin: ImageOrigin(file: "device", location: .offset(0))) {
      fileBytes = ImageExport.intelHex(image)
    }
    try FirmwareFiles.write(fileBytes, to: output)
    try context.saveSimulatorState()
    if json {
      JSONOutput.succeed(ReadResult(range: JSONRange(address: address.value, length: count), output: output,
                                    format: asHex ? "hex" : "bin", crc32: CRC32.checksum(data),
                                    elapsedSeconds: elapsed.seconds))
      return
    }
    let into = output == FirmwareFiles.stdoutPath ? "standard output" : output
    let line = "Read \(data.count) bytes at \(hex32(address.value)) into \(into)\(asHex ? " (Intel HEX)" : "")."
    Console.out(line)
  }

  /// `result` of `read --json`.
  struct ReadResult: Encodable {
    var range: JSONRange
    var output: String
    var format: String
    var crc32: UInt32
    var elapsedSeconds: Double
  }
}
