// TUI benchmark (issue #13): prints the figures the TUI promises.
//   frame render   a full 120×40 frame of the Flash screen during a job, into the buffer (goal < 1 ms)
//   key → screen   update + render + frame diff for one keypress, headless terminal (goal < 16 ms;
//                  the curses write of the changed cells comes on top and is not measured here)
//   progress       progress events a second reaching the UI during a real-time flash of the
//                  simulated STM32L476 through EngineDeviceService (goal ≥ 10)
//   idle CPU       the run loop with nothing happening, 3 s (goal < 1 %)
// Run: swift run -c release TUIBenchmark
import DfuSe
import DfuSeSimulator
import Foundation
import Logging
import Synchronization
import TUI

func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
func f(_ v: Double) -> String { String(format: "%.3f", v) }
let clock = ContinuousClock()

final class NoDevices: DeviceService {
  func start(post: @escaping @Sendable (Event) -> Void) {}
  func refresh() {}
  func flash(_ request: FlashRequest) {}
  func readSector(deviceID: String, alternate: UInt8, address: UInt32, count: Int) {}
  func readOptionBytes(deviceID: String) {}
  func writeOptionBytes(deviceID: String, before: OptionBytes, after: OptionBytes, phrase: String?) {}
  func startBatch(_ request: BatchRequest) {}
  func stopBatch(cancelRunning: Bool) {}
  func cancel(deviceID: String) {}
  func shutdown(timeout: Duration) {}
}

let board = SimulatedSTM32(profile: .stm32l476, clock: VirtualClock(), serialNumber: "BENCH0001")
let device = DeviceSummary(info: SimulatedBus(boards: [board]).devices()[0])
var bytes: [UInt8] = [0x00, 0x80, 0x01, 0x20, 0x01, 0x01, 0x00, 0x08] + (0..<(256 * 1024 - 8)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
let image = try! FirmwareImage(bytes: bytes, at: 0x0800_0000, origin: ImageOrigin(file: "app.bin", location: .offset(0)))

// 1. Frame render.
var state = AppState(width: 120, height: 40, directory: "/")
_ = update(&state, .devices([device]))
let firmware = LoadedFirmware(format: .raw, targets: [FirmwareTarget(image: image)])
_ = update(&state, .fileLoaded(LoadedFile(path: "/app.bin", firmware: firmware, image: image, fileSize: bytes.count, crc32: 0,
                                          warnings: [], modified: 0)))
_ = update(&state, .key(.char("4")))
_ = update(&state, .key(.char("f")))
_ = update(&state, .key(.char("y")))
_ = update(&state, .jobProgress(deviceID: device.id, OperationProgress(phase: .write, completedBytes: 100_000, totalBytes: 262_144), at: 1))
var buffer = ScreenBuffer(width: 120, height: 40)
let frames = 2000
let renderTime = clock.measure { for _ in 0..<frames { AppView.render(state, into: &buffer) } }
print("frame render 120×40 (Flash, job running): \(f(ms(renderTime) / Double(frames))) ms   goal < 1 ms")

// 2. Keypress → frame (update, render, diff).
let terminal = HeadlessTerminal(width: 120, height: 40)
var idle = AppState(width: 120, height: 40, directory: "/")
_ = update(&idle, .devices([device]))
let app = TUIApp(terminal: terminal, service: NoDevices(), state: idle, levels: LogLevelSwitch(.info))
app.draw()
let keys: [Key] = [.char("2"), .down, .down, .char("3"), .char("4"), .char("5"), .char("1")]
let presses = 700
let keyTime = clock.measure {
  for i in 0..<presses {
    app.handle(.key(keys[i % keys.count]))
    app.draw()
  }
}
print("keypress → frame (update + render + diff): \(f(ms(keyTime) / Double(presses))) ms   goal < 16 ms")

// 3. Progress events during a real-time flash of 256 KiB.
final class Counter: Sendable {
  let progress = Mutex(0)
  let done = Mutex(false)
}
let counter = Counter()
let realBoard = SimulatedSTM32(profile: .stm32l476, clock: SystemClock(), serialNumber: "BENCH0002")
let bus = SimulatedBus(boards: [realBoard])
bus.link = .fullSpeed
let service = EngineDeviceService(bus: bus, clock: realBoard.clock, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
let found = Mutex<String?>(nil)
service.start { event in
  switch event {
  case .devices(let d): found.withLock { $0 = d.first?.id }
  case .jobProgress: counter.progress.withLock { $0 += 1 }
  case .jobFinished: counter.done.withLock { $0 = true }
  default: break
  }
}
while found.withLock({ $0 }) == nil { Thread.sleep(forTimeInterval: 0.01) }
let start = clock.now
service.flash(FlashRequest(deviceID: found.withLock { $0 }!, alternate: 0, firmware: LoadedFirmware(format: .raw, targets: [FirmwareTarget(image: image)]), fileName: "app.bin",
                           options: FlashOptions(), leave: false))
while !counter.done.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
let flashSeconds = ms(clock.now - start) / 1000
let updates = counter.progress.withLock { $0 }
print("progress updates during a 256 KiB flash: \(updates) in \(f(flashSeconds)) s = \(f(Double(updates) / flashSeconds))/s   goal ≥ 10/s")
service.shutdown(timeout: .seconds(2))

// 4. Idle CPU of the run loop (no input, no jobs; ticks once a second).
func cpuSeconds() -> Double {
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
let idleTerminal = HeadlessTerminal(width: 120, height: 40)
let idleApp = TUIApp(terminal: idleTerminal, service: NoDevices(), state: idle, levels: LogLevelSwitch(.info))
let post = idleApp.post
Thread.detachNewThread {
  Thread.sleep(forTimeInterval: 3)
  post(.signal(15))
}
let cpu0 = cpuSeconds(), wall0 = clock.now
_ = idleApp.run()
let idleCPU = (cpuSeconds() - cpu0) / (ms(clock.now - wall0) / 1000) * 100
print("idle CPU over 3 s: \(f(idleCPU)) %   goal < 1 %")
