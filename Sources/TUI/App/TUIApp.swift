internal import Foundation
internal import Logging

/// The run loop: waits for terminal input, worker events or the next tick
/// (never spinning), feeds each to ``update(_:_:)``, carries out the effects,
/// and draws the new frame (only changed cells reach the terminal).
public final class TUIApp {
  public private(set) var state: AppState
  private let terminal: any Terminal
  private let service: any DeviceService
  private let files: FileService
  private let queue = EventQueue()
  private let levels: LogLevelSwitch
  private var exitCode: Int32?
  private var buffer: ScreenBuffer
  private var lastTick: Double = 0

  /// - Parameters:
  ///   - levels: the level switch of the app's ``LogPaneHandler`` (`v` flips it between info and trace).
  public init(terminal: any Terminal, service: any DeviceService, files: FileService = FileService(),
              state: AppState, levels: LogLevelSwitch) {
    self.terminal = terminal
    self.service = service
    self.files = files
    self.state = state
    self.levels = levels
    self.state.width = terminal.width
    self.state.height = terminal.height
    buffer = ScreenBuffer(width: terminal.width, height: terminal.height, glyphs: terminal.glyphs)
  }

  /// Where workers and log handlers post events.
  public var post: @Sendable (Event) -> Void {
    let queue = self.queue
    return { queue.post($0) }
  }

  /// Runs until quit; returns the exit code. The terminal is restored on every way out.
  public func run(initialEffects: [Effect] = []) -> Int32 {
    defer { terminal.restore() }
    receiveTerminalSignals(true)
    service.start(post: post)
    handle(.tick(Date().timeIntervalSince1970))
    perform(initialEffects)
    draw()
    while exitCode == nil {
      step()
    }
    service.shutdown(timeout: .seconds(5))
    return exitCode ?? 0
  }

  /// One turn: wait (at most until the next tick), handle what arrived, draw.
  public func step() {
    let interval = state.job != nil || state.batch.running ? 0.25 : 1.0
    let now = Date().timeIntervalSince1970
    let wait = max(0, lastTick + interval - now)
    let inputs = terminal.waitForInput(timeout: .milliseconds(Int(wait * 1000)), wakeFD: queue.readFD)
    for input in inputs {
      switch input {
      case .key(let k): handle(.key(k))
      case .mouse(let m): handle(.mouse(m))
      case .resize(let w, let h): handle(.resize(width: w, height: h))
      case .signal(let n): handle(.signal(n))
      }
    }
    for event in queue.drain() { handle(event) }
    let t = Date().timeIntervalSince1970
    if t - lastTick >= interval { handle(.tick(t)) }
    if exitCode == nil { draw() }
  }

  /// Applies one event and carries out its effects (tests and benchmarks call it directly).
  public func handle(_ event: Event) {
    if case .tick(let t) = event { lastTick = t }
    perform(update(&state, event))
  }

  private func perform(_ effects: [Effect]) {
    for effect in effects {
      switch effect {
      case .loadFile(let path, let raw): handle(files.load(path, rawAddress: raw))
      case .listDirectory(let path): handle(files.list(path))
      case .saveLog(let dir): handle(files.saveLog(state.log, directory: dir))
      case .setVerbose(let on): levels.level = on ? .trace : .info
      case .watchFile(let path): files.watch(path, rawAddress: state.flash.rawAddress, post: post)
      case .suspend:
        terminal.suspend()
        handle(.resize(width: terminal.width, height: terminal.height))
      case .bell(let count): terminal.bell(count: count)
      case .quit(let code): exitCode = code
      default: service.perform(effect)
      }
    }
  }

  /// Renders the state and hands the frame to the terminal.
  public func draw() {
    if buffer.width != state.width || buffer.height != state.height {
      buffer = ScreenBuffer(width: state.width, height: state.height, glyphs: terminal.glyphs)
    }
    AppView.render(state, into: &buffer)
    terminal.draw(buffer)
  }
}
