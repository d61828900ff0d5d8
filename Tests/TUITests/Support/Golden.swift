import Foundation
import Testing

/// Text golden files under Tests/TUITests/Golden: a rendered screen is
/// compared line by line with its file. `RECORD_GOLDEN=1 swift test --filter
/// TUITests` rewrites them (review the diff before committing).
enum Golden {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Golden")

  static func check(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let url = directory.appendingPathComponent(name + ".txt")
    let actual = text + "\n"
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
      try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try? actual.write(to: url, atomically: true, encoding: .utf8)
      return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
      Issue.record(Comment(rawValue: "no golden file \(name).txt; record it with RECORD_GOLDEN=1"), sourceLocation: sourceLocation)
      return
    }
    if expected != actual {
      let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
      var diff: [String] = []
      for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : nil) != (i < a.count ? a[i] : nil) {
        diff.append("line \(i + 1):\n  expected: \(i < e.count ? String(e[i]) : "<none>")\n  actual:   \(i < a.count ? String(a[i]) : "<none>")")
      }
      let shown = diff.prefix(8).joined(separator: "\n")
      Issue.record(Comment(rawValue: "\(name).txt differs (RECORD_GOLDEN=1 re-records):\n\(shown)"),
                   sourceLocation: sourceLocation)
    }
  }
}
