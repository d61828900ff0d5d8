import DfuSe
import DfuSeSimulator

/// Issue 14's production-bench goal: 4 boards flashed in parallel
/// (``BenchFlash``, one thread per board) against the same 4 one after the
/// other, in real time on the simulator's timing model (full-speed link).
/// Goal: parallel ≤ 0.3 × sequential, and each board's parallel time within
/// 10 % of its time alone. (With mixed chips the floor is the slowest
/// board's time over the sum, so the ratio is measured on 4 of one chip.)
func benchParallel() {
  let profiles = [SimulatedProfile](repeating: .stm32f405, count: 4)  // a bench flashes one product
  let request = try! FlashJobRequest(fileBytes: application(48 * 1024, seed: 14), fileName: "bench.bin",
                                     rawAddress: 0x0800_0000)
  func rig() -> (SimulatedBus, SystemClock) {
    let clock = SystemClock()
    let bus = SimulatedBus(boards: profiles.map { SimulatedSTM32(profile: $0, clock: clock) })
    bus.link = .fullSpeed
    return (bus, clock)
  }
  func targets(_ bus: SimulatedBus) -> [BenchTarget] {
    bus.devices().map { BenchTarget(device: $0, identity: .success(ChipIdentity.identify($0))) }
  }
  // Sequential: each board alone, one after the other.
  let (seqBus, seqClock) = rig()
  let seqStart = seqClock.now
  let alone = targets(seqBus).map { target in
    BenchFlash.flashOne(request, target: target, makeBus: { seqBus }, clock: seqClock, logger: silentLogger,
                        observer: { _ in }, isCancelled: { false })
  }
  let sequential = seconds(seqClock.now - seqStart)
  // Parallel: fresh boards, all at once.
  let (parBus, parClock) = rig()
  let parStart = parClock.now
  let together = BenchFlash.run(request, targets: targets(parBus), makeBus: { parBus }, clock: parClock,
                                logger: silentLogger, observer: { _ in { _ in } })
  let parallel = seconds(parClock.now - parStart)
  let allVerified = (alone + together).allSatisfy(\.verified)
  print("\nproduction bench (issue 14): 4 × F405, 48 KiB each, real time, full speed")
  print("  sequential \(fmt(sequential, 2)) s, parallel \(fmt(parallel, 2)) s, all verified: \(allVerified)")
  line("4 boards in parallel / the same 4 in sequence", fmt(parallel / sequential, 2), "≤ 0.30",
       parallel <= 0.3 * sequential && allVerified)
  let worst = zip(alone, together).map { seconds($1.duration) / seconds($0.duration) - 1 }.max() ?? 0
  line("worst board: parallel time over its time alone", "+" + fmt(worst * 100, 1) + " %", "≤ 10 %", worst <= 0.10)
}
