import Foundation
import Testing

/// Numbers, output paths, plain error sentences and help text (issue 12, "Parsers, messages, CLI").
@Suite struct CLIUsabilityTests {
  func sim(_ dir: TemporaryDirectory, _ profile: String = "stm32l476") -> [String] {
    ["--simulate", profile, "--sim-state", dir.path("board"), "--sim-time", "instant"]
  }

  /// The TUI's `--backup-dir` is checked before the terminal is taken over.
  @Test func aBackupDirectoryThatIsNotOneIsRefusedWithWhatToDo() throws {
    let dir = try TemporaryDirectory()
    let missing = try CLI.run(["tui", "--backup-dir", dir.path("nope")] + sim(dir))
    #expect(missing.status == 64)
    #expect(missing.stderr.contains("--backup-dir: \(dir.path("nope")) is not a directory; create it first"), "\(missing.stderr)")
    let file = try dir.write("plain", [1])
    let notDirectory = try CLI.run(["--backup-dir", file] + sim(dir))
    #expect(notDirectory.status == 64 && notDirectory.stderr.contains("is not a directory"), "\(notDirectory.stderr)")
  }

  // MARK: Numbers

  @Test func aBareLeadingZeroAddressIsRefusedWithTheHexSpelling() throws {
    let dir = try TemporaryDirectory()
    let r = try CLI.run(["read", "--address", "08000000", "--length", "4", "-o", dir.path("x.bin")] + sim(dir))
    #expect(r.status == 64)
    #expect(r.stderr.contains("did you mean 0x08000000?"), "\(r.stderr)")
    let w = try CLI.run(["write", try dir.write("a.bin", [1, 2, 3, 4]), "--address", "08000000"] + sim(dir))
    #expect(w.status == 64 && w.stderr.contains("did you mean 0x08000000?"), "\(w.stderr)")
  }

  @Test func negativeNumbersGetAClearMessageNotAMissingValue() throws {
    let dir = try TemporaryDirectory()
    let a = try CLI.run(["read", "--address", "-1", "--length", "4", "-o", dir.path("x.bin")] + sim(dir))
    #expect(a.status == 64)
    #expect(a.stderr.contains("cannot be negative"), "\(a.stderr)")
    let l = try CLI.run(["read", "--address", "0x08000000", "--length", "-16", "-o", dir.path("x.bin")] + sim(dir))
    #expect(l.status == 64)
    #expect(l.stderr.contains("a byte count cannot be negative"), "\(l.stderr)")
    let e = try CLI.run(["erase", "--address", "-4"] + sim(dir))
    #expect(e.status == 64 && e.stderr.contains("cannot be negative"), "\(e.stderr)")
  }

  @Test func vendorOnlyDeviceFilterMatchesLikeDfuUtil() throws {
    let only = try CLI.run(["list", "-d", "0483", "--simulate", "stm32l476", "--sim-time", "instant"])
    #expect(only.status == 0, "\(only.stderr)")
    #expect(only.stdout.contains("0483:df11"))
    let other = try CLI.run(["list", "-d", "1209", "--simulate", "stm32l476", "--sim-time", "instant"])
    #expect(other.status == 0 && !other.stdout.contains("0483:df11"))
    for form in ["0483:", ":df11", "0x0483:0xdf11"] {
      let r = try CLI.run(["list", "-d", form, "--simulate", "stm32l476", "--sim-time", "instant"])
      #expect(r.status == 0 && r.stdout.contains("0483:df11"), "\(form): \(r.stderr)")
    }
    #expect(try CLI.run(["list", "-d", "0483:df11:00", "--simulate", "stm32l476"]).status == 64)
  }

  @Test(arguments: ["1", "1-", "0-1", "1-1..2", "1-x", "a-1", "1-1.2.3.4.5.6.7.8"])
  func aMalformedUSBPathIsRefused(path: String) throws {
    let r = try CLI.run(["list", "-p", path, "--simulate", "stm32l476", "--sim-time", "instant"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("BUS-PORT"), "\(r.stderr)")
  }

  @Test func aWellFormedUSBPathAndSerialStillSelect() throws {
    let r = try CLI.run(["list", "-p", "1-1", "-S", "207928A0B956", "--simulate", "stm32l476", "--sim-time", "instant"])
    #expect(r.status == 0 && r.stdout.contains("0483:df11"), "\(r.stderr)")
  }

  @Test(arguments: ["", "ab cd", String(repeating: "A", count: 127)])
  func anImpossibleSerialNumberIsRefused(serial: String) throws {
    let r = try CLI.run(["list", "-S", serial, "--simulate", "stm32l476", "--sim-time", "instant"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("serial"), "\(r.stderr)")
  }

  @Test func duplicateOptionFieldsAreRefusedBeforeTheDeviceIsTouched() throws {
    let dir = try TemporaryDirectory()
    let r = try CLI.run(["options", "set", "RDP=0xAA", "rdp=0xBB", "--yes"] + sim(dir))
    #expect(r.status == 64)
    #expect(r.stderr.contains("given twice"), "\(r.stderr)")
    // Nothing was read or written: the board's state directory was never created.
    #expect(!FileManager.default.fileExists(atPath: dir.path("board")))
  }

  // MARK: Output paths

  @Test func readRefusesAnExistingFileUnlessForced() throws {
    let dir = try TemporaryDirectory()
    let precious = try dir.write("backup.bin", [1, 2, 3])
    let refused = try CLI.run(["read", "--address", "0x08000000", "--length", "16", "-o", precious] + sim(dir))
    #expect(refused.status == 65)
    #expect(refused.stderr.contains("already exists") && refused.stderr.contains("--force"), "\(refused.stderr)")
    #expect(try dir.read("backup.bin") == [1, 2, 3])
    let forced = try CLI.run(["read", "--address", "0x08000000", "--length", "16", "-o", precious, "--force"] + sim(dir))
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(try dir.read("backup.bin") == [UInt8](repeating: 0xFF, count: 16))
  }

  /// Without --simulate the device would be looked for on real USB (exit 3 or 1 here):
  /// exit 74 shows the output path was checked first.
  @Test func outputPathsAreCheckedBeforeTheDeviceIsTouched() throws {
    let dir = try TemporaryDirectory()
    let noDir = try CLI.run(["read", "--address", "0x08000000", "--length", "16", "-o", dir.path("missing/x.bin")])
    #expect(noDir.status == 74)
    #expect(noDir.stderr.contains("does not exist") && noDir.stderr.contains("Nothing was sent"), "\(noDir.stderr)")
    let isDir = try CLI.run(["read", "--address", "0x08000000", "--length", "16", "-o", dir.url.path])
    #expect(isDir.status == 74 && isDir.stderr.contains("is a directory"), "\(isDir.stderr)")
    let input = try dir.write("a.hex", Array(":0400000001020304F2\n:00000001FF\n".utf8))
    let convert = try CLI.run(["convert", input, dir.path("missing/out.bin")])
    #expect(convert.status == 74 && convert.stderr.contains("does not exist"), "\(convert.stderr)")
  }

  @Test func readToStdoutWritesOnlyTheBytesThere() throws {
    let dir = try TemporaryDirectory()
    let image = testBytes(300, seed: 12)
    let file = try dir.write("a.bin", image)
    #expect(try CLI.run(["write", file, "--address", "0x08000000"] + sim(dir)).status == 0)
    let r = try CLI.run(["read", "--address", "0x08000000", "--length", "300", "-o", "-"] + sim(dir))
    #expect(r.status == 0, "\(r.stderr)")
    #expect(Array(r.stdout.utf8) == Array(String(decoding: image, as: UTF8.self).utf8))
    #expect(r.stderr.contains("Read 300 bytes"))
    let both = try CLI.run(["read", "--address", "0x08000000", "--length", "4", "-o", "-", "--json"] + sim(dir))
    #expect(both.status == 64)
  }

  // MARK: Plain sentences for file errors

  @Test func fileErrorsArePlainSentences() throws {
    let dir = try TemporaryDirectory()
    let missing = try CLI.run(["info", dir.path("app.hex")])
    #expect(missing.status == 65)
    #expect(missing.stderr.contains("cannot read \(dir.path("app.hex")): no such file"), "\(missing.stderr)")
    #expect(!missing.stderr.contains("NSCocoaErrorDomain"))
    let directory = try CLI.run(["info", dir.url.path])
    #expect(directory.status == 65 && directory.stderr.contains("is a directory"), "\(directory.stderr)")
    #expect(!directory.stderr.contains("NSCocoaErrorDomain"))
  }

  @Test func aSimulatorStateFileIsRefusedInPlainWords() throws {
    let dir = try TemporaryDirectory()
    let file = try dir.write("state", [1])
    for state in [file, file + "/sub"] {
      let r = try CLI.run(["erase", "--address", "0x08000000", "--simulate", "stm32l476", "--sim-time", "instant",
                           "--sim-state", state])
      #expect(r.status == 64)
      #expect(r.stderr.contains("is a file, not a directory") && !r.stderr.contains("NSCocoaErrorDomain"), "\(r.stderr)")
    }
  }

  // MARK: Help

  static let helpTopics: [[String]] = [[], ["list"], ["read"], ["write"], ["restore"], ["erase"], ["leave"],
                                       ["simulate"], ["convert"], ["info"], ["options"], ["options", "show"],
                                       ["options", "set"], ["options", "reset-defaults"], ["unprotect"]]

  /// ArgumentParser wraps help to the terminal width (lines stay below 80 columns), so
  /// a line whose successor's first word would still have fitted was broken by hand.
  @Test(arguments: helpTopics)
  func helpWrapsCleanlyAt80Columns(topic: [String]) throws {
    let r = try CLI.run(executable: URL(fileURLWithPath: "/usr/bin/env"),
                        ["COLUMNS=80", CLI.binary.path, "help"] + topic)
    #expect(r.status == 0)
    let lines = r.stdout.components(separatedBy: "\n")
    for (i, line) in lines.enumerated() where !line.hasPrefix("USAGE:") {
      #expect(line.count <= 80, "too long: \(line)")
      guard i + 1 < lines.count else { continue }
      let next = lines[i + 1]
      let indent = { (s: String) in s.prefix { $0 == " " }.count }
      // A continuation: same paragraph or same option column, not a new entry or list item.
      guard !line.trimmingCharacters(in: .whitespaces).isEmpty, let word = next.split(separator: " ").first,
            indent(next) >= indent(line), indent(next) != 2, !line.hasSuffix(":"),
            !(word.first?.isNumber ?? false), !word.hasPrefix("-"),
            indent(line) != 2 || line.dropFirst(2).contains("  ")  // not a name alone on its line
      else { continue }
      #expect(line.count + 1 + word.count > 79, "hand-broken line in `dfutui help \(topic.joined(separator: " "))`:\n\(line)\n\(next)")
    }
  }

  @Test func helpForAnUnknownCommandIsAUsageError() throws {
    let r = try CLI.run(["help", "nosuchcommand"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("no such command 'nosuchcommand'") && r.stderr.contains("write"), "\(r.stderr)")
    let sub = try CLI.run(["help", "options", "nope"])
    #expect(sub.status == 64 && sub.stderr.contains("show, set, reset-defaults"), "\(sub.stderr)")
    #expect(try CLI.run(["help", "options", "show"]).status == 0)
  }
}
