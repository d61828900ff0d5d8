import DfuSe
import DfuSeSimulator
import Foundation
import Logging
import Testing
@testable import TUI

/// The chip identification on the Devices screen, the erase strategy in the
/// Flash plan and result, and the DFU-suffix check reaching the flash job.
@Suite struct PlanAndIdentityTests {
  // MARK: 4. Chip identity

  @Test func anAmbiguousChipShowsItsCandidatesAndThatFamilyDecides() {
    let s = Fixtures.state(width: 120, height: 40)
    let d = s.devices[0]
    #expect(d.identity.certainty == .ambiguous)  // the L476's descriptors also fit an L49x
    let text = AppView.render(s).text
    #expect(text.contains("Candidates: " + d.identity.candidates.map(\.name).joined(separator: ", ")))
    #expect(text.contains("--family l47 or --family l49"))
    #expect(text.contains("Clues:"))
  }

  @Test func familyNarrowsTheIdentityAndABadOneIsShown() {
    let info = Fixtures.bus().devices()[0]
    let chosen = DeviceSummary(info: info, family: "l476")
    #expect(chosen.identity.certainty == .certain && chosen.familyProblem == nil)
    var s = AppState(width: 120, height: 40, directory: "/fw")
    _ = update(&s, .devices([chosen]))
    let text = AppView.render(s).text
    #expect(text.contains("(--family l476)") && !text.contains("Candidates:"))
    let wrong = DeviceSummary(info: info, family: "f405")
    #expect(wrong.familyProblem?.contains("does not fit this device") == true)
    #expect(wrong.identity == ChipIdentity.identify(info))
  }

  @Test func theServiceIdentifiesWithTheFamilyItWasGiven() {
    let bus = Fixtures.bus()
    let inbox = EngineDeviceServiceTests.Inbox()
    let logger = Logger(label: "test") { _ in LogPaneHandler(level: LogLevelSwitch(.info)) { inbox.post($0) } }
    let service = EngineDeviceService(bus: bus, clock: bus.boards[0].clock, logger: logger, family: "l476",
                                      pollInterval: .milliseconds(50))
    service.start(post: { inbox.post($0) })
    defer { service.shutdown(timeout: .seconds(2)) }
    let listed = inbox.wait { if case .devices(let d) = $0 { return d.first } else { return nil } }
    #expect(listed?.identity.certainty == .certain && listed?.identity.familyOverride == "l476")
  }

  // MARK: 5. Erase strategy

  @Test func thePlanShowsTheEngineProposalAndMTurnsMassEraseOff() {
    var s = Fixtures.flashState(width: 120, height: 40)
    guard case .success(let plan) = s.plan else { Issue.record("no plan"); return }
    let proposal = ErasePlanner.proposal(plan, options: s.flash.options)
    #expect(AppView.render(s).text.contains("Erase: " + proposal.reason.prefix(60)))
    Fixtures.press(&s, [.char("m")])
    #expect(s.flash.options.allowMassErase == false)
    #expect(AppView.render(s).text.contains("mass erase turned off"))
    // With the option bytes read (level 0, no protection) the proposal no longer says "unknown".
    var r = Fixtures.flashState(width: 120, height: 40)
    r.options.read = Fixtures.optionBytes()
    #expect(!AppView.render(r).text.contains("protection state is unknown"))
  }

  @Test func theMassEraseToggleReachesTheFlashRequest() {
    var s = Fixtures.flashState()
    Fixtures.press(&s, [.char("m"), .char("f")])
    let effects = Fixtures.press(&s, [.char("y")])
    guard case .startFlash(let r)? = effects.first else { Issue.record("\(effects)"); return }
    #expect(r.options.allowMassErase == false)
  }

  @Test func theResultPanelShowsTheEraseDecision() {
    var s = Fixtures.flashState()
    Fixtures.press(&s, [.char("f"), .char("y")])
    _ = update(&s, .jobFinished(deviceID: s.selectedDeviceID!, .flash,
                                .flashed(verified: true, summary: "4112 B", actions: [:], left: nil,
                                         erase: "mass erase: the rest read blank"), at: 1))
    let text = AppView.render(s).text
    #expect(text.contains("Erase: mass erase: the rest read blank"))
    #expect(s.log.contains { $0.text == "erase: mass erase: the rest read blank" })
  }

  @Test func aRealFlashReportsItsEraseDecision() {
    let bus = Fixtures.bus()
    let s = EngineDeviceService(bus: bus, clock: bus.boards[0].clock, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    let info = bus.devices()[0]
    let outcome = s.flashJob(FlashRequest(deviceID: DeviceSummary(info: info).id, alternate: 0, firmware: Fixtures.firmware(),
                                          fileName: "app.bin", options: FlashOptions(), leave: false), info)
    guard case .flashed(true, _, _, _, let erase?) = outcome else { Issue.record("\(outcome)"); return }
    #expect(erase.contains("erase"))
  }

  // MARK: 6. DFU suffix for another device

  @Test func aDfuFileForAnotherDeviceIsWarnedInThePlanAndByTheJob() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dfutui-suffix-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("other.dfu").path
    let suffix = DFUSuffix(bcdDevice: 0xFFFF, productID: 0x5740, vendorID: 0x1209)
    let bytes = try DfuSeFileWriter.encode([FirmwareTarget(alternateSetting: 0, image: Fixtures.image())], suffix: suffix).bytes
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    guard case .fileLoaded(let file) = FileService().load(path, rawAddress: nil) else { Issue.record("not loaded"); return }
    #expect(file.suffix?.vendorID == 0x1209)

    var s = Fixtures.flashState(width: 120, height: 40)
    _ = update(&s, .fileLoaded(file))
    #expect(AppView.render(s).text.contains("the file is made for 1209:5740"))
    Fixtures.press(&s, [.char("f")])
    guard case .startFlash(let request)? = Fixtures.press(&s, [.char("y")]).first else { Issue.record("no flash"); return }
    // The request carries the file as loaded (the TUI once rewrapped the image as raw data, losing format and suffix).
    #expect(request.firmware.suffix == suffix)
    #expect(request.firmware.format == .dfuse)
    #expect(EngineDeviceService.jobRequest(request, backupPath: nil).firmware == file.firmware)

    // The job sees it: its warning reaches the log pane.
    let bus = Fixtures.bus()
    let inbox = EngineDeviceServiceTests.Inbox()
    let logger = Logger(label: "test") { _ in LogPaneHandler(level: LogLevelSwitch(.info)) { inbox.post($0) } }
    let service = EngineDeviceService(bus: bus, clock: bus.boards[0].clock, logger: logger)
    let info = bus.devices()[0]
    _ = service.flashJob(request, info)
    let warned = inbox.wait { if case .log(let e) = $0, e.level == .warning, e.text.contains("1209:5740") { return e } else { return nil } }
    #expect(warned != nil)
  }
}
