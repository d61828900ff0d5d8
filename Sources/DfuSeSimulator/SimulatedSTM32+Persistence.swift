#if canImport(FoundationEssentials)
  import FoundationEssentials  // Data, FileManager, JSON coding without ICU: keeps the library's memory small
#else
  import Foundation
#endif
public import DfuSe

/// Saving a board between CLI runs: a directory holding `board.json`
/// (format, profile name, serial number, RDP level for people to read) and
/// raw images: `flash.bin`, `otp.bin`, `option-bytes-N.bin` per zone,
/// `device-feature.bin`, and on L4 parts the program-once bitmaps
/// `flash-programmed.bin` / `otp-programmed.bin` (one bit per 64-bit word,
/// little-endian). SRAM, DFU state and counters are not kept: a restored
/// board is a fresh plug-in with BOOT0 high. The RDP level comes from the
/// option bytes; the JSON copy is informational.
extension SimulatedSTM32 {
  struct SavedBoard: Codable {
    var formatVersion: Int
    var profile: String
    var serialNumber: String
    var readProtectionLevel: Int
  }

  static let stateFormatVersion = 1

  /// Writes the board's persistent memory to `directory` (created if needed).
  public func save(to directory: String) throws(SimulatorError) {
    let snapshot = withCore { core in
      (core.memory.flash, core.memory.otp, core.memory.optionBytes, core.memory.deviceFeature,
       SavedBoard(formatVersion: Self.stateFormatVersion, profile: core.profile.name,
                  serialNumber: core.serialNumber, readProtectionLevel: core.readProtectionLevel))
    }
    let (flash, otp, optionBytes, deviceFeature, saved) = snapshot
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw .io(path: directory, reason: String(describing: error))
    }
    var files: [(String, [UInt8])] = [("flash.bin", flash.bytes), ("otp.bin", otp.bytes),
                                     ("device-feature.bin", deviceFeature)]
    for (zone, bytes) in optionBytes.enumerated() { files.append(("option-bytes-\(zone).bin", bytes)) }
    if flash.wordBytes != nil {
      files.append(("flash-programmed.bin", flash.programmedBitmapBytes))
      files.append(("otp-programmed.bin", otp.programmedBitmapBytes))
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let json = try? encoder.encode(saved) else {
      throw .io(path: directory + "/board.json", reason: "cannot encode the board description")
    }
    files.append(("board.json", Array(json)))
    for (name, bytes) in files {
      let path = directory + "/" + name
      do {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
      } catch {
        throw .io(path: path, reason: String(describing: error))
      }
    }
  }

  /// True when `directory` holds a board saved by ``save(to:)``.
  public static func hasSavedState(in directory: String) -> Bool {
    FileManager.default.fileExists(atPath: directory + "/board.json")
  }

  /// Restores a board saved by ``save(to:)`` that must be a `profile` part.
  /// - Parameter serialNumber: replaces the saved serial when not nil.
  /// - Throws: ``SimulatorError/profileMismatch(saved:requested:)`` when the
  ///   state belongs to another part, or any error of ``init(restoringFrom:clock:faults:)``.
  public convenience init(restoringFrom directory: String, profile: SimulatedProfile, clock: any BlockingClock,
                          serialNumber: String? = nil, faults: SimulatedFaults = .init()) throws(SimulatorError) {
    try self.init(restoringFrom: directory, clock: clock, serialNumber: serialNumber, faults: faults,
                  expecting: profile)
  }

  /// Restores a board saved by ``save(to:)``: same profile, serial, flash,
  /// OTP, option bytes (hence RDP) and L4 programmed-word bitmaps, freshly
  /// enumerated in the ROM.
  public convenience init(restoringFrom directory: String, clock: any BlockingClock,
                          faults: SimulatedFaults = .init()) throws(SimulatorError) {
    try self.init(restoringFrom: directory, clock: clock, serialNumber: nil, faults: faults, expecting: nil)
  }

  private convenience init(restoringFrom directory: String, clock: any BlockingClock, serialNumber: String?,
                           faults: SimulatedFaults, expecting expected: SimulatedProfile?) throws(SimulatorError) {
    let jsonPath = directory + "/board.json"
    let saved: SavedBoard
    do {
      saved = try JSONDecoder().decode(SavedBoard.self, from: Data(Self.readFile(jsonPath)))
    } catch let error as SimulatorError {
      throw error
    } catch {
      throw .corruptState(path: jsonPath, reason: String(describing: error))
    }
    guard saved.formatVersion <= Self.stateFormatVersion else { throw .unsupportedFormat(saved.formatVersion) }
    guard var profile = SimulatedProfile.named(saved.profile) else { throw .unknownProfile(saved.profile) }
    if let expected {
      guard expected.name == profile.name else { throw .profileMismatch(saved: profile.name, requested: expected.name) }
      profile = expected
    }
    var core = SimulatedBoardCore(profile: profile, serialNumber: serialNumber ?? saved.serialNumber, faults: faults)
    func load(_ name: String, count: Int) throws(SimulatorError) -> [UInt8] {
      let path = directory + "/" + name
      let bytes = try Self.readFile(path)
      guard bytes.count == count else {
        throw .corruptState(path: path, reason: "\(bytes.count) bytes where the \(profile.name) has \(count)")
      }
      return bytes
    }
    core.memory.flash.bytes = try load("flash.bin", count: core.memory.flash.count)
    core.memory.otp.bytes = try load("otp.bin", count: core.memory.otp.count)
    core.memory.deviceFeature = try load("device-feature.bin", count: core.memory.deviceFeature.count)
    for zone in core.memory.optionBytes.indices {
      core.memory.optionBytes[zone] = try load("option-bytes-\(zone).bin", count: core.memory.optionBytes[zone].count)
    }
    if core.memory.flash.wordBytes != nil {
      let flashBits = try load("flash-programmed.bin", count: core.memory.flash.programmedBitmapBytes.count)
      let otpBits = try load("otp-programmed.bin", count: core.memory.otp.programmedBitmapBytes.count)
      _ = core.memory.flash.restoreProgrammedBitmap(flashBits)
      _ = core.memory.otp.restoreProgrammedBitmap(otpBits)
    }
    core.counters = SimulatedCounters()
    core.enumerate()
    self.init(profile: profile, clock: clock, core: core)
  }

  /// ``init(restoringFrom:clock:faults:)`` when `directory` holds a saved
  /// board, else a factory-fresh board of `profile`.
  public static func load(from directory: String, orCreate profile: SimulatedProfile, clock: any BlockingClock,
                          faults: SimulatedFaults = .init()) throws(SimulatorError) -> SimulatedSTM32 {
    guard hasSavedState(in: directory) else {
      return SimulatedSTM32(profile: profile, clock: clock, faults: faults)
    }
    return try SimulatedSTM32(restoringFrom: directory, clock: clock, faults: faults)
  }

  private static func readFile(_ path: String) throws(SimulatorError) -> [UInt8] {
    guard FileManager.default.fileExists(atPath: path) else { throw .corruptState(path: path, reason: "file missing") }
    do {
      return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw .io(path: path, reason: String(describing: error))
    }
  }
}
