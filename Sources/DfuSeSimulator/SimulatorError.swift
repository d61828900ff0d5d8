/// Why a simulated board's state could not be saved or restored.
public enum SimulatorError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A file or directory could not be created, read or written.
  case io(path: String, reason: String)
  /// A state file is missing a field, has the wrong size or cannot be decoded.
  case corruptState(path: String, reason: String)
  /// The state names a profile that is not built in.
  case unknownProfile(String)
  /// The state belongs to another part than the one asked for.
  case profileMismatch(saved: String, requested: String)
  /// The state was written by a newer, incompatible format.
  case unsupportedFormat(Int)

  public var description: String {
    switch self {
    case .io(let path, let reason):
      return "cannot access simulator state \(path): \(reason)"
    case .corruptState(let path, let reason):
      return "simulator state \(path) is damaged: \(reason). Delete the state directory to start from a factory-fresh board"
    case .unknownProfile(let name):
      let known = SimulatedProfile.all.map(\.name).joined(separator: ", ")
      return "unknown simulated part \"\(name)\" (known: \(known))"
    case .profileMismatch(let saved, let requested):
      return "the saved simulator state is a \(saved), not a \(requested). Use another state directory or --simulate \(saved)"
    case .unsupportedFormat(let version):
      return "simulator state format \(version) is not supported by this version of dfutui"
    }
  }
}
