import ArgumentParser
import DfuSe
import Foundation

/// `dfutui list`: every DFU device with its alternate settings and memory map.
struct ListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List DFU devices and their memory maps.")

  @OptionGroup var device: DeviceOptions
  @Flag(help: "Print JSON instead of a table.") var json = false

  func run() throws {
    let context = try DeviceContext(device)
    let devices = try context.matchingDevices()
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      let data = try encoder.encode(devices.map(DeviceJSON.init))
      Console.out(String(decoding: data, as: UTF8.self))
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

/// The `list --json` shape of one device.
struct DeviceJSON: Encodable {
  struct Segment: Encodable {
    var start: String
    var end: String
    var sectorSize: UInt32
    var sectorCount: Int
    var readable: Bool
    var erasable: Bool
    var writable: Bool
  }
  struct Alt: Encodable {
    var alt: UInt8
    var name: String?
    var memoryName: String?
    var segments: [Segment]?
  }
  var vid: String
  var pid: String
  var bcdDevice: String
  var path: String
  var serial: String?
  var manufacturer: String?
  var product: String?
  var interface: UInt8
  var dfuMode: Bool
  var transferSize: UInt16?
  var dfuVersion: String?
  var alternateSettings: [Alt]

  init(_ d: DFUDeviceInfo) {
    vid = DeviceDescription.hex4(d.vendorID)
    pid = DeviceDescription.hex4(d.productID)
    bcdDevice = DeviceDescription.hex4(d.deviceRelease)
    path = d.path
    serial = d.serialNumber
    manufacturer = d.manufacturer
    product = d.product
    interface = d.interfaceNumber
    dfuMode = d.isDFUMode
    transferSize = d.functionalDescriptor?.transferSize
    dfuVersion = d.functionalDescriptor.map { DeviceDescription.hex4($0.dfuVersion) }
    alternateSettings = d.alternateSettings.map { a in
      let map = try? a.memoryMap()
      return Alt(alt: a.number, name: a.name, memoryName: map?.name, segments: map?.segments.map { s in
        Segment(start: hex32(s.start), end: hex32(UInt32(s.end - 1)), sectorSize: s.sectorSize,
                sectorCount: s.sectorCount, readable: s.access.contains(.readable),
                erasable: s.access.contains(.erasable), writable: s.access.contains(.writable))
      })
    }
  }
}
