import ArgumentParser
import DfuSe
import DfuSeSimulator
import Foundation

/// What `dfutui simulate` plugs in (issue 14's simulator): N boards on bus 1,
/// ports 1-1 … 1-N, each with its profile, when it is plugged in, when it is
/// re-plugged, and whether the fault options apply to it. Built from the
/// command line by ``init(boards:profiles:plugSchedule:replugs:faultBoards:)``,
/// which validates everything before any board exists.
struct SimulatedBenchPlan {
  /// The most boards one session plugs in (a 16-port hub's worth).
  static let maxBoards = 16

  /// One profile per board, board *i* on port 1-(*i*+1).
  var profiles: [SimulatedProfile]
  /// When each board is plugged in, in milliseconds after the start (0: at once).
  var plugAt: [Int]
  /// Re-plugs: board (0-based) and milliseconds after the start.
  var replugs: [(board: Int, milliseconds: Int)]
  /// The boards (0-based) the fault options apply to; empty: every board.
  var faultBoards: Set<Int>

  var count: Int { profiles.count }

  /// - Parameters:
  ///   - boards: `--boards N`; nil takes the number of profiles given.
  ///   - profiles: every `--profile`, each maybe a comma list: one for all
  ///     boards, or exactly one per board. Empty: stm32f405.
  ///   - plugSchedule: `--plug-schedule MS,…`, board 1's time first.
  ///   - replugs: every `--replug I@MS`.
  ///   - faultBoards: every `--fault-board I` (1-based).
  init(boards: Int?, profiles: [String], plugSchedule: String?, replugs: [String],
       faultBoards: [Int]) throws(ValidationError) {
    let names = profiles.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
      .map { $0.trimmingCharacters(in: .whitespaces) }
    let count = boards ?? max(1, names.count)
    guard (1...Self.maxBoards).contains(count) else {
      throw ValidationError("--boards \(count): give 1 to \(Self.maxBoards) boards")
    }
    var resolved: [SimulatedProfile] = []
    for name in names.isEmpty ? ["stm32f405"] : names {
      guard let profile = SimulatedProfile.named(name) else {
        let known = SimulatedProfile.all.map(\.name).joined(separator: ", ")
        throw ValidationError("unknown simulated board '\(name)'; choose one of: \(known)")
      }
      resolved.append(profile)
    }
    if resolved.count == 1 { resolved = Array(repeating: resolved[0], count: count) }
    guard resolved.count == count else {
      throw ValidationError("--boards \(count) but \(resolved.count) profiles: give --profile once (for every board) "
                            + "or once per board, in port order (e.g. --profile stm32f405,stm32l476)")
    }
    self.profiles = resolved
    plugAt = Array(repeating: 0, count: count)
    if let plugSchedule {
      let items = plugSchedule.split(separator: ",", omittingEmptySubsequences: false)
      guard items.count <= count else {
        throw ValidationError("--plug-schedule has \(items.count) times for \(count) board(s); give at most one per "
                              + "board, board 1's first")
      }
      for (index, item) in items.enumerated() {
        guard let ms = Int(item.trimmingCharacters(in: .whitespaces)), ms >= 0 else {
          throw ValidationError("--plug-schedule: '\(item)' is not a time in milliseconds (e.g. 0,1500,3000)")
        }
        plugAt[index] = ms
      }
    }
    self.replugs = []
    for text in replugs {
      let parts = text.split(separator: "@", omittingEmptySubsequences: false)
      guard parts.count == 2, let board = Int(parts[0]), let ms = Int(parts[1]), ms >= 0 else {
        throw ValidationError("--replug \(text): give BOARD@MS, e.g. --replug 1@4000 (board 1, 4 s after the start)")
      }
      guard (1...count).contains(board) else {
        throw ValidationError("--replug \(text): there is no board \(board); boards are 1…\(count)")
      }
      self.replugs.append((board - 1, ms))
    }
    self.faultBoards = []
    for board in faultBoards {
      guard (1...count).contains(board) else {
        throw ValidationError("--fault-board \(board): there is no board \(board); boards are 1…\(count)")
      }
      self.faultBoards.insert(board - 1)
    }
  }

  /// Whether the fault options apply to board `index` (0-based).
  func hasFaults(board index: Int) -> Bool { faultBoards.isEmpty || faultBoards.contains(index) }

  /// Unplugs the boards plugged in later, then starts one thread per plug
  /// and re-plug event, on the real clock whatever `--sim-time` says. A
  /// re-plug pulls a board off the bus for 300 ms (if it is on it) and plugs
  /// it back in the ROM bootloader: a new enumeration on the same port.
  func startSchedule(_ boards: [SimulatedSTM32]) {
    let clock = SystemClock()
    let start = clock.now
    func at(_ milliseconds: Int, _ body: @escaping @Sendable () -> Void) {
      Thread {
        clock.sleep(for: .milliseconds(milliseconds) - (clock.now - start))
        body()
      }.start()
    }
    for (index, ms) in plugAt.enumerated() where ms > 0 {
      let board = boards[index]
      board.unplug()
      at(ms) { board.reconnect() }
    }
    for replug in replugs {
      let board = boards[replug.board]
      at(replug.milliseconds) {
        if board.isConnected {
          board.unplug()
          clock.sleep(for: .milliseconds(300))
        }
        board.reconnect()
      }
    }
  }
}
