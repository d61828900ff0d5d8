import ArgumentParser
import DfuSe
import Foundation

/// `dfutui list`: every DFU device with its alternate settings and memory map.
struct ListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List DFU devices and their memory maps.")

  @OptionGroup var device: DeviceOptions
  @Flag(help: "Print JSON instead of a table.") var json = false

  func run() throws {
    JSONOutput.begin("list", enabled: json)
    let context = try DeviceContext(device)
    let devices = try context.matchingDevices()
    if json {
      let family = device.family
      JSONOutput.succeed(ListJSON(devices: devices.map { DeviceJSON($0, family: family) }))
      return
    }
    if devices.isEmpty {
      Console.out("No DFU devices found. Put the board in the ROM bootloader (BOOT0 high, then reset).")
      return
    }
    for (i, d) in devices.enumerated() {
      if i > 0 { Console.out("") }
      DeviceDescription.block(d, family: device.family).forEach(Console.out)
    }
  }
}

/// The `result` of `list --json`.
struct ListJSON: Encodable {
  var devices: [DeviceJSON]
}

/// One device in `list --json`: the envelope's device fields, its DFU interface, the chip
/// identification and every alternate setting with its parsed memory map.
struct DeviceJSON: Encodable {
  struct Segment: Encodable {
    var address: UInt32
    var addressHex: String
    var length: UInt64
    var sectorSize: UInt32
    var sectorCount: Int
    var readable: Bool
    var erasable: Bool
    var writable: Bool
  }
  struct Alt: Encodable {
    var alt: UInt8
    /// The alternate setting's string exactly as the device reports it.
    var name: String?
    var memoryName: String?
    var segments: [Segment]?
  }
  struct Chip: Encodable {
    var name: String
    /// `certain`, `likely`, `ambiguous` or `unrecognised` (ChipIdentity).
    var certainty: String
    var candidates: [String]
    var bootloaderVersion: String?
  }
  /// The same fields as the envelope's `device` (``JSONDevice``), written at this level.
  var identity: JSONDevice
  var manufacturer: String?
  var interface: UInt8
  var dfuMode: Bool
  var transferSize: UInt16?
  var dfuVersion: UInt16?
  /// Absent for a device in runtime (application) mode.
  var chip: Chip?
  var alternateSettings: [Alt]

  init(_ d: DFUDeviceInfo, family: String?) {
    identity = JSONDevice(d)
    manufacturer = d.manufacturer
    interface = d.interfaceNumber
    dfuMode = d.isDFUMode
    transferSize = d.functionalDescriptor?.transferSize
    dfuVersion = d.functionalDescriptor?.dfuVersion
    if d.isDFUMode {
      let identity = (try? ChipIdentity.identify(d, family: family)) ?? ChipIdentity.identify(d)
      chip = Chip(name: identity.name, certainty: identity.certainty.rawValue, candidates: identity.candidates.map(\.name),
                  bootloaderVersion: identity.profile.bootloaderVersion)
    }
    alternateSettings = d.alternateSettings.map { a in
      let map = try? a.memoryMap()
      return Alt(alt: a.number, name: a.name, memoryName: map?.name, segments: map?.segments.map { s in
        Segment(address: s.start, addressHex: hex32(s.start), length: s.end - UInt64(s.start), sectorSize: s.sectorSize,
                sectorCount: s.sectorCount, readable: s.access.contains(.readable),
                erasable: s.access.contains(.erasable), writable: s.access.contains(.writable))
      })
    }
  }

  private enum CodingKeys: String, CodingKey {
    case manufacturer, interface, dfuMode, transferSize, dfuVersion, chip, alternateSettings
  }

  /// One flat object: the envelope's device keys and the listing's own.
  func encode(to encoder: any Encoder) throws {
    try identity.encode(to: encoder)
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encodeIfPresent(manufacturer, forKey: .manufacturer)
    try c.encode(interface, forKey: .interface)
    try c.encode(dfuMode, forKey: .dfuMode)
    try c.encodeIfPresent(transferSize, forKey: .transferSize)
    try c.encodeIfPresent(dfuVersion, forKey: .dfuVersion)
    try c.encodeIfPresent(chip, forKey: .chip)
    try c.encode(alternateSettings, forKey: .alternateSettings)
  }
}
