internal import DfuSe
internal import Foundation

/// Batch screen keys (issue 14): `s` flashes every board present, `l` loops over
/// the boards plugged in (both confirmed), `x`/Esc stops (asks while boards run),
/// ↑↓ select a row, Enter/`d` show its full text.
func batchKey(_ state: inout AppState, _ key: Key) -> [Effect] {
  let count = state.batch.rows.count
  switch key {
  case .up, .char("k"): state.batch.list.move(-1, count: count)
  case .down, .char("j"): state.batch.list.move(1, count: count)
  case .home, .char("g"): state.batch.list.selected = 0
  case .end, .char("G"): state.batch.list.move(count, count: count)
  case .enter, .char("d"): if count > 0 { state.batch.showDetail.toggle() }
  case .char("s"): askBatch(&state, .present)
  case .char("l"): askBatch(&state, .loop)
  case .char("x"), .escape:
    guard let mode = state.batch.mode else {
      if key == .escape { state.batch.showDetail = false }
      return []
    }
    if state.batch.active == 0 { return stopBatch(&state, cancelRunning: mode == .present) }
    state.dialog = .confirmStopBatch
  default: break
  }
  return []
}

/// Opens the start dialog, or says in the status line why a batch cannot start.
func askBatch(_ state: inout AppState, _ mode: BatchMode) {
  if state.batch.running { state.status = "A batch is running; stop it first (x)."; return }
  if state.job != nil { state.status = "A job is running on \(state.job!.deviceID); wait for it or cancel it (4, c)."; return }
  guard state.flash.file != nil else { state.status = "No file loaded: press 4 and pick a file first."; return }
  if mode == .present && batchBoards(state).isEmpty {
    state.status = "No board in DFU mode to flash. Put the boards in the ROM bootloader, or use l to wait for them."
    return
  }
  state.dialog = .confirmBatch(mode)
}

/// The DFU-mode boards on the bus now (what `s` flashes).
func batchBoards(_ state: AppState) -> [DeviceSummary] {
  state.devices.filter { $0.present && $0.info.isDFUMode }
}

/// The confirmed start: the request for the runner, the screen reset for the new batch.
func startBatch(_ state: inout AppState, _ mode: BatchMode) -> [Effect] {
  guard let file = state.flash.file, !state.batch.running, state.job == nil else { return [] }
  var options = state.flash.options
  options.verify = true  // a bench never calls an unverified board done
  options.backup = false  // one backup file per board of a bench is not offered
  let request = BatchRequest(mode: mode, firmware: file.firmware, filePath: file.path, fileCRC32: file.crc32,
                             alternate: state.flash.alternate, options: options, leave: state.flash.leave,
                             recordPath: state.batch.recordPath)
  let record = state.batch.recordPath
  state.batch = BatchState()
  state.batch.recordPath = record
  state.batch.mode = mode
  state.batch.started = state.now
  state.status = mode == .loop
    ? "Loop started: each board plugged in is flashed once per plug; x stops."
    : "Batch started on \(batchBoards(state).count) board(s)."
  state.addLog(.info, "batch (\(mode.rawValue)) with \(file.name), CRC32 \(hex8(file.crc32))"
               + (record.map { ", record \($0)" } ?? ", no record"))
  return [.startBatch(request)]
}

/// Asks the runner to stop; the batch ends when its last job has.
func stopBatch(_ state: inout AppState, cancelRunning: Bool) -> [Effect] {
  guard state.batch.running else { return [] }
  state.batch.stopping = true
  if cancelRunning && state.batch.active > 0 {
    state.batch.cancelling = true
    state.status = "Cancelling the \(state.batch.active) running board(s) between two USB transfers."
  } else if state.batch.active > 0 {
    state.status = "Loop stopping: no new board starts; the \(state.batch.active) running board(s) finish."
  } else {
    state.status = "Batch stopping."
  }
  return [.stopBatch(cancelRunning: cancelRunning)]
}

/// Refuses a single-board job while a batch runs (its boards are busy; say where to look).
func refusedForBatch(_ state: inout AppState) -> Bool {
  guard state.batch.running else { return false }
  state.status = "A batch is running (6 Batch): single-board jobs wait until it ends."
  return true
}

func batchEvent(_ state: inout AppState, _ event: Event) -> [Effect] {
  switch event {
  case .batchBoardStarted(let port, let serial, let chip, let at):
    // Boards present (s) are listed by port, as on the hub; a loop lists plugs as they come.
    let row = BatchRow(port: port, serial: serial, chip: chip, started: at)
    let index = state.batch.mode == .present
      ? state.batch.rows.firstIndex { portPrecedes(port, $0.port) } ?? state.batch.rows.count
      : state.batch.rows.count
    if index <= state.batch.list.selected && !state.batch.rows.isEmpty { state.batch.list.selected += 1 }
    state.batch.rows.insert(row, at: index)
    state.addLog(.info, "batch: \(port) (\(serial ?? "no serial"), \(chip)) started")
  case .batchProgress(let port, let p, _):
    guard let i = state.batch.runningRow(port) else { return [] }
    state.batch.rows[i].phase = p.phase
    state.batch.rows[i].completed = p.completedBytes
    state.batch.rows[i].total = p.totalBytes
  case .batchBoardFinished(let port, let result, let recordProblem, let at):
    guard let i = state.batch.runningRow(port) else { return [] }
    state.batch.rows[i].result = result
    state.batch.rows[i].ended = at
    state.batch.rows[i].recordProblem = recordProblem
    let seconds = FlashView.seconds(at - state.batch.rows[i].started)
    state.status = result == .verified ? "\(port) VERIFIED in \(seconds)." : "\(port) \(result.word)"
    state.addLog(result == .verified ? .info : .error, "batch: \(port) \(result.word)"
                 + (result.detail.map { " — " + $0 } ?? "") + " (\(seconds))")
    if let recordProblem {
      state.status = "\(port): " + recordProblem
      state.addLog(.error, state.status)
    }
    return [.bell(count: result == .verified ? 1 : 2)]
  case .batchBoardCameBack(let port, let after, _):
    guard let i = state.batch.rows.lastIndex(where: { $0.port == port }) else { return [] }
    state.batch.rows[i].cameBack = after
    state.status = "\(port) is back in the bootloader after leaving DFU: its application did not start. Not flashed again; unplug it."
    state.addLog(.warning, "batch: \(port) back in the bootloader \(FlashView.seconds(after)) after leaving DFU: the "
                 + "application did not start, or reset into the ROM (BOOT0 held high and a crash or watchdog reset; a "
                 + "file built for another board?). Not flashed again; unplug it, and plug it in again to flash it once more")
    return [.bell(count: 2)]
  case .batchEnded(let problem, let at):
    let wasLoop = state.batch.mode == .loop
    state.batch.mode = nil
    state.batch.stopping = false
    state.batch.cancelling = false
    state.batch.ended = at
    for i in state.batch.rows.indices where state.batch.rows[i].result == .running {
      state.batch.rows[i].result = .cancelled(detail: "the batch ended before this board reported")
    }
    if state.dialog == .confirmStopBatch { state.dialog = nil }
    if let problem {
      state.batch.refusal = problem
      state.status = "Batch not started: \(problem)"
      state.addLog(.error, state.status)
    } else {
      state.status = "\(wasLoop ? "Loop" : "Batch") ended: \(state.batch.passed) verified, \(state.batch.failed) not."
      state.addLog(state.batch.failed == 0 ? .info : .warning, state.status)
    }
  default: break
  }
  return []
}

/// The row's error in words with what to do next, from the board's job outcome.
func batchResult(_ outcome: JobOutcome) -> BatchResult {
  switch outcome {
  case .flashed(true, _, _, _, _): return .verified
  case .flashed(false, let summary, _, _, _): return .failed(reason: "not verified", detail: "Written, NOT verified: " + summary)
  case .cancelled(let why): return .cancelled(detail: why)
  case .failed(let message, let hint, _):
    let stop = message.last.map { ".!?".contains($0) } ?? true
    return .failed(reason: shortReason(message), detail: message + (hint.isEmpty ? "" : (stop ? " " : ". ") + hint))
  default: return .failed(reason: "unexpected outcome", detail: "\(outcome)")
  }
}

/// The first clause of an error message, for a table cell (the details show all of it).
func shortReason(_ message: String) -> String {
  let cut = message.firstIndex { $0 == ":" || $0 == ";" || $0 == "." || $0 == "(" } ?? message.endIndex
  var head = message[..<cut].trimmingCharacters(in: .whitespaces)
  for word in [" FAILED", " failed"] where head.hasSuffix(word) && head.count > word.count { head.removeLast(word.count) }
  return head.isEmpty ? message : head
}

/// `1-2` before `1-10` and `1-2.3`: port paths compared number by number.
func portPrecedes(_ a: String, _ b: String) -> Bool {
  func numbers(_ path: String) -> [Int] { path.split { $0 == "-" || $0 == "." }.map { Int($0) ?? Int.max } }
  return numbers(a).lexicographicallyPrecedes(numbers(b))
}
