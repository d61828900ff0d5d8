import DfuSe

/// The `result` of `info --json`: what a firmware file holds (no device involved,
/// so the envelope has no `device`).
struct InfoJSON: Encodable {
  var file: String
  var format: String
  var formatName: String
  var suffix: Suffix?
  var targets: [Target]
  var flashWordSize: Int
  var warnings: [String]
  var notes: [String]

  struct Suffix: Encodable {
    var vendorID: UInt16
    var productID: UInt16
    var bcdDevice: UInt16
    var bcdDFU: UInt16
  }

  struct Target: Encodable {
    var alternateSetting: UInt8?
    var name: String?
    var bytes: Int
    var segments: [Segment]
    var entryPoint: UInt32?
    var vectorTable: Vectors?

    init(_ target: FirmwareTarget, vectorTable: VectorTable?) {
      alternateSetting = target.alternateSetting
      name = target.name
      bytes = target.image.byteCount
      segments = target.image.segments.map { s in
        Segment(address: s.address, addressHex: hex32(s.address), length: s.bytes.count, crc32: CRC32.checksum(s.bytes))
      }
      entryPoint = target.image.entryPoint
      self.vectorTable = vectorTable.map { vt in
        Vectors(address: vt.address, initialStackPointer: vt.initialStackPointer, resetVector: vt.resetVector,
                problems: vt.problems)
      }
    }
  }

  struct Segment: Encodable {
    var address: UInt32
    var addressHex: String
    var length: Int
    var crc32: UInt32
  }

  struct Vectors: Encodable {
    var address: UInt32
    var initialStackPointer: UInt32
    var resetVector: UInt32
    var problems: [String]
  }

  init(file: String, loaded: LoadedFirmware, targets: [Target], flashWordSize: Int,
       warnings: [String], notes: [String]) {
    self.file = file
    format = loaded.format.rawValue
    formatName = loaded.format.displayName
    suffix = loaded.suffix.map { Suffix(vendorID: $0.vendorID, productID: $0.productID, bcdDevice: $0.bcdDevice, bcdDFU: $0.bcdDFU) }
    self.targets = targets
    self.flashWordSize = flashWordSize
    self.warnings = warnings
    self.notes = notes
  }
}
