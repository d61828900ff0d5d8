import DfuSe
import DfuSeSimulator
@testable import TUI

/// A simulated STM32L476 on a simulated bus (virtual clock), and app states built from it.
enum Fixtures {
  static func bus(_ profile: SimulatedProfile = .stm32l476) -> SimulatedBus {
    SimulatedBus(boards: [SimulatedSTM32(profile: profile, clock: VirtualClock(), serialNumber: "2079TEST0001")])
  }

  static func device(_ profile: SimulatedProfile = .stm32l476) -> DeviceSummary {
    DeviceSummary(info: bus(profile).devices()[0])
  }

  /// The factory option bytes of the simulated board.
  static func optionBytes(_ profile: SimulatedProfile = .stm32l476) -> OptionBytes {
    let b = bus(profile)
    let info = b.devices()[0]
    let family = ChipIdentity.identify(info).optionBytes!
    return try! OptionBytes(family: family, zones: b.boards[0].optionBytes)
  }

  /// 4 KiB + 16 B of "application" at the flash start: SP, reset vector, then a pattern.
  static func image(bytes count: Int = 4096 + 16) -> FirmwareImage {
    var bytes: [UInt8] = [0x00, 0x80, 0x01, 0x20, 0x01, 0x01, 0x00, 0x08]
    bytes += (0..<(count - 8)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    return try! FirmwareImage(bytes: bytes, at: 0x0800_0000, origin: ImageOrigin(file: "app.bin", location: .offset(0)))
  }

  /// `image` as a raw file's parse (one target, no suffix).
  static func firmware(_ image: FirmwareImage = image()) -> LoadedFirmware {
    LoadedFirmware(format: .raw, targets: [FirmwareTarget(image: image)])
  }

  static func file() -> LoadedFile {
    LoadedFile(path: "/fw/app.bin", firmware: firmware(),
               image: image(), fileSize: 4104, crc32: 0x1234_ABCD, warnings: [], modified: 0)
  }

  /// A state with the board listed and selected.
  static func state(width: Int = 80, height: Int = 24) -> AppState {
    var s = AppState(width: width, height: height, directory: "/fw")
    _ = update(&s, .devices([device()]))
    s.log = []
    s.status = ""
    return s
  }

  /// The state on the Options screen with the option bytes read.
  static func optionsState(width: Int = 80, height: Int = 24) -> AppState {
    var s = state(width: width, height: height)
    s.screen = .options
    s.options.read = optionBytes()
    s.options.edited = s.options.read
    return s
  }

  /// The state on the Flash screen with a file loaded.
  static func flashState(width: Int = 80, height: Int = 24) -> AppState {
    var s = state(width: width, height: height)
    s.screen = .flash
    _ = update(&s, .directoryListed(path: "/fw", entries: [DirectoryEntry(name: "app.bin", isDirectory: false, size: 4104),
                                                          DirectoryEntry(name: "app.hex", isDirectory: false, size: 11590),
                                                          DirectoryEntry(name: "build", isDirectory: true)]))
    _ = update(&s, .fileLoaded(file()))
    s.log = []
    return s
  }

  /// Sends keys one after the other; returns every effect.
  @discardableResult
  static func press(_ state: inout AppState, _ keys: [Key]) -> [Effect] {
    keys.flatMap { update(&state, .key($0)) }
  }

  static func type(_ text: String) -> [Key] { text.map { Key.char($0) } }
}
