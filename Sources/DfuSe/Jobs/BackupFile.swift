import Foundation

/// Where `write --backup` saves the sectors about to be erased. Checked
/// before the device is touched (a known extension, no existing file, a
/// writable directory) and created exclusively (O_EXCL), so a backup is never
/// overwritten — not even by a rerun after an interruption, whose "backup"
/// would be a copy of half-erased flash.
public struct BackupFile: Sendable, Hashable {
  /// The container, from the file name's extension.
  public enum Format: String, Sendable, Hashable {
    /// Intel HEX: every piece carries its address (sparse backups restore exactly).
    case hex
    /// DfuSe file: every element carries its address.
    case dfu
    /// Raw bytes: no addresses, so only a contiguous backup can be one.
    case bin
  }

  public let path: String
  public let format: Format

  /// Validates `path` for a backup of `plan`'s sectors.
  /// - Throws: ``JobError/usage(_:)`` for an unknown extension or a `.bin` for
  ///   sectors that are not contiguous (a restore would erase the gap);
  ///   ``JobError/output(_:)`` when the file exists or its directory is missing
  ///   or not writable.
  public init(path: String, for plan: FlashPlan) throws(JobError) {
    guard let format = Self.format(of: path) else {
      throw .usage("--backup \(path): name the file .hex, .dfu or .bin so the format is clear")
    }
    if format == .bin, let gap = Self.firstGap(plan.sectors.map(\.sector)) {
      throw .usage("--backup \(path): the sectors this write erases are not contiguous (a gap at \(hex32(gap))); "
                   + "a .bin cannot say where its pieces go, and restoring it would erase the gap. Use .hex or .dfu")
    }
    let manager = FileManager.default
    if manager.fileExists(atPath: path) {
      throw .output("--backup \(path) already exists; dfutui never overwrites a backup (it may be the only copy "
                    + "of what was on the board). Choose a new file name. Nothing was written")
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw .output("--backup \(path): the directory \(directory) does not exist. Nothing was written")
    }
    guard manager.isWritableFile(atPath: directory) else {
      throw .output("--backup \(path): the directory \(directory) is not writable. Nothing was written")
    }
    self.path = path
    self.format = format
  }

  /// The format a file name's extension names (.hex/.ihx, .dfu, .bin), or nil.
  public static func format(of path: String) -> Format? {
    let ext = path.split(separator: "/").last?.split(separator: ".").dropFirst().last?.lowercased() ?? ""
    switch ext {
    case "hex", "ihx": return .hex
    case "dfu": return .dfu
    case "bin": return .bin
    default: return nil
    }
  }

  /// Encodes `image` and creates the file exclusively.
  /// - Returns: nil when saved, else why not (the flash then stops before erasing).
  func save(_ image: FirmwareImage) -> String? {
    let bytes: [UInt8]
    switch format {
    case .hex: bytes = ImageExport.intelHex(image)
    case .dfu:
      do throws(FileFormatError) {
        bytes = try DfuSeFileWriter.encode([FirmwareTarget(alternateSetting: 0, name: "Internal Flash", image: image)]).bytes
      } catch { return "the backup could not be encoded: \(error)" }
    case .bin:
      guard image.segments.count <= 1 else {
        return "the sectors to back up are not contiguous (some already hold the image), and a .bin cannot say "
          + "where its pieces go; rerun with --backup FILE.hex or .dfu"
      }
      do throws(FileFormatError) { bytes = try ImageExport.binary(image).bytes } catch {
        return "the backup could not be encoded: \(error)"
      }
    }
    do {
      try Data(bytes).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
      return nil
    } catch {
      return "the backup could not be written to \(path) (\(error.localizedDescription))"
    }
  }

  /// The first address between two sectors that is not covered, or nil when they are contiguous.
  static func firstGap(_ sectors: [MemorySector]) -> UInt32? {
    let sorted = sectors.sorted { $0.address < $1.address }
    for (a, b) in zip(sorted, sorted.dropFirst()) where a.end != UInt64(b.address) { return UInt32(a.end) }
    return nil
  }
}
