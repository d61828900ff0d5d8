public import DfuSe

/// Failures to inject into a ``SimulatedSTM32``. Each fires at most once.
public struct SimulatedFaults: Sendable, Hashable {
  /// Makes the N-th executed DNLOAD fail.
  public struct StatusFault: Sendable, Hashable {
    /// The `bStatus` reported with dfuERROR.
    public var status: DFUStatus
    /// 1-based index among executed DNLOADs — commands and writes, counted
    /// since the board was made; a leave (zero-length DNLOAD) is not counted.
    public var onCommand: Int

    public init(status: DFUStatus, onCommand: Int) {
      self.status = status
      self.onCommand = onCommand
    }
  }

  /// The board drops off the bus when a write DNLOAD would bring the total of
  /// downloaded write data past this many bytes: that request and every later
  /// one throw ``TransportError/noDevice`` until ``SimulatedSTM32/reconnect()``.
  /// Flash keeps what was programmed before. The write is not stored.
  public var disconnectAfterBytes: Int?
  /// The board drops off the bus when an UPLOAD of memory (wValue ≥ 2: a read
  /// or a verify) would bring the total of uploaded bytes past this many: that
  /// request returns no data, like ``disconnectAfterBytes``.
  public var disconnectAfterUploadBytes: Int?
  /// The board drops off the bus at the DNLOAD of an erase command (sector or
  /// mass erase) once this many erase commands have completed since the board
  /// was made (``SimulatedCounters/pageErases`` + ``SimulatedCounters/massErases``):
  /// 0 cuts the first erase. The cut-off erase is not done.
  public var disconnectAfterErases: Int?
  /// The board drops off the bus at the K-th control request (1-based, counted
  /// like ``stallRequest``), of any kind; that request is not acted on. Cuts a
  /// leave, a Read Unprotect or a status poll at a chosen point.
  public var disconnectAtRequest: Int?
  /// The request that drops the board (any of the `disconnect…` faults) fails
  /// with ``ioError`` instead of ``TransportError/noDevice``, as a pulled cable
  /// does on real Linux usbfs (EPROTO/EILSEQ → `LIBUSB_ERROR_IO` before `NO_DEVICE`).
  public var disconnectAsIOError = false
  /// The K-th control request (1-based, counted since the board was made,
  /// i.e. its position in ``SimulatedSTM32/requestLog``) is STALLed and the
  /// board goes to dfuERROR/errSTALLEDPKT.
  public var stallRequest: Int?
  /// The N-th executed DNLOAD does nothing and ends in dfuERROR with this status.
  public var errorStatus: StatusFault?
  /// After every leave the application resets at once (a crash, a watchdog, a
  /// firmware built for another board) and, BOOT0 being held high by the bench
  /// jig, the board comes back in the ROM bootloader, as a real one does.
  public var applicationResetsToBootloader = false

  /// The error a transfer cut off by a pulled cable gets from libusb on Linux.
  public static let ioError = TransportError.other(code: -1, name: "LIBUSB_ERROR_IO")

  public init(disconnectAfterBytes: Int? = nil, disconnectAfterUploadBytes: Int? = nil,
              disconnectAfterErases: Int? = nil, disconnectAtRequest: Int? = nil, disconnectAsIOError: Bool = false,
              stallRequest: Int? = nil, errorStatus: StatusFault? = nil, applicationResetsToBootloader: Bool = false) {
    self.disconnectAfterBytes = disconnectAfterBytes
    self.disconnectAfterUploadBytes = disconnectAfterUploadBytes
    self.disconnectAfterErases = disconnectAfterErases
    self.disconnectAtRequest = disconnectAtRequest
    self.disconnectAsIOError = disconnectAsIOError
    self.stallRequest = stallRequest
    self.errorStatus = errorStatus
    self.applicationResetsToBootloader = applicationResetsToBootloader
  }
}

/// Running totals kept by a ``SimulatedSTM32`` since it was made.
public struct SimulatedCounters: Sendable, Hashable {
  /// Page/sector erase commands executed without error.
  public var pageErases = 0
  /// Mass erases executed without error (Read Unprotect on a protected part included).
  public var massErases = 0
  /// Write payload bytes received by DNLOAD (wValue ≥ 2).
  public var bytesDownloaded = 0
  /// Memory bytes sent by UPLOAD (wValue ≥ 2).
  public var bytesUploaded = 0
  /// Bytes really programmed into flash or OTP: excludes write-protected
  /// sectors, already-programmed L4 words and bytes lost to the L476 ROM bug.
  public var bytesProgrammed = 0
  /// L4 double-words a write tried to program a second time (left unchanged).
  public var rejectedWordWrites = 0
  /// DNLOADs executed (commands and writes; the index ``SimulatedFaults/StatusFault`` counts).
  public var executedDownloads = 0
  /// Enumerations on the bus (the first one included).
  public var enumerations = 0
  /// Total time the ROM spent busy.
  public var busyTime: Duration = .zero

  public init() {}
}
