@testable import DfuSe
import DfuSeSimulator

/// A simulated board on a virtual clock, opened through the public bus API
/// exactly as the CLI does.
struct Bench {
  let clock = VirtualClock()
  let board: SimulatedSTM32
  let bus: SimulatedBus

  init(_ profile: SimulatedProfile, faults: SimulatedFaults = .init()) {
    board = SimulatedSTM32(profile: profile, clock: clock, faults: faults)
    bus = SimulatedBus(boards: [board])
  }

  /// Opens the (re-)enumerated board on `alternate` as a ``DfuSeDevice``.
  func open(alternate: UInt8 = 0) throws -> DfuSeDevice {
    guard let info = bus.devices().first else { throw BenchError.noBoard }
    return try DfuSeDevice(info: info, transport: try bus.open(info, alternateSetting: alternate), clock: clock,
                           logger: .silent)
  }

  func plan(_ image: [UInt8], at address: UInt32 = 0x0800_0000) throws -> FlashPlan {
    let device = try open()
    let firmware = try FirmwareImage(bytes: image, at: address, origin: ImageOrigin(file: "test.bin", location: .offset(0)))
    return try FlashPlan(image: firmware, map: device.memoryMap, chip: ChipIdentity.profile(of: device.info))
  }
}

enum BenchError: Error { case noBoard }

/// Deterministic pseudo-random bytes (xorshift).
func pattern(_ count: Int, seed: UInt64 = 0x2545_F491_4F6C_DD1D) -> [UInt8] {
  var x = seed
  return (0..<count).map { _ in
    x ^= x << 13; x ^= x >> 7; x ^= x << 17
    return UInt8(truncatingIfNeeded: x)
  }
}

let profiles: [SimulatedProfile] = [.stm32f405, .stm32l476]
