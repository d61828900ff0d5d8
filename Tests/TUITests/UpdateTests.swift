import DfuSe
import Testing
@testable import TUI

/// Key sequences through `update`: what each key does, as effects, with no terminal or device.
@Suite struct UpdateTests {
  @Test func numbersAndTabSwitchScreens() {
    var s = Fixtures.state()
    Fixtures.press(&s, [.char("4")])
    #expect(s.screen == .flash)
    Fixtures.press(&s, [.tab])
    #expect(s.screen == .log)
    Fixtures.press(&s, [.tab])
    #expect(s.screen == .batch)
    Fixtures.press(&s, [.tab])
    #expect(s.screen == .devices)
    Fixtures.press(&s, [.backTab])
    #expect(s.screen == .batch)
    Fixtures.press(&s, [.char("6")])
    #expect(s.screen == .batch)
  }

  @Test func optionsScreenReadsTheOptionBytesOnce() {
    var s = Fixtures.state()
    let effects = Fixtures.press(&s, [.char("3")])
    #expect(effects == [.readOptionBytes(deviceID: s.selectedDeviceID!)])
    #expect(s.job?.kind == .readOptions)
  }

  @Test func editOptionDiffConfirmWrite() throws {
    var s = Fixtures.optionsState()
    let i = try #require(s.optionFields.firstIndex { $0.field.name == "IWDG_SW" })
    s.options.fields.selected = i
    #expect(Fixtures.press(&s, [.enter]).isEmpty)
    #expect(s.dialog == .editOption(field: "IWDG_SW", text: "", error: nil))
    Fixtures.press(&s, Fixtures.type("0") + [.enter])
    #expect(s.dialog == nil)
    let plan = try #require(try s.optionPlan?.get())
    #expect(plan.changes.map(\.field.name) == ["IWDG_SW"])
    #expect(AppView.render(s).text.contains("Pending (1)"))
    #expect(Fixtures.press(&s, [.char("w")]).isEmpty)
    #expect(s.dialog == .confirmOptions(phrase: "", error: nil))
    #expect(AppView.render(s).text.contains("Write option bytes?"))
    let effects = Fixtures.press(&s, [.char("y")])
    #expect(effects == [.writeOptionBytes(deviceID: s.selectedDeviceID!, before: plan.before, after: plan.after, phrase: nil)])
    #expect(s.job?.kind == .writeOptions)
  }

  @Test func escapeOrNLeavesTheChangePending() {
    var s = Fixtures.optionsState()
    s.options.fields.selected = s.optionFields.firstIndex { $0.field.name == "IWDG_SW" }!
    Fixtures.press(&s, [.enter, .char("0"), .enter, .char("w")])
    #expect(Fixtures.press(&s, [.char("n")]).isEmpty)
    #expect(s.dialog == nil && s.job == nil)
    #expect(s.options.edited != s.options.read)
    Fixtures.press(&s, [.char("u")])
    #expect(s.options.edited == s.options.read)
  }

  @Test func invalidValueIsRefusedInTheDialog() throws {
    var s = Fixtures.optionsState()
    s.options.fields.selected = s.optionFields.firstIndex { $0.field.name == "IWDG_SW" }!
    Fixtures.press(&s, [.enter] + Fixtures.type("7") + [.enter])
    guard case .editOption(_, _, let error?)? = s.dialog else { Issue.record("no error shown"); return }
    #expect(error.contains("1 bit"))
    #expect(s.options.edited == s.options.read)
  }

  @Test func readProtectionLevel2NeedsTheTypedPhrase() throws {
    var s = Fixtures.optionsState()
    s.options.fields.selected = try #require(s.optionFields.firstIndex { $0.field.name == "RDP" })
    Fixtures.press(&s, [.enter] + Fixtures.type("level2") + [.enter, .char("w")])
    let plan = try #require(try s.optionPlan?.get())
    #expect(plan.risks.contains(.readProtectionLevel2))
    #expect(AppView.render(s, glyphs: .unicode).text.contains("IRREVERSIBLE"))
    // y and Enter do not confirm: y is typed into the phrase, Enter checks it.
    #expect(Fixtures.press(&s, [.char("y"), .enter]).isEmpty)
    guard case .confirmOptions(_, let error?)? = s.dialog else { Issue.record("expected a phrase error"); return }
    #expect(error.contains("exactly"))
    Fixtures.press(&s, [.backspace])
    let effects = Fixtures.press(&s, Fixtures.type(OptionByteChangePlan.irreversiblePhrase) + [.enter])
    #expect(effects == [.writeOptionBytes(deviceID: s.selectedDeviceID!, before: plan.before, after: plan.after,
                                          phrase: OptionByteChangePlan.irreversiblePhrase)])
  }

  @Test func bootPredictionFollowsTheEdit() {
    var s = Fixtures.optionsState(width: 120, height: 40)
    #expect(AppView.render(s).text.contains("BOOT0=0 → main flash bank 1"))
    s.options.fields.selected = s.optionFields.firstIndex { $0.field.name == "BFB2" }!
    Fixtures.press(&s, [.enter, .char("1"), .enter])
    #expect(AppView.render(s).text.contains("BOOT0=0 → ROM dual-bank boot"))
  }

  @Test func flashAsksThenStartsThenCancelAsks() throws {
    var s = Fixtures.flashState()
    #expect(Fixtures.press(&s, [.char("f")]).isEmpty)
    #expect(s.dialog == .confirmFlash)
    #expect(Fixtures.press(&s, [.escape]).isEmpty)
    #expect(s.dialog == nil && s.job == nil)
    let effects = Fixtures.press(&s, [.char("f"), .enter])
    let id = s.selectedDeviceID!
    #expect(effects == [.startFlash(FlashRequest(deviceID: id, alternate: 0, firmware: Fixtures.firmware(Fixtures.image()), fileName: "app.bin",
                                                 options: FlashOptions(), leave: false))])
    #expect(s.job?.kind == .flash)
    _ = update(&s, .jobProgress(deviceID: id, OperationProgress(phase: .write, completedBytes: 1024, totalBytes: 4112), at: 1))
    #expect(s.job?.phases.first?.completed == 1024)
    #expect(Fixtures.press(&s, [.char("c")]).isEmpty)
    #expect(s.dialog == .confirmCancel)
    #expect(Fixtures.press(&s, [.char("y")]) == [.cancelJob(deviceID: id)])
    #expect(s.job?.cancelling == true)
    _ = update(&s, .jobFinished(deviceID: id, .flash, .cancelled("stopped between two USB transfers"), at: 2))
    #expect(s.job == nil)
    #expect(AppView.render(s).text.contains("Cancelled"))
  }

  @Test func togglesReachTheRequest() {
    var s = Fixtures.flashState()
    let effects = Fixtures.press(&s, [.char("v"), .char("d"), .char("e"), .char("f"), .char("y")])
    guard case .startFlash(let r)? = effects.first else { Issue.record("no flash"); return }
    #expect(r.options.verify == false && r.options.differential == true && r.leave == true)
  }

  @Test func quitAsksWhileAJobRunsAndCancelsIt() {
    var s = Fixtures.flashState()
    Fixtures.press(&s, [.char("f"), .char("y")])
    #expect(Fixtures.press(&s, [.char("q")]).isEmpty)
    #expect(s.dialog == .confirmQuit)
    #expect(Fixtures.press(&s, [.char("n")]).isEmpty)
    #expect(Fixtures.press(&s, [.ctrl("c")]).isEmpty)
    #expect(s.dialog == .confirmQuit)
    #expect(Fixtures.press(&s, [.char("y")]) == [.cancelJob(deviceID: s.selectedDeviceID!), .quit(code: 0)])
  }

  @Test func quitIsImmediateWhenIdle() {
    var s = Fixtures.state()
    #expect(Fixtures.press(&s, [.char("q")]) == [.quit(code: 0)])
    var t = Fixtures.state()
    #expect(Fixtures.press(&t, [.ctrl("c")]) == [.quit(code: 0)])
    var u = Fixtures.state()
    #expect(update(&u, .signal(15)) == [.quit(code: 143)])
  }

  @Test func unplugDuringAFlashIsShownAndNothingCrashes() {
    var s = Fixtures.flashState()
    Fixtures.press(&s, [.char("f"), .char("y")])
    let id = s.selectedDeviceID!
    #expect(update(&s, .devices([])).isEmpty)
    #expect(s.selectedDevice?.present == false)
    #expect(s.status.contains("UNPLUGGED"))
    #expect(AppView.render(s).text.contains("UNPLUGGED"))
    _ = update(&s, .jobFinished(deviceID: id, .flash, .failed(message: "the board was unplugged (or reset) during the job",
                                                             hint: "Plug it in again.", mismatches: []), at: 3))
    #expect(s.job == nil)
    #expect(Fixtures.press(&s, [.char("f")]).isEmpty)
    #expect(s.dialog == nil)
    // Plugged in again: the same board is usable again.
    _ = update(&s, .devices([Fixtures.device()]))
    #expect(s.selectedDevice?.present == true)
  }

  @Test func memoryEnterReadsTheSelectedSectorAndGoToMovesThere() {
    var s = Fixtures.state()
    s.screen = .memory
    let id = s.selectedDeviceID!
    Fixtures.press(&s, [.down])
    #expect(Fixtures.press(&s, [.enter]) == [.readSector(deviceID: id, alternate: 0, address: 0x0800_0800, count: 2048)])
    _ = update(&s, .jobFinished(deviceID: id, .readSector, .sectorRead(address: 0x0800_0800, bytes: [UInt8](repeating: 0xFF, count: 2048)), at: 1))
    #expect(s.memory.marks[0x0800_0800] == .blank)
    Fixtures.press(&s, [.char("g")])
    let effects = Fixtures.press(&s, [.backspace, .backspace] + Fixtures.type("08004010") + [.enter])
    #expect(effects == [.readSector(deviceID: id, alternate: 0, address: 0x0800_4000, count: 2048)])
    #expect(s.memory.sectors.selected == 8)
    #expect(s.memory.dumpScroll == 1)
  }

  /// `a` shows the next alternate setting (the option bytes on an ST ROM): its own sectors,
  /// read through that alternate setting.
  @Test func memoryACyclesAlternateSettingsAndReadsThroughThem() {
    var s = Fixtures.state()
    s.screen = .memory
    let id = s.selectedDeviceID!
    Fixtures.press(&s, [.char("a")])
    #expect(s.memory.alternate == 1)
    let ob = s.selectedDevice!.map(1)!.sectors[0]
    #expect(Fixtures.press(&s, [.enter]) == [.readSector(deviceID: id, alternate: 1, address: ob.address, count: Int(ob.size))])
    #expect(AppView.render(s).text.contains("alt 1 Option Bytes"))
    let alts = s.selectedDevice!.maps.filter { $0.map != nil }.count
    Fixtures.press(&s, Array(repeating: .char("a"), count: alts - 1))
    #expect(s.memory.alternate == 0, "after the last one it comes back to the flash")
  }

  @Test func goToOutsideTheFlashSaysSo() {
    var s = Fixtures.state()
    s.screen = .memory
    Fixtures.press(&s, [.char("g")] + Fixtures.type("20000000") + [.enter])
    guard case .gotoAddress(_, let error?)? = s.dialog else { Issue.record("expected an error"); return }
    #expect(error.contains("outside"))
  }

  @Test func pathFieldTabCompletes() {
    var s = Fixtures.flashState()
    s.flash.pathField = ""
    Fixtures.press(&s, [.char("/")])
    #expect(s.flash.focus == .pathField)
    #expect(s.flash.pathField == "/fw/")
    Fixtures.press(&s, Fixtures.type("bu") + [.tab])
    #expect(s.flash.pathField == "/fw/build/")
    s.flash.pathField = "/fw/a"
    Fixtures.press(&s, [.tab])
    #expect(s.flash.pathField == "/fw/app.")
    #expect(Fixtures.press(&s, Fixtures.type("hex") + [.enter]) == [.loadFile(path: "/fw/app.hex", rawAddress: nil)])
    // Another directory: listed first, completed when the listing arrives.
    s.flash.focus = .pathField
    s.flash.pathField = "/other/fi"
    #expect(Fixtures.press(&s, [.tab]) == [.listDirectory("/other")])
    _ = update(&s, .directoryListed(path: "/other", entries: [DirectoryEntry(name: "firmware.elf", isDirectory: false)]))
    #expect(s.flash.pathField == "/other/firmware.elf")
  }

  @Test func numbersTypeIntoThePathFieldInsteadOfSwitching() {
    var s = Fixtures.flashState()
    Fixtures.press(&s, [.char("/")] + Fixtures.type("12"))
    #expect(s.screen == .flash)
    #expect(s.flash.pathField.hasSuffix("12"))
  }

  @Test func tooSmallIgnoresKeysButQuit() {
    var s = Fixtures.state(width: 60, height: 20)
    #expect(Fixtures.press(&s, [.char("4"), .char("f")]).isEmpty)
    #expect(s.screen == .devices)
    _ = update(&s, .resize(width: 100, height: 30))
    Fixtures.press(&s, [.char("4")])
    #expect(s.screen == .flash)
  }

  @Test func watchReflashesDifferentiallyWhenTheFileChanges() {
    var s = Fixtures.flashState()
    #expect(Fixtures.press(&s, [.char("w")]) == [.watchFile("/fw/app.bin")])
    let effects = update(&s, .fileLoaded(Fixtures.file()))
    guard case .startFlash(let r)? = effects.first else { Issue.record("no reflash"); return }
    #expect(r.options.differential)
  }

  @Test func mouseClickSelectsATab() {
    var s = Fixtures.state()
    _ = update(&s, .mouse(MouseEvent(.click, x: 14, y: 1)))
    #expect(s.screen == .memory)
  }

  @Test func theBackupToggleSaysWhereBackupsGo() {
    var s = Fixtures.flashState()
    s.flash.backupDirectory = "/bench/backups"
    _ = Fixtures.press(&s, [.char("b")])
    #expect(s.flash.options.backup)
    #expect(s.status.contains("saved first, to a new file in /bench/backups"))
    _ = Fixtures.press(&s, [.char("b")])
    #expect(!s.flash.options.backup && s.status == "Backup off.")
  }
}
