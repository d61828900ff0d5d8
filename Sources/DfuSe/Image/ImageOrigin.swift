/// Where bytes of a firmware image came from, for error messages and `info`.
public struct ImageOrigin: Hashable, Sendable, CustomStringConvertible {
  /// A place inside a file.
  public enum Location: Hashable, Sendable, CustomStringConvertible {
    case line(Int)
    case record(Int)
    case section(String)
    case offset(Int)
    /// DfuSe file: target index and element index (0-based).
    case element(target: Int, element: Int)

    public var description: String {
      switch self {
      case .line(let n): return "line \(n)"
      case .record(let n): return "record \(n)"
      case .section(let name): return "section \(name)"
      case .offset(let n): return "offset 0x\(String(n, radix: 16, uppercase: true))"
      case .element(let t, let e): return "target \(t) element \(e)"
      }
    }
  }

  public var file: String
  public var location: Location

  public init(file: String, location: Location) {
    self.file = file
    self.location = location
  }

  public var description: String { "\(file) \(location)" }
}

/// A contiguous run of bytes in a segment that came from one source in one go
/// (for example HEX lines 2–4097 of one file).
public struct ImagePiece: Hashable, Sendable {
  public var address: UInt32
  public var count: Int
  public var origin: ImageOrigin
  /// The last location that contributed, when the piece grew over several records.
  public var lastLocation: ImageOrigin.Location?

  public init(address: UInt32, count: Int, origin: ImageOrigin, lastLocation: ImageOrigin.Location? = nil) {
    self.address = address
    self.count = count
    self.origin = origin
    self.lastLocation = lastLocation
  }

  /// `app.hex line 2` or `app.hex line 2 – line 4097`.
  public var sourceDescription: String {
    guard let lastLocation, lastLocation != origin.location else { return origin.description }
    return "\(origin) – \(lastLocation)"
  }
}
