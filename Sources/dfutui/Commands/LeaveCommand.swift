import ArgumentParser
import DfuSe

/// `dfutui leave`: check the vector table, then jump from the ROM bootloader to the application.
struct LeaveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "leave",
    abstract: "Check the application's vector table, then leave DFU mode and start it.",
    discussion: """
      Leave is a jump, not a reset: the ROM loads the stack pointer and reset vector from the \
      vector table at --address (default: the start of flash) and jumps there. dfutui first \
      reads that vector table and refuses (exit 5) unless the stack pointer lies in SRAM and \
      the reset vector points into flash with the Thumb bit set; --force leaves anyway. The \
      address is always set right before leaving, so the ROM never jumps into the middle of \
      the image. Peripherals stay as the bootloader left them; a power cycle gives a clean start.
      """)

  @OptionGroup var device: DeviceOptions
  @Option(parsing: .unconditional, help: "Address of the application's vector table (default: start of flash).",
          transform: Address.parse) var address: Address?
  @Flag(help: "Leave even if the vector table does not look bootable.") var force = false
  @Flag(help: "Print the result as JSON on standard output (README: JSON output).") var json = false

  func run() throws {
    JSONOutput.begin("leave", enabled: json)
    let context = try DeviceContext(device)
    let info = try context.selectDevice()
    JSONOutput.device = info
    let alt = try device.alternate(on: info)
    let map = try context.memoryMap(of: info, alternate: alt)
    guard let target = address?.value ?? map.segments.first?.start else {
      throw Exit.fail("the memory map is empty; give --address", code: Exit.usage)
    }
    let dfu = try context.open(info, alternate: alt)
    defer { dfu.transport.close() }
    let result: LeaveResult
    do throws(ExitCode) {
      result = try Self.leave(dfu, at: target, chip: ChipProfile.identify(info), image: nil, force: force)
    } catch {
      try? context.saveSimulatorState()
      throw error
    }
    try context.saveSimulatorState()
    if json { JSONOutput.succeed(result) }
  }

  /// What `leave` did; the `result` of `leave --json`.
  struct LeaveResult: Encodable {
    var address: UInt32
    var addressHex: String
    /// `left` (the device dropped off the bus) or `stillConnected`.
    var outcome: String
    var bootable: Bool
    var stackPointer: UInt32
    var resetVector: UInt32
    var problems: [String]
  }

  /// Boot check, then SET_ADDRESS + zero-length DNLOAD; prints what happened.
  @discardableResult
  static func leave(_ dfu: DfuSeDevice, at target: UInt32, chip: ChipProfile, image: FirmwareImage?,
                    force: Bool) throws(ExitCode) -> LeaveResult {
    let check: VectorTableCheck
    do throws(FlashError) { check = try dfu.checkBootable(at: target, chip: chip, image: image) } catch {
      throw Exit.fail(error)
    }
    if !check.isBootable {
      let reasons = check.problems.map { "  - " + $0 }.joined(separator: "\n")
      guard force else {
        throw Exit.fail("not leaving DFU: the application at \(hex32(target)) does not look bootable:\n\(reasons)\n"
                        + "The device stays in the bootloader. Write a valid image, or use --force to jump anyway.",
                        code: Exit.notBootable)
      }
      Console.error("warning: leaving although the vector table does not look bootable (--force):\n\(reasons)")
    }
    let outcome: OperationOutcome
    do throws(FlashError) { outcome = try dfu.leave(at: target) } catch { throw Exit.fail(error) }
    switch outcome {
    case .deviceLeft where !check.isBootable, .deviceReset where !check.isBootable:
      Console.out("Left DFU mode towards \(hex32(target)); the device disconnected. With no valid vector table the ROM "
                  + "usually resets, so the board may come back in the bootloader (`dfutui list`).")
    case .deviceLeft, .deviceReset:
      Console.out("Left DFU mode: jumped to the application at \(hex32(target)) (stack \(hex32(check.stackPointer)), "
                  + "reset \(hex32(check.resetVector))); the device disconnected.")
      if chip.errata.contains(.emptyCheck) {
        Console.out("note: on this family a first flash may re-enter the bootloader until a power cycle.")
      }
    case .completed:
      Console.out("Leave request sent to \(hex32(target)); the device is still connected.")
    }
    return LeaveResult(address: target, addressHex: hex32(target), outcome: outcome == .completed ? "stillConnected" : "left",
                       bootable: check.isBootable, stackPointer: check.stackPointer, resetVector: check.resetVector,
                       problems: check.problems)
  }
}
