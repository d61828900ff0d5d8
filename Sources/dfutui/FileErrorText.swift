import Foundation

/// Plain sentences for Foundation's file errors: "no such file" instead of
/// "The operation could not be completed. (NSCocoaErrorDomain error 260.)".
enum FileErrorText {
  /// What went wrong with a file, lower-case, no trailing period.
  static func describe(_ error: any Error) -> String {
    if let posix = error as? POSIXError { return errnoText(posix.code.rawValue) }
    let ns = error as NSError
    if ns.domain == NSPOSIXErrorDomain { return errnoText(Int32(ns.code)) }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return errnoText(Int32(underlying.code))
    }
    if ns.domain == NSCocoaErrorDomain, let text = cocoaText(CocoaError.Code(rawValue: ns.code)) { return text }
    // Our own errors describe themselves; Foundation's bridged description is a code number.
    if ns.domain != NSCocoaErrorDomain { return String(describing: error) }
    return ns.localizedDescription
  }

  private static func cocoaText(_ code: CocoaError.Code) -> String? {
    switch code {
    case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file"
    case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
    case .fileWriteOutOfSpace: return "no space left on the disk"
    case .fileWriteVolumeReadOnly: return "the file system is read-only"
    case .fileWriteFileExists: return "the file already exists"
    case .fileReadInvalidFileName, .fileWriteInvalidFileName: return "the file name is not valid"
    case .fileReadTooLarge: return "the file is too large to read"
    case .fileReadCorruptFile: return "the file could not be read (corrupt or unreadable)"
    case .fileLocking: return "the file is locked by another program"
    default: return nil
    }
  }

  /// errno as words: the common ones in our own phrasing, the rest from strerror.
  static func errnoText(_ code: Int32) -> String {
    switch code {
    case ENOENT: return "no such file or directory"
    case EACCES, EPERM: return "permission denied"
    case EISDIR: return "it is a directory, not a file"
    case ENOTDIR: return "a part of the path is not a directory"
    case ENOSPC: return "no space left on the disk"
    case EROFS: return "the file system is read-only"
    case EEXIST: return "the file already exists"
    default: return String(cString: strerror(code)).lowercased()
    }
  }
}
