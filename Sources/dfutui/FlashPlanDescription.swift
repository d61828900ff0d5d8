import DfuSe

/// How a flash plan and its result are shown on the terminal.
enum FlashPlanDescription {
  /// The plan, on stderr, before anything is sent.
  static func print(_ plan: FlashPlan, options: FlashOptions, file: String) {
    var chip = "Chip: \(plan.chip.name)"
    if let v = plan.chip.bootloaderVersion { chip += ", DfuSe bootloader \(v)" }
    Console.error(chip + ", \(plan.flashWordSize)-byte flash words.")
    for e in plan.errata { Console.error("  erratum \(e.id): \(e.problem) → \(e.workaround)") }
    let sectors = plan.sectors
    let first = sectors.first!.sector, last = sectors.last!.sector
    var text = "Plan: \(plan.image.byteCount) bytes from \(file) in \(plan.image.segments.count) segment"
      + (plan.image.segments.count == 1 ? "" : "s")
    text += "; \(sectors.count) sector\(sectors.count == 1 ? "" : "s") \(hex32(first.address))–\(hex32(UInt32(last.end - 1)))"
    text += options.differential ? " (only those that differ are erased)" : ""
    text += "; \(plan.runs.count) write run\(plan.runs.count == 1 ? "" : "s"), \(plan.programmedBytes) bytes"
    let padding = plan.programmedBytes - plan.image.byteCount
    if padding > 0 { text += " incl. \(padding) bytes of padding" }
    if let boot = plan.bootSector { text += "; vector-table sector \(hex32(boot.address)) erased first, written last" }
    text += options.verify ? "; verify." : "; NO verify."
    Console.error(text)
    Console.error("Erase: " + ErasePlanner.proposal(plan, options: options).reason + ".")
    if plan.bytesErasedOutsideImage > 0 && !options.preserve {
      Console.error("note: erasing these sectors also clears \(plan.bytesErasedOutsideImage) bytes outside the image "
                    + "(--preserve keeps them).")
    }
  }

  /// The result, on stdout.
  static func print(_ r: FlashReport, plan: FlashPlan) {
    let verb = r.programmedBytes == 0 ? (r.verified ? "Nothing to write; verified" : "Nothing written")
      : r.verified ? "Wrote and verified" : "Wrote (NOT verified)"
    var line = "\(verb) \(r.imageBytes) bytes at \(hex32(plan.image.lowestAddress!)) in \(r.elapsed.secondsText)"
    line += " (\(r.actionSummary)"
    if r.skippedBytes > 0 { line += ", \(r.skippedBytes) bytes already in place" }
    line += ")."
    Console.out(line)
    if let erase = r.erase, erase.strategy != .none { Console.out("  Erase: \(erase.reason).") }
    var programmed = "\(r.programmedBytes) bytes programmed"
    if r.erasedBytesSkipped > 0 { programmed += " (\(r.erasedBytesSkipped) bytes already erased were skipped, and verified)" }
    Console.out("  USB \(r.usbTime.secondsText), device busy \(r.deviceBusyTime.secondsText), "
                + "host waiting \(r.hostWaitTime.secondsText), \(programmed).")
  }
}
