import Foundation
import Testing

/// Runs commands under `dfutui simulate` (issue #7): the simulated board as a
/// real USB device through umockdev, so the inner `dfutui` uses LibUSBBus and
/// `dfu-util` 0.11 talks to the same board. Needs the Debian packages umockdev,
/// gir1.2-umockdev-1.0, python3-gi and dfu-util (`make test` installs them).
enum USBSim {
  /// The exact alternate-setting strings per profile (stm32-dfu-facts §3: F405
  /// V2.2 row; L476: two option-byte zones, 2 KiB pages).
  static let altStrings: [String: [String]] = [
    "stm32f405": ["@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg",
                  "@Option Bytes  /0x1FFFC000/01*016 e",
                  "@OTP Memory /0x1FFF7800/01*512 e,01*016 e",
                  "@Device Feature/0xFFFF0000/01*004 e"],
    "stm32l476": ["@Internal Flash  /0x08000000/0512*0002Kg",
                  "@Option Bytes  /0x1FFF7800/01*040 e/0x1FFFF800/01*040 e",
                  "@OTP Memory /0x1FFF7000/01*0001Ke",
                  "@Device Feature/0xFFFF0000/01*004 e"],
  ]

  /// The first option-byte zone: address and size.
  static let optionBytes: [String: (address: String, size: Int)] = [
    "stm32f405": ("0x1FFFC000", 16), "stm32l476": ("0x1FFF7800", 40),
  ]

  /// Why the route cannot run here, or nil.
  static var missing: String? {
    let needed = ["/usr/bin/dfu-util", "/usr/bin/python3",
                  "/usr/lib/x86_64-linux-gnu/girepository-1.0/UMockdev-1.0.typelib"]
    let absent = needed.filter { !FileManager.default.fileExists(atPath: $0) }
    let arm = "/usr/lib/aarch64-linux-gnu/girepository-1.0/UMockdev-1.0.typelib"
    if absent.count == 1, absent[0].contains("UMockdev"), FileManager.default.fileExists(atPath: arm) { return nil }
    return absent.isEmpty ? nil
      : "missing \(absent.joined(separator: ", ")): apt-get install umockdev gir1.2-umockdev-1.0 python3-gi dfu-util (make test does)"
  }

  /// The dfutui binary under test.
  static var dfutui: String { CLI.binary.path }

  /// `timeout -k 5 SECONDS dfutui simulate --profile P --sim-time instant [--state DIR] [extra] -- command`.
  /// coreutils `timeout` kills the whole process group (dfutui, the bridge,
  /// the command) when time runs out, so a hang fails the test (status 124).
  static func run(_ profile: String, state: String? = nil, extra: [String] = [], timeout: Int = 120,
                  _ command: [String]) throws -> CLIResult {
    var args = ["-k", "5", String(timeout), dfutui, "simulate", "--profile", profile, "--sim-time", "instant"]
    if let state { args += ["--state", state] }
    return try CLI.run(executable: URL(fileURLWithPath: "/usr/bin/timeout"), args + extra + ["--"] + command)
  }

  /// `timeout -k 5 SECONDS dfutui simulate OPTIONS -- command`: any options
  /// (several boards, schedules, faults), nothing added.
  static func simulate(_ options: [String], timeout: Int = 120, _ command: [String]) throws -> CLIResult {
    try CLI.run(executable: URL(fileURLWithPath: "/usr/bin/timeout"),
                ["-k", "5", String(timeout), dfutui, "simulate"] + options + ["--"] + command)
  }

  /// A shell script run in one simulate session (for steps that must see the
  /// same enumeration, e.g. "leave, then list").
  static func shell(_ profile: String, state: String? = nil, extra: [String] = [], timeout: Int = 120,
                    _ script: String) throws -> CLIResult {
    try run(profile, state: state, extra: extra, timeout: timeout, ["/bin/sh", "-c", "DFUTUI=\"\(dfutui)\"\n" + script])
  }

  /// The alternate-setting names `dfutui list --json` reports, per device.
  static func listedAlternates(_ json: String) throws -> [[String]] {
    let envelope = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let parsed = (envelope?["result"] as? [String: Any])?["devices"] as? [[String: Any]] ?? []
    return parsed.map { device in
      (device["alternateSettings"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }
  }

  /// The `Found DFU:` lines of `dfu-util -l`.
  static func found(_ output: String) -> [String] {
    output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("Found DFU:") }
  }

  /// An image that starts with a valid Cortex-M vector table (SP in SRAM,
  /// Thumb reset vector in flash), then deterministic bytes.
  static func bootableImage(_ count: Int) -> [UInt8] {
    [0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x00, 0x08] + testBytes(count - 8)
  }
}
