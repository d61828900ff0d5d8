// dfu-util 0.11 itself against the simulated board (issue 12): both tools run
// through `dfutui simulate` (umockdev bridge, real libusb, --sim-time real), on
// the same image and the same timing model. Each tool is timed inside the
// bridge session (a shell around the command), so the bridge's start-up and the
// board-state load/save are outside both figures; blank writes: best of two.
import DfuSe
import Foundation

/// Runs commands under `dfutui simulate` and times them.
struct PeerBench {
  let dfutui: String
  let dir: String

  /// `dfutui` next to this benchmark binary (`swift build -c release` builds both), or `$DFUTUI`.
  static func locate() -> PeerBench? {
    let env = ProcessInfo.processInfo.environment
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    let binary = env["DFUTUI"] ?? here.appendingPathComponent("dfutui").path
    guard FileManager.default.isExecutableFile(atPath: binary) else { return nil }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dfutui-bench-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return PeerBench(dfutui: binary, dir: dir)
  }

  /// Why the real-peer part cannot run, or nil.
  static var missingTools: String? {
    let paths = ["/usr/bin/dfu-util", "/usr/local/bin/dfu-util"]
    guard paths.contains(where: FileManager.default.isExecutableFile(atPath:)) else { return "dfu-util is not installed" }
    return nil
  }

  /// Runs `command` with the simulated `profile` plugged in; returns its exit status, the
  /// seconds the command itself took (timed inside the bridge session) and its output.
  @discardableResult
  func run(_ profile: String, state: String, _ command: [String]) -> (status: Int32, seconds: Double, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: dfutui)
    let timedShell = #"s=$(date +%s%N); "$@"; r=$?; e=$(date +%s%N); echo "BENCH_NS=$((e - s))"; exit $r"#
    p.arguments = ["simulate", "--profile", profile, "--state", state, "--sim-time", "real", "--",
                   "sh", "-c", timedShell, "sh"] + command
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    let start = Date()
    do { try p.run() } catch { return (-1, 0, "\(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    let ns = output.split(separator: "\n").last { $0.hasPrefix("BENCH_NS=") }.flatMap { Double($0.dropFirst(9)) }
    return (p.terminationStatus, ns.map { $0 / 1e9 } ?? Date().timeIntervalSince(start), output)
  }

  func file(_ name: String, _ bytes: [UInt8]) -> String {
    let path = dir + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
  }

  func state(_ name: String) -> String { dir + "/" + name }

  func cleanUp() { try? FileManager.default.removeItem(atPath: dir) }
}

/// One tool run, checked: a failed run prints its output and the figure is not used.
func timed(_ bench: PeerBench, _ label: String, _ profile: String, state: String, _ command: [String]) -> Double? {
  let r = bench.run(profile, state: state, command)
  guard r.status == 0 else {
    print("  \(label): FAILED (exit \(r.status))\n" + r.output.suffix(800))
    return nil
  }
  if let erase = r.output.split(separator: "\n").first(where: { $0.contains("  Erase: ") }) {
    print("    \(label): \(erase.trimmingCharacters(in: .whitespaces))")
  }
  return max(0.001, r.seconds)
}

/// The faster of two runs on fresh boards (the machine may be busy with other work).
func bestOfTwo(_ bench: PeerBench, _ label: String, _ profile: String, state: String, _ command: [String]) -> Double? {
  let runs = (0..<2).compactMap { i in timed(bench, i == 0 ? label : label + " (again)", profile,
                                              state: state + "-\(i)", command) }
  return runs.count == 2 ? runs.min() : nil
}

/// dfu-util's way to write a raw image at the start of flash (DfuSe, no verify).
func dfuUtilWrite(_ file: String) -> [String] { ["dfu-util", "-a", "0", "-s", "0x08000000", "-D", file] }

func realPeerBenchmark(image: [UInt8]) {
  if let missing = PeerBench.missingTools {
    print("real-peer figures skipped: \(missing)\n")
    return
  }
  guard let bench = PeerBench.locate() else {
    print("real-peer figures skipped: no dfutui binary next to the benchmark (run `make bench`) and no $DFUTUI\n")
    return
  }
  defer { bench.cleanUp() }
  print("dfutui vs dfu-util 0.11 on the simulated boards (real time, through `dfutui simulate`; "
        + "each command timed inside the bridge session)\n")
  let app = bench.file("app.bin", image)
  var changed = image
  for i in 0x2_0000..<0x2_0800 { changed[i] ^= 0xA5 }
  let changedFile = bench.file("changed.bin", changed)
  let dfutuiWrite = { (file: String, extra: [String]) in [bench.dfutui, "write", file, "--address", "0x08000000"] + extra }

  for (profile, goal, calibrationAddress) in [("stm32l476", 0.6, UInt32(0x080F_F800)), ("stm32f405", 0.5, 0x080E_0000)] {
    print("\(profile):")
    // 1. Blank chip, 256 KiB: dfutui write + verify against dfu-util's write alone.
    guard let peer = bestOfTwo(bench, "dfu-util write", profile, state: bench.state("\(profile)-peer"), dfuUtilWrite(app)),
          let ours = bestOfTwo(bench, "dfutui write+verify", profile, state: bench.state("\(profile)-ours"),
                               dfutuiWrite(app, [])) else { continue }
    print("    dfu-util \(fmt(peer, 2)) s, dfutui \(fmt(ours, 2)) s")
    line("  blank 256 KiB: dfutui write+verify / dfu-util write", fmt(ours / peer), "≤ \(goal)", ours / peer <= goal)

    // 2. A calibration page outside the image survives dfutui's write.
    let calibration = pattern(2048, seed: 77)
    let calState = bench.state("\(profile)-cal")
    let calFile = bench.file("\(profile)-cal.bin", calibration)
    bench.run(profile, state: calState, [bench.dfutui, "write", calFile, "--address", hex32(calibrationAddress)])
    _ = timed(bench, "dfutui write beside a calibration page", profile, state: calState, dfutuiWrite(app, []))
    let back = bench.dir + "/\(profile)-cal-back.bin"
    bench.run(profile, state: calState, [bench.dfutui, "read", "-o", back, "--address", hex32(calibrationAddress),
                                         "--length", "2048"])
    let survived = FileManager.default.contents(atPath: back).map { [UInt8]($0) } == calibration
    line("  calibration page at \(hex32(calibrationAddress)) read back after the write", survived ? "intact" : "LOST",
         "intact", survived)

    // 3. One 2 KiB change: dfutui --diff against dfu-util's full rewrite (L476 only: the goal's board).
    guard profile == "stm32l476" else { print(""); continue }
    let peerState = bench.state("\(profile)-peer-0"), oursState = bench.state("\(profile)-ours-0")
    guard let full = timed(bench, "dfu-util full rewrite", profile, state: peerState, dfuUtilWrite(changedFile)),
          let diff = timed(bench, "dfutui --diff", profile, state: oursState, dfutuiWrite(changedFile, ["--diff"]))
    else { continue }
    print("    dfu-util \(fmt(full, 2)) s, dfutui --diff \(fmt(diff, 2)) s")
    line("  2 KiB change: dfutui --diff / dfu-util full rewrite", fmt(diff / full), "≤ 0.05", diff / full <= 0.05)
    print("")
  }
}
