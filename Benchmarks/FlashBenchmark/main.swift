// Flash benchmark (issues #4, 12): dfutui against dfu-util 0.11 itself on the
// simulated F405 and L476 through `dfutui simulate` (RealPeer.swift, real
// time), then in-process figures in simulated time: write times against the
// plan's floor, the erase choice, a one-sector re-flash, host CPU share and
// peak memory.
// Run: swift run -c release FlashBenchmark   (or `make bench`)
import DfuSe
import DfuSeSimulator
import Logging

#if canImport(Glibc)
  import Glibc
#endif

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
func fmt(_ v: Double, _ digits: Int = 3) -> String {
  let p = pow(10.0, Double(digits))
  return String((v * p).rounded() / p)
}

func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
  var x = seed
  return (0..<count).map { _ in x ^= x << 13; x ^= x >> 7; x ^= x << 17; return UInt8(truncatingIfNeeded: x) }
}

/// A 256 KiB application: valid vector table, then code-like bytes.
func application(_ size: Int, seed: UInt64 = 1) -> [UInt8] {
  [0x00, 0x00, 0x02, 0x20, 0xC1, 0x01, 0x00, 0x08] + pattern(size - 8, seed: seed)
}

/// The library takes its caller's logger; at the default level (warnings)
/// the USB trace is off, as in `dfutui` without `-v`: what this measures.
let silentLogger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }

struct Rig {
  let clock: any BlockingClock
  let board: SimulatedSTM32
  let bus: SimulatedBus

  init(_ profile: SimulatedProfile, clock: any BlockingClock = VirtualClock(), preload: [UInt8]? = nil) {
    self.clock = clock
    board = SimulatedSTM32(profile: profile, clock: clock)
    if let preload { board.poke(at: 0x0800_0000, bytes: preload) }
    bus = SimulatedBus(boards: [board])
    bus.link = .fullSpeed
  }

  func device() -> DfuSeDevice {
    let info = bus.devices()[0]
    return try! DfuSeDevice(info: info, transport: try! bus.open(info, alternateSetting: 0), clock: clock,
                            logger: silentLogger)
  }
}

/// dfutui's write: returns device time, report and the plan's floor.
func dfutuiFlash(_ rig: Rig, _ bytes: [UInt8], options: FlashOptions = .init()) -> (Duration, FlashReport, Duration) {
  let device = rig.device()
  let image = try! FirmwareImage(bytes: bytes, at: 0x0800_0000, origin: ImageOrigin(file: "bench", location: .offset(0)))
  let plan = try! FlashPlan(image: image, map: device.memoryMap, chip: ChipIdentity.identify(device.info).profile)
  let up0 = device.session.statistics.bytesUp
  let start = rig.clock.now
  var options = options
  options.protection = FlashProtection(readProtection: .level0, writeProtectedSectors: [])  // the boards' factory state
  let report = try! device.flash(plan, options: options)
  let elapsed = rig.clock.now - start
  // Floor: device flash work + moving every byte at the link's data rate, nothing else.
  let timing = rig.board.profile.timing
  var erase = Duration.zero
  if report.erase?.strategy == .mass {
    erase = timing.massErase.actual
  } else {
    for s in plan.sectors where report.actions[s.sector.address] == .eraseAndWrite {
      erase += timing.eraseCost(sectorSize: s.sector.size).actual
    }
  }
  let program = timing.programTimePerUnit * (report.programmedBytes / max(1, timing.programUnitBytes))
  let moved = report.programmedBytes + (device.session.statistics.bytesUp - up0)
  let transfer = Duration.nanoseconds(Int64(moved) * 1_000_000_000 / Int64(SimulatedUSBLink.fullSpeed.bytesPerSecond))
  return (elapsed, report, erase + program + transfer)
}

func cpuSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// Peak resident set of this process image, from /proc/self/status `VmHWM`
/// (ru_maxrss would include `swift run`'s own peak: it survives exec).
func peakRSSMegabytes() -> Double {
  guard let f = fopen("/proc/self/status", "r") else { return -1 }
  defer { fclose(f) }
  var line = [CChar](repeating: 0, count: 256)
  while fgets(&line, Int32(line.count), f) != nil {
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if text.hasPrefix("VmHWM:") {
      let kb = text.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) } ?? -1
      return kb / 1024
    }
  }
  return -1
}

func line(_ name: String, _ value: String, _ goal: String, _ ok: Bool) {
  let padded = name + String(repeating: " ", count: max(1, 58 - name.count))
  print("\(padded)\(value.padding(toLength: 10))  goal \(goal.padding(toLength: 8))  \(ok ? "met" : "MISSED")")
}

extension String {
  func padding(toLength n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}

// 1. Peak memory first, while the process is fresh: a 2 MiB image on a 2 MiB F4 (F427-like map).
var big = SimulatedProfile.stm32f405
big.alternates[0].name = "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg,04*016Kg,01*064Kg,07*128Kg"
let rssBefore = peakRSSMegabytes()
_ = dfutuiFlash(Rig(big), application(2 << 20))
let rss = peakRSSMegabytes()
if CommandLine.arguments.contains("--memory-only") {  // for valgrind --tool=massif
  print("peak RSS for a 2 MiB image (whole process): \(fmt(rss, 1)) MB (before: \(fmt(rssBefore, 1)) MB)")
  exit(0)
}

let image = application(256 * 1024)
realPeerBenchmark(image: image)

print("dfutui in process (simulated time, USB full-speed link model)\n")
for profile in [SimulatedProfile.stm32f405, .stm32l476] {
  let (t, report, floor) = dfutuiFlash(Rig(profile), image)
  print("\(profile.name): 256 KiB on a blank chip, write + verify: \(fmt(seconds(t))) s "
        + "(floor \(fmt(seconds(floor))) s; \(report.actionSummary))")
  if let erase = report.erase { print("    erase: \(erase.reason)") }
  line("  dfutui / floor of the plan", fmt(seconds(t) / seconds(floor)), "≤ 1.10", seconds(t) / seconds(floor) <= 1.10)
  // Re-flash: the chip holds the old image; one 2 KiB region changes. The full flash
  // rewrites everything (every sector differs), as any tool without --diff would.
  var changed = image
  for i in 0x2_0000..<0x2_0800 { changed[i] ^= 0xA5 }
  let (full, _, _) = dfutuiFlash(Rig(profile, preload: image.map { ~$0 }), changed)
  let (diff, diffReport, _) = dfutuiFlash(Rig(profile, preload: image), changed, options: FlashOptions(differential: true))
  // The ≤ 0.05 goal is against dfu-util's full rewrite (real-peer figures above); this is dfutui against itself.
  print("  re-flash one changed 2 KiB region: --diff \(fmt(seconds(diff))) s, dfutui full flash "
        + "\(fmt(seconds(full))) s (\(diffReport.actionSummary))")
  print("    breakdown of the blank write: USB \(fmt(seconds(report.usbTime))) s, device busy "
        + "\(fmt(seconds(report.deviceBusyTime))) s, host waiting \(fmt(seconds(report.hostWaitTime))) s\n")
}

// 3. Host CPU during a real-time flash (the simulator's sleeps are real here).
let rig = Rig(.stm32l476, clock: SystemClock())
let cpu0 = cpuSeconds(), wall0 = SystemClock().now
_ = dfutuiFlash(rig, image)
let wall = seconds(SystemClock().now - wall0), cpu = cpuSeconds() - cpu0
line("host CPU / wall time, 256 KiB on the L476 in real time", fmt(cpu / wall * 100, 1) + " %", "≤ 5 %", cpu / wall <= 0.05)
line("peak RSS for a 2 MiB image (whole process)", fmt(rss, 1) + " MB", "≤ 30 MB", rss <= 30)
print("  (RSS before that flash: \(fmt(rssBefore, 1)) MB)")

// 4. What the USB trace costs (issue 12): host CPU of a 256 KiB L476 write +
// verify on the virtual clock (engine + simulator only), trace off as without
// -v, and on at -v / -vv into a handler that formats every line and drops it.
struct DiscardingLogHandler: LogHandler {
  var logLevel: Logger.Level
  var metadata: Logger.Metadata = [:]
  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }
  func log(event: LogEvent) { _ = "\(event.message)" }
}

func hostCPU(_ logger: Logger) -> (cpu: Double, transfers: Int) {
  var best = Double.infinity
  var transfers = 0
  for _ in 0..<7 {
    let rig = Rig(.stm32l476)
    let info = rig.bus.devices()[0]
    let device = try! DfuSeDevice(info: info, transport: try! rig.bus.open(info, alternateSetting: 0), clock: rig.clock,
                                  logger: logger)
    let firmware = try! FirmwareImage(bytes: image, at: 0x0800_0000, origin: ImageOrigin(file: "bench", location: .offset(0)))
    let plan = try! FlashPlan(image: firmware, map: device.memoryMap, chip: ChipIdentity.identify(device.info).profile)
    let c0 = cpuSeconds()
    _ = try! device.flash(plan)
    best = min(best, cpuSeconds() - c0)
    transfers = device.session.statistics.transfers
  }
  return (best, transfers)
}

var bestDefault = Double.infinity
for _ in 0..<7 {
  let c0 = cpuSeconds()
  _ = dfutuiFlash(Rig(.stm32l476), image)
  bestDefault = min(bestDefault, cpuSeconds() - c0)
}
print("\nhost CPU, 256 KiB L476 write + verify on the virtual clock (best of 7): \(fmt(bestDefault * 1000, 1)) ms")
let off = hostCPU(Logger(label: "bench") { _ in DiscardingLogHandler(logLevel: .warning) })
let debug = hostCPU(Logger(label: "bench") { _ in DiscardingLogHandler(logLevel: .debug) })
let trace = hostCPU(Logger(label: "bench") { _ in DiscardingLogHandler(logLevel: .trace) })
print("  flash only (\(off.transfers) transfers), best of 7:")
print("  trace off \(fmt(off.cpu * 1000, 1)) ms, -v \(fmt(debug.cpu * 1000, 1)) ms, -vv \(fmt(trace.cpu * 1000, 1)) ms")
benchParallel()
