/// What a running job reports to its front end, in order, on the job's own
/// thread. The CLI prints these; the TUI turns them into UI events. Values
/// only (`Sendable`), so they can cross to the UI thread as they are.
public enum JobEvent: Sendable, Equatable {
  /// Progress within a phase (bytes done of total). A new ``OperationProgress/phase``
  /// means a new phase started (pre-read, erase, write, verify, leave…).
  case progress(OperationProgress)
  /// Information worth showing, not a problem ("nothing will be erased, so the backup is empty").
  case notice(String)
  /// Something that may be wrong but does not stop the job ("leaving although the
  /// vector table does not look bootable").
  case warning(String)
  /// The backup of the sectors about to be erased was written to `path`
  /// (`bytes` bytes of flash), before the first erase.
  case backupSaved(path: String, bytes: Int)
}
