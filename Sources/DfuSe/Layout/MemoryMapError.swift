/// Why an alternate-setting string is not a usable DfuSe memory map.
/// Every case names the offending text.
public enum MemoryMapError: Error, Hashable, Sendable, CustomStringConvertible {
  /// No leading `@` or no `/` after the name.
  case notAMemoryMap(text: String)
  /// A zone address that is not `0x` followed by 1–8 hex digits.
  case badAddress(text: String)
  /// A sector description that is not `count*size[mult]type`.
  case badSectors(text: String, reason: String)
  /// An address followed by no sector description.
  case emptyZone(address: String)
  /// A zone that runs past 0xFFFFFFFF.
  case addressOverflow(text: String)

  public var description: String {
    switch self {
    case .notAMemoryMap(let text):
      return "\"\(text)\" is not a DfuSe memory map (expected \"@Name/0xADDRESS/count*size[B|K|M]type,…\")"
    case .badAddress(let text):
      return "bad zone address \"\(text)\" in memory map (expected 0x followed by up to 8 hex digits)"
    case .badSectors(let text, let reason):
      return "bad sector description \"\(text)\" in memory map: \(reason)"
    case .emptyZone(let address):
      return "zone at \(address) in memory map lists no sectors"
    case .addressOverflow(let text):
      return "memory map zone \"\(text)\" runs past the end of the 32-bit address space"
    }
  }
}
