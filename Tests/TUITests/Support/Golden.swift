import Foundation
import SnapshotTesting
import Testing

/// Screens as text snapshots (pointfreeco/swift-snapshot-testing, `.lines`), kept as
/// `Tests/TUITests/Golden/screen.NAME.txt` so a reviewer reads them as screens. A missing
/// file is recorded and the test fails once; `SNAPSHOT_TESTING_RECORD=all swift test --filter
/// TUITests` re-records every screen (review the diff before committing).
enum Golden {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Golden")

  static func check(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    if let failure = verifySnapshot(of: text + "\n", as: .lines, named: name, snapshotDirectory: directory.path,
                                    testName: "screen") {
      Issue.record(Comment(rawValue: failure), sourceLocation: sourceLocation)
    }
  }
}
