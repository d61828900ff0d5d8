import ArgumentParser
import DfuSe

/// `dfutui leave`: jump from the ROM bootloader to the application.
struct LeaveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "leave",
    abstract: "Leave DFU mode and start the application.",
    discussion: """
      Leave is a jump, not a reset: the ROM loads the stack pointer and reset vector from the
      vector table at --address (default: the start of flash) and jumps there. The address is
      always set right before leaving, so the ROM never jumps into the middle of the image.
      Peripherals stay as the bootloader left them; a power cycle gives a clean start.
      """)

  @OptionGroup var device: DeviceOptions
  @Option(help: "Address of the application's vector table (default: start of flash).") var address: Address?

  func run() throws {
    let context = try DeviceContext(device)
    let info = try context.selectDevice()
    let alt = try device.alternate(on: info)
    let map = try context.memoryMap(of: info, alternate: alt)
    guard let target = address?.value ?? map.segments.first?.start else {
      throw Exit.fail("the memory map is empty; give --address", code: Exit.usage)
    }
    let dfu = try context.open(info, alternate: alt)
    defer { dfu.transport.close() }
    let outcome: OperationOutcome
    do throws(FlashError) { outcome = try dfu.leave(at: target) } catch {
      try? context.saveSimulatorState()
      throw Exit.fail(error)
    }
    try context.saveSimulatorState()
    switch outcome {
    case .deviceLeft, .deviceReset:
      Console.out("Left DFU mode: the device jumped to the application at \(hex32(target)) and disconnected.")
    case .completed:
      Console.out("Leave request sent to \(hex32(target)); the device is still connected.")
    }
  }
}
