import DfuSe

/// The summary table of a bench run, on stdout: one row per board.
enum BenchTable {
  static func print(_ outcomes: [BenchOutcome], fileCRC32: UInt32) {
    let header = ["PORT", "SERIAL", "CHIP", "RESULT", "TIME", "CRC32"]
    let rows = outcomes.map { o in
      [o.board.portPath, o.board.serialNumber ?? "-", o.chip ?? "-", o.verified ? "verified" : "FAILED",
       o.duration.secondsText, BenchRecord.hex(fileCRC32)]
    }
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    for row in [header] + rows {
      Console.out(zip(row, widths).map { $0.padding($1) }.joined(separator: "  ").trimmingTrailingSpaces)
    }
    let good = outcomes.filter(\.verified).count
    Console.out("\(outcomes.count) board\(outcomes.count == 1 ? "" : "s"): \(good) verified, \(outcomes.count - good) failed")
  }
}

extension String {
  fileprivate var trimmingTrailingSpaces: String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
