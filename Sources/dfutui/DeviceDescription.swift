import DfuSe

/// How devices are shown by `list` and in selection errors.
enum DeviceDescription {
  /// `0483:df11 path 1-1 serial 356A… "STM32  BOOTLOADER" bcdDevice 0x2200`
  static func oneLine(_ d: DFUDeviceInfo) -> String {
    var parts = ["\(d.vidPid)", "path \(d.path)"]
    parts.append("serial \(d.serialNumber ?? "?")")
    if let p = d.product { parts.append("\"\(p)\"") }
    parts.append("bcdDevice 0x\(hex4(d.deviceRelease))")
    if !d.isDFUMode { parts.append("(runtime interface)") }
    return parts.joined(separator: "  ")
  }

  /// The multi-line `list` entry: identity, then one line per alternate setting and segment.
  static func block(_ d: DFUDeviceInfo, family: String? = nil) -> [String] {
    var lines = [oneLine(d)]
    if d.isDFUMode { lines += chip(d, family: family) }
    if let m = d.manufacturer { lines.append("  manufacturer \(m)") }
    if let reason = d.stringsUnavailableReason { lines.append("  strings unavailable: \(reason)") }
    if let f = d.functionalDescriptor {
      let kind = f.isDfuSe ? "DfuSe 1.1a" : "DFU \(f.dfuVersion >> 8).\(hex2(UInt8(f.dfuVersion & 0xFF)))"
      lines.append("  \(kind), wTransferSize \(f.transferSize), attributes 0x\(hex2(f.attributes.rawValue))")
    }
    for alt in d.alternateSettings {
      guard let map = try? alt.memoryMap() else {
        lines.append("  alt \(alt.number)  \(alt.name.map { "\"\($0)\"" } ?? "(no name)")")
        continue
      }
      lines.append("  alt \(alt.number)  \(map.name)")
      lines.append(contentsOf: map.summary.map { "         " + $0 })
    }
    return lines
  }

  /// `  chip STM32L47x/L48x or STM32L49x/L4Ax (1 MiB), ambiguous: …` plus the candidates' hint.
  static func chip(_ d: DFUDeviceInfo, family: String?) -> [String] {
    guard let identity = try? ChipIdentity.identify(d, family: family) else {
      return ["  chip: --family \(family ?? "") does not fit; \(ChipIdentity.identify(d).summary)"]
    }
    var lines = ["  chip \(identity.summary)"]
    if identity.certainty == .ambiguous {
      lines.append("       candidates: " + identity.candidates.map(\.name).joined(separator: ", "))
    }
    if identity.certainty != .certain, identity.certainty != .unrecognised {
      lines.append("       from: " + identity.clues.joined(separator: "; "))
    }
    return lines
  }

  static func hex4(_ v: UInt16) -> String { pad(String(v, radix: 16), 4) }
  static func hex2(_ v: UInt8) -> String { pad(String(v, radix: 16), 2) }
  static func pad(_ s: String, _ n: Int) -> String { String(repeating: "0", count: max(0, n - s.count)) + s }
}
