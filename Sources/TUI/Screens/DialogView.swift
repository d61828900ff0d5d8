internal import DfuSe

/// The dialog for each ``DialogState``: every confirmation names its consequences.
public enum DialogView {
  public static func dialog(_ d: DialogState, _ state: AppState, _ g: Glyphs) -> Dialog {
    switch d {
    case .confirmFlash:
      var body: [Line] = []
      if let f = state.flash.file, let dev = state.selectedDevice {
        body.append(Line("Write \(f.name) (\(formatByteCount(UInt64(f.image.byteCount)))) to \(dev.chip.name) at \(dev.info.path)?"))
        if case .success(let plan) = state.plan {
          body.append(Line("Erases \(plan.sectors.count) sector(s)" + (state.flash.options.differential ? " that differ" : "")
                           + (plan.bytesErasedOutsideImage > 0 && !state.flash.options.preserve
                              ? "; \(formatByteCount(UInt64(plan.bytesErasedOutsideImage))) outside the image are lost" : "") + "."))
          body.append(Line("Erase: " + FlashView.eraseProposal(state, plan).reason, .dim))
        }
        let o = state.flash.options
        body.append(Line((o.verify ? "Verifies by read-back" : "NO verify") + (state.flash.leave ? "; then leaves DFU and starts the application." : "."),
                         o.verify ? .plain : .warning))
      }
      return Dialog(title: "Flash?", body: body, choices: choices(d, state))
    case .confirmQuit:
      let what = state.batch.running ? "A batch is running (\(state.batch.active) board(s) flashing)" : "A job is running"
      return Dialog(title: "Quit?", body: [Line("\(what). Quitting cancels it between two USB transfers; the board stays in DFU "
                                                + "(a flash with diff resumes).", .warning)], choices: choices(d, state), style: .warning)
    case .confirmBatch(let mode):
      return Dialog(title: mode == .loop ? "Start the loop?" : "Flash every board?", body: BatchView.confirmLines(mode, state),
                    choices: choices(d, state), style: .warning)
    case .confirmStopBatch:
      let n = state.batch.active
      let body = state.batch.mode == .loop
        ? Line("No new board is started. The \(n) running board(s) finish their flash and verify first.")
        : Line("The \(n) running board(s) stop between two USB transfers and stay in DFU; flash them again "
               + "(diff finishes the job).", .warning)
      return Dialog(title: state.batch.mode == .loop ? "Stop the loop?" : "Cancel the batch?", body: [body],
                    choices: choices(d, state), style: .warning)
    case .confirmCancel:
      return Dialog(title: "Cancel the flash?", body: [Line("The job stops between two USB transfers. Sectors already erased stay "
                                                            + "blank; flash again with d (diff) to finish.", .warning)],
                    choices: choices(d, state), style: .warning)
    case .editOption(let name, let text, let error):
      var body: [Line] = []
      if let ob = state.options.edited, let f = ob.layout.field(named: name) {
        body.append(Line("\(f.name): \(f.summary)"))
        body.append(Line("now: \(f.meaning(of: ob.value(of: f) ?? 0)) (\(optionHex(ob.value(of: f) ?? 0, bits: f.width)))", .dim))
        if case .choice(let names) = f.kind {
          body.append(Line("values: " + names.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "), .dim))
        } else if case .flag(let zero, let one) = f.kind {
          body.append(Line("0 = \(zero); 1 = \(one)", .dim))
        } else if f.kind == .readProtection {
          body.append(Line("level0, level1, level2 (level 2 is PERMANENT), or a byte 0x..", .dim))
        }
        if f.danger != .none { body.append(Line("\(g.warning) danger: \(f.danger.rawValue)", .warning)) }
      }
      if let error { body.append(Line(error, .danger)) }
      return Dialog(title: "Edit \(name)", body: body, input: text, choices: choices(d, state))
    case .confirmOptions(let phrase, let error):
      var body: [Line] = []
      guard case .success(let plan)? = state.optionPlan else { return Dialog(title: "Write option bytes?", body: [], choices: choices(d, state)) }
      body += plan.changes.map { Line($0.line, .warning) }
      body.append(Line("The chip resets after each zone is written; dfutui waits for it and reads the bytes back."))
      body += plan.risks.map { Line("\(g.warning) " + $0.description, .danger) }
      body.append(Line("Boot after: " + plan.bootAfter.summary + (plan.bootAfter.bootloaderReachable ? "" : " — DFU UNREACHABLE"),
                       plan.bootAfter.bootloaderReachable ? .plain : .danger))
      if plan.risks.contains(.readProtectionLevel2) {
        body.append(Line("Type exactly: \(OptionByteChangePlan.irreversiblePhrase)", .bold))
        if let error { body.append(Line(error, .danger)) }
        return Dialog(title: "IRREVERSIBLE: write option bytes?", body: body, input: phrase,
                      choices: choices(d, state), style: .danger)
      }
      return Dialog(title: "Write option bytes?", body: body, choices: choices(d, state),
                    style: plan.risks.isEmpty ? .plain : .warning)
    case .gotoAddress(let text, let error):
      var body = [Line("Address (hex) to show; its sector is read.")]
      if let error { body.append(Line(error, .danger)) }
      return Dialog(title: "Go to address", body: body, input: text, choices: choices(d, state))
    case .rawAddress(let path, let text, let error):
      var body = [Line("\(path.split(separator: "/").last.map(String.init) ?? path) is raw data: it holds no address.")]
      body.append(Line("Address of its first byte (0x-prefixed hex, inside writable memory):", .dim))
      if let map = state.selectedDevice?.map(state.flash.alternate) {
        body += map.segments.filter { $0.access.contains(.writable) }.prefix(3).map {
          Line("  \(map.name): \(hex32($0.start))–\(hex32(UInt32(truncatingIfNeeded: $0.end - 1)))", .dim)
        }
      }
      if let error { body.append(Line(error, .danger)) }
      return Dialog(title: "Address for raw data", body: body, input: text, choices: choices(d, state))
    }
  }

  /// The keys that work in dialog `d` (``dialogKey(_:_:)``): its choices line and the footer show the same.
  public static func keys(_ d: DialogState, _ state: AppState) -> [KeyHint] {
    switch d {
    case .confirmFlash: return [KeyHint("y/Enter", "flash"), KeyHint("n/Esc", "cancel")]
    case .confirmQuit: return [KeyHint("y/Enter", "quit"), KeyHint("n/Esc", "stay")]
    case .confirmCancel: return [KeyHint("y/Enter", "cancel it"), KeyHint("n/Esc", "keep going")]
    case .confirmBatch(let mode): return [KeyHint("y/Enter", mode == .loop ? "start the loop" : "flash them"), KeyHint("n/Esc", "cancel")]
    case .confirmStopBatch:
      return [KeyHint("y/Enter", state.batch.mode == .loop ? "stop" : "cancel them"), KeyHint("n/Esc", "keep going")]
    case .editOption: return [KeyHint("Enter", "set (pending)"), KeyHint("Esc", "cancel")]
    case .confirmOptions:
      guard case .success(let plan)? = state.optionPlan else { return [KeyHint("any key", "close")] }
      if plan.risks.contains(.readProtectionLevel2) {
        return [KeyHint("Enter", "write (phrase required)"), KeyHint("Esc", "cancel")]
      }
      return [KeyHint("y/Enter", "write"), KeyHint("n/Esc", "cancel")]
    case .gotoAddress: return [KeyHint("Enter", "go"), KeyHint("Esc", "cancel")]
    case .rawAddress: return [KeyHint("Enter", "load"), KeyHint("Ctrl-U", "clear"), KeyHint("Esc", "cancel")]
    }
  }

  static func choices(_ d: DialogState, _ state: AppState) -> String {
    keys(d, state).map { "\($0.key) \($0.action)" }.joined(separator: "   ")
  }

  public static func render(_ d: DialogState, _ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    dialog(d, state, buffer.glyphs).render(area, &buffer)
  }
}
