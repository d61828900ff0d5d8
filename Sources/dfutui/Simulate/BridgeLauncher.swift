import ArgumentParser
import Foundation

/// Finds and starts `umockdev-usb-bridge.py` under umockdev's preload library.
enum BridgeLauncher {
  static let scriptName = "umockdev-usb-bridge.py"
  /// Overrides where the bridge script is.
  static let environmentVariable = "DFUTUI_SIMULATOR_BRIDGE"

  /// `explicit` (the hidden `--bridge`), else `$DFUTUI_SIMULATOR_BRIDGE`, else
  /// the first of ``candidates(executable:sourceFile:)`` that exists.
  static func script(explicit: String?) throws(ExitCode) -> String {
    let manager = FileManager.default
    let override = explicit ?? ProcessInfo.processInfo.environment[environmentVariable]
    if let override {
      guard manager.fileExists(atPath: override) else {
        let from = explicit != nil ? "--bridge" : "$\(environmentVariable)"
        throw Exit.fail("\(from) names \(override), which does not exist; point it at \(scriptName) "
                        + "(in the source tree's scripts/ directory)", code: Exit.usage)
      }
      return override
    }
    let candidates = candidates(executable: executablePath)
    if let found = candidates.first(where: manager.fileExists(atPath:)) { return found }
    throw Exit.fail("cannot find the simulator's bridge script \(scriptName); looked in:\n  "
                    + candidates.joined(separator: "\n  ")
                    + "\nInstall dfutui with `make install` (it puts the script in PREFIX/share/dfutui), copy "
                    + "scripts/\(scriptName) from the source tree next to the dfutui binary, or set "
                    + "\(environmentVariable) to its path", code: Exit.usage)
  }

  /// Where the script may be, in order: `<bindir>/../share/dfutui/` (where
  /// `make install` puts it), next to the binary (a release archive), then the
  /// source tree this binary was built from (a `swift build` binary).
  static func candidates(executable: String?, sourceFile: String = #filePath) -> [String] {
    var paths: [String] = []
    if let executable {
      let bin = URL(fileURLWithPath: executable).deletingLastPathComponent()
      paths.append(bin.deletingLastPathComponent().appendingPathComponent("share/dfutui/\(scriptName)").path)
      paths.append(bin.appendingPathComponent(scriptName).path)
    }
    // Sources/dfutui/Simulate/BridgeLauncher.swift → the package root.
    var root = URL(fileURLWithPath: sourceFile)
    for _ in 0..<4 { root.deleteLastPathComponent() }
    paths.append(root.appendingPathComponent("scripts/\(scriptName)").path)
    return paths
  }

  /// The running binary, symlinks resolved: `/proc/self/exe` on Linux (argv[0]
  /// is a bare name when the binary was found through `$PATH`).
  static var executablePath: String? {
    #if os(Linux)
      if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    #endif
    return Bundle.main.executableURL?.resolvingSymlinksInPath().path
  }

  /// Runs the bridge (one socket per board, ports 1-1, 1-2, … in order) with
  /// the caller's stdin/stdout/stderr, in this process's process group: the
  /// command stays in the terminal's foreground job (Foundation's `Process`
  /// would make a new group, where a TUI or a prompt stops on SIGTTIN/SIGTTOU
  /// and Ctrl-C never arrives). Ctrl-C belongs to the command, as in a shell:
  /// this process and the bridge catch SIGINT and keep serving the boards
  /// (so `write --each-new` can end its loop with the summary). Returns the
  /// command's exit status (128 + signal when it was killed).
  static func run(script: String, sockets: [String], command: [String]) throws(ExitCode) -> Int32 {
    var environment = ProcessInfo.processInfo.environment
    let preload = "libumockdev-preload.so.0"
    environment["LD_PRELOAD"] = [preload, environment["LD_PRELOAD"]].compactMap { $0 }.joined(separator: ":")
    let python = environment["DFUTUI_PYTHON"] ?? "/usr/bin/python3"
    let arguments = [python, script] + sockets.flatMap { ["--socket", $0] } + ["--"] + command
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    // A handler, not SIG_IGN: the bridge and the command get SIGINT's default disposition back at exec.
    signal(SIGINT) { _ in }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, python, nil, nil, argv, envp)
    guard spawned == 0 else {
      throw Exit.fail("cannot start \(python) \(script): \(String(cString: strerror(spawned))). "
                      + "Install python3-gi, umockdev and gir1.2-umockdev-1.0", code: Exit.deviceError)
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS / WTERMSIG (the Glibc macros are not imported into Swift).
    let killedBy = status & 0x7F
    return killedBy == 0 ? (status >> 8) & 0xFF : 128 + killedBy
  }
}
