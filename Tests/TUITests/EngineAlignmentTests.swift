import DfuSe
import Foundation
import Testing
@testable import TUI

/// What the engine's newer rules ask of the TUI (issue 12 → issue 13): raw data
/// needs an address, read-only option fields, the chip's certainty, the erase
/// strategy, the DFU-suffix check, and footers that show each dialog's keys.
@Suite struct EngineAlignmentTests {
  func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dfutui-align-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  // MARK: 1. Raw data needs an address

  @Test func aRawBinaryWithoutAddressAsksForItAndReloads() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("app.bin").path
    try Data(Fixtures.image().segments[0].bytes).write(to: URL(fileURLWithPath: path))
    let event = FileService().load(path, rawAddress: nil)
    guard case .fileNeedsAddress(_, let message) = event else { Issue.record("\(event)"); return }
    #expect(message.contains("--address"))

    var s = Fixtures.state()
    s.screen = .flash
    _ = update(&s, event)
    #expect(s.flash.fileError == message)
    // Prefilled with the start of the selected board's flash.
    #expect(s.dialog == .rawAddress(path: path, text: "0x08000000", error: nil))
    #expect(AppView.render(s).text.contains("Address for raw data"))
    // Validated like --address: 0x hex, inside writable memory.
    Fixtures.press(&s, [.ctrl("u")] + Fixtures.type("8000000") + [.enter])
    guard case .rawAddress(_, _, let e1?)? = s.dialog else { Issue.record("\(String(describing: s.dialog))"); return }
    #expect(e1.contains("0x-prefixed hex"))
    Fixtures.press(&s, [.ctrl("u")] + Fixtures.type("0x20000000") + [.enter])
    guard case .rawAddress(_, _, let e2?)? = s.dialog else { Issue.record("\(String(describing: s.dialog))"); return }
    #expect(e2.contains("outside \"Internal Flash\""))
    let effects = Fixtures.press(&s, [.ctrl("u")] + Fixtures.type("0x08004000") + [.enter])
    #expect(effects == [.loadFile(path: path, rawAddress: 0x0800_4000)])
    #expect(s.dialog == nil && s.flash.rawAddress == 0x0800_4000)
    // The reload with the address gives a file placed there.
    guard case .fileLoaded(let file) = FileService().load(path, rawAddress: 0x0800_4000) else { Issue.record("no load"); return }
    #expect(file.image.segments[0].address == 0x0800_4000)
  }

  @Test func theAddressDialogOpenedBeforeAnyBoardIsPrefilledWhenOneArrives() {
    var s = AppState(width: 80, height: 24, directory: "/fw")
    _ = update(&s, .fileNeedsAddress(path: "/fw/app.bin", message: "app.bin is a raw binary"))
    #expect(s.dialog == .rawAddress(path: "/fw/app.bin", text: "0x", error: nil))
    _ = update(&s, .devices([Fixtures.device()]))
    #expect(s.dialog == .rawAddress(path: "/fw/app.bin", text: "0x08000000", error: nil))
    // `a` asks again after Esc.
    Fixtures.press(&s, [.escape])
    s.screen = .flash
    #expect(s.dialog == nil)
    Fixtures.press(&s, [.char("a")])
    #expect(s.dialog != nil)
  }

  @Test func anUnrecognisedFileSaysWhatItLooksLike() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("notes.txt").path
    try Data("hello, this is a note\nnot firmware\n".utf8).write(to: URL(fileURLWithPath: path))
    guard case .fileFailed(_, let message) = FileService().load(path, rawAddress: 0x0800_0000) else { Issue.record("loaded"); return }
    #expect(message.contains("not a firmware file") && message.contains("looks like"))
    var s = Fixtures.flashState()
    _ = update(&s, .fileFailed(path: path, message: message))
    #expect(s.dialog == nil)
    #expect(AppView.render(s).text.contains("looks like"))
  }

  // MARK: 2. Read-only option fields

  @Test func enterOnAReadOnlyFieldShowsWhyInsteadOfTheEditor() throws {
    var s = Fixtures.optionsState()
    let fields = s.optionFields
    let i = try #require(fields.firstIndex { $0.field.readOnlyReason != nil })
    s.options.fields.selected = i
    Fixtures.press(&s, [.enter])
    #expect(s.dialog == nil)
    #expect(s.status.contains("\(fields[i].field.name) is read-only: it \(fields[i].field.readOnlyReason!)"))
    let row = AppView.render(s).text.split(separator: "\n").first { $0.contains(" \(fields[i].field.name) ") }
    #expect(row?.contains(" ro ") == true)
    // An editable field still opens the editor.
    s.options.fields.selected = try #require(fields.firstIndex { $0.field.readOnlyReason == nil && $0.field.danger == .none })
    Fixtures.press(&s, [.enter])
    guard case .editOption? = s.dialog else { Issue.record("no editor"); return }
  }

  // MARK: 3. Every dialog's footer shows its own keys

  @Test func everyDialogsFooterShowsTheKeysThatWorkThere() {
    var s = Fixtures.optionsState()
    s.flash.file = Fixtures.file()
    s.options.edited = try! { var e = s.options.read!; try e.set(e.layout.field(named: "nRST_STOP")!, to: 0); return e }()
    let dialogs: [DialogState] = [.confirmFlash, .confirmQuit, .confirmCancel, .editOption(field: "nRST_STOP", text: "", error: nil),
                                  .confirmOptions(phrase: "", error: nil), .gotoAddress(text: "0x", error: nil),
                                  .rawAddress(path: "/fw/app.bin", text: "0x", error: nil)]
    for d in dialogs {
      s.dialog = d
      let keys = DialogView.keys(d, s)
      #expect(AppView.hints(s) == keys, "\(d)")
      let screen = AppView.render(s).text
      let footer = screen.split(separator: "\n").last.map(String.init) ?? ""
      for k in keys { #expect(footer.contains("\(k.key) \(k.action)") && screen.contains("\(k.key) \(k.action)"), "\(d): \(k)") }
      // Esc is always listed and always closes the dialog.
      #expect(keys.contains { $0.key.contains("Esc") }, "\(d)")
      var t = s
      t.job = JobState(deviceID: s.selectedDeviceID!, kind: .flash, started: 0)
      _ = update(&t, .key(.escape))
      #expect(t.dialog == nil, "\(d)")
    }
    s.dialog = .editOption(field: "nRST_STOP", text: "", error: nil)
    #expect(!AppView.render(s).text.contains("y/Enter yes"))
  }
}
