import ArgumentParser
import DfuSe

/// `dfutui erase`: erase sectors by address, or the whole flash with `--mass --yes`.
struct EraseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "erase", abstract: "Erase the sectors holding the given addresses, or the whole flash.")

  @OptionGroup var device: DeviceOptions
  @Option(parsing: .unconditionalSingleValue, help: "Erase the sector holding this address (repeatable).",
          transform: Address.parse) var address: [Address] = []
  @Option(parsing: .unconditional, help: "With one --address: erase every sector overlapping this many bytes from it.",
          transform: ByteCount.parse) var length: ByteCount?
  @Flag(help: "Erase the whole flash (needs --yes).") var mass = false
  @Flag(help: "Confirm a destructive operation (mass erase).") var yes = false
  @Flag(help: "Print the result as JSON on standard output (README: JSON output).") var json = false

  func validate() throws {
    if mass && !address.isEmpty { throw ValidationError("give either --mass or --address, not both") }
    if !mass && address.isEmpty { throw ValidationError("give --address A (repeatable) or --mass --yes") }
    if length != nil && address.count != 1 { throw ValidationError("--length needs exactly one --address") }
  }

  func run() throws {
    JSONOutput.begin("erase", enabled: json)
    if mass && !yes {
      throw Exit.fail("mass erase destroys everything in flash. Add --yes to confirm", code: Exit.inputRejected)
    }
    let context = try DeviceContext(device)
    let info = try context.selectDevice()
    JSONOutput.device = info
    let alt = try device.alternate(on: info)
    let map = try context.memoryMap(of: info, alternate: alt)
    var sectors: [MemorySector] = []
    if !mass {
      for a in address {
        let count = UInt64(length?.value ?? 1)
        if let bad = map.firstUncoveredAddress(from: a.value, count: count, requiring: .erasable) {
          throw Exit.fail(FlashPlanError.outsideMemory(firstBadAddress: bad, start: a.value, count: count,
                                                       needed: .erasable, map: map).description, code: Exit.inputRejected)
        }
        for s in map.sectors(overlapping: a.value, count: count) where !sectors.contains(s) { sectors.append(s) }
      }
      sectors.sort { $0.address < $1.address }
    }
    let dfu = try context.open(info, alternate: alt)
    defer { dfu.transport.close() }
    let progress = ProgressReporter(clock: context.clock)
    let start = context.clock.now
    var last: OperationProgress?
    let track = { (p: OperationProgress) in last = p; progress.update(p) }
    do throws(FlashError) {
      if mass { try dfu.massErase(progress: track) } else { try dfu.eraseSectors(sectors, progress: track) }
    } catch {
      progress.finishLine()
      try? context.saveSimulatorState()
      dfu.transport.close()  // before looking at the bus again
      if let loss = DeviceLoss.afterErase(error, device: info, bus: context.bus, clock: context.clock, last: last,
                                          sectors: mass ? nil : sectors) {
        throw Exit.fail(loss.description, code: Exit.deviceError)
      }
      throw Exit.fail(error)
    }
    progress.finishLine()
    try context.saveSimulatorState()
    let duration = context.clock.now - start
    let elapsed = duration.secondsText
    if json {
      let ranges = mass ? map.segments.filter { $0.access.contains(.erasable) }.map { JSONRange(address: $0.start, length: $0.byteCount) }
        : sectors.map { JSONRange(address: $0.address, length: UInt64($0.size)) }
      return JSONOutput.succeed(EraseResult(mass: mass, erased: ranges, elapsedSeconds: duration.seconds))
    }
    if mass {
      Console.out("Mass erase done in \(elapsed).")
    } else {
      Console.out("Erased \(sectors.count) sector\(sectors.count == 1 ? "" : "s") in \(elapsed): "
                  + sectors.map(\.description).joined(separator: ", "))
    }
  }

  /// `result` of `erase --json`: the sectors erased (with `--mass`, the erasable segments).
  struct EraseResult: Encodable {
    var mass: Bool
    var erased: [JSONRange]
    var elapsedSeconds: Double
  }
}
