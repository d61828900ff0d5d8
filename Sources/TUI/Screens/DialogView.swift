public import DfuSe

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
        }
        let o = state.flash.options
        body.append(Line((o.verify ? "Verifies by read-back" : "NO verify") + (state.flash.leave ? "; then leaves DFU and starts the application." : "."),
                         o.verify ? .plain : .warning))
      }
      return Dialog(title: "Flash?", body: body, choices: "y/Enter flash   n/Esc cancel")
    case .confirmQuit:
      return Dialog(title: "Quit?", body: [Line("A job is running. Quitting cancels it between two USB transfers; the board stays in DFU "
                                                + "(a flash with diff resumes).", .warning)], choices: "y quit   n/Esc stay", style: .warning)
    case .confirmCancel:
      return Dialog(title: "Cancel the flash?", body: [Line("The job stops between two USB transfers. Sectors already erased stay "
                                                            + "blank; flash again with d (diff) to finish.", .warning)],
                    choices: "y cancel it   n/Esc keep going", style: .warning)
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
      return Dialog(title: "Edit \(name)", body: body, input: text, choices: "Enter set (pending)   Esc cancel")
    case .confirmOptions(let phrase, let error):
      var body: [Line] = []
      guard case .success(let plan)? = state.optionPlan else { return Dialog(title: "Write option bytes?", body: [], choices: "Esc") }
      body += plan.changes.map { Line($0.line, .warning) }
      body.append(Line("The chip resets after each zone is written; dfutui waits for it and reads the bytes back."))
      body += plan.risks.map { Line("\(g.warning) " + $0.description, .danger) }
      body.append(Line("Boot after: " + plan.bootAfter.summary + (plan.bootAfter.bootloaderReachable ? "" : " — DFU UNREACHABLE"),
                       plan.bootAfter.bootloaderReachable ? .plain : .danger))
      if plan.risks.contains(.readProtectionLevel2) {
        body.append(Line("Type exactly: \(OptionByteChangePlan.irreversiblePhrase)", .bold))
        if let error { body.append(Line(error, .danger)) }
        return Dialog(title: "IRREVERSIBLE: write option bytes?", body: body, input: phrase,
                      choices: "Enter write (phrase required)   Esc cancel", style: .danger)
      }
      return Dialog(title: "Write option bytes?", body: body, choices: "y/Enter write   n/Esc cancel",
                    style: plan.risks.isEmpty ? .plain : .warning)
    case .gotoAddress(let text, let error):
      var body = [Line("Address (hex) to show; its sector is read.")]
      if let error { body.append(Line(error, .danger)) }
      return Dialog(title: "Go to address", body: body, input: text, choices: "Enter go   Esc cancel")
    }
  }

  public static func render(_ d: DialogState, _ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    dialog(d, state, buffer.glyphs).render(area, &buffer)
  }
}
