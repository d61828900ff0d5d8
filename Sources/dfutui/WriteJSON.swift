import DfuSe

/// The `result` of `write --json` and `restore --json`: a pure function of the plan and
/// the report, so it does not depend on how the write flow is driven.
struct WriteJSON: Encodable {
  var file: String
  var chip: String
  var image: Image
  var sectors: [Sector]
  var report: Report
  /// With `--leave`: how the leave ended (absent without it; a failed leave is the error object).
  var leave: LeaveCommand.LeaveResult?

  struct Image: Encodable {
    var bytes: Int
    var segments: [JSONRange]
    var entryPoint: UInt32?
  }

  struct Sector: Encodable {
    var address: UInt32
    var addressHex: String
    var length: UInt32
    var imageBytes: Int
    var bytesOutsideImage: Int
    /// `eraseAndWrite`, `programWithoutErase` or `unchanged` (absent when not reported).
    var action: String?
  }

  struct Report: Encodable {
    var imageBytes: Int
    var programmedBytes: Int
    var skippedBytes: Int
    var sectorsErased: Int
    /// True only when every written byte was read back and matched.
    var verified: Bool
    var elapsedSeconds: Double
    var usbSeconds: Double
    var deviceBusySeconds: Double
    var hostWaitSeconds: Double
    var backupBytes: Int?
    /// `none`, `sectors` or `mass` (cost-based erase planner), and why.
    var eraseStrategy: String?
    var eraseReason: String?
    /// Erased-value flash words left unprogrammed after the erase (still verified).
    var erasedBytesSkipped: Int
  }

  init(file: String, plan: FlashPlan, report: FlashReport, leave: LeaveReport? = nil) {
    self.file = file
    self.leave = leave.map(LeaveCommand.LeaveResult.init)
    chip = plan.chip.name
    image = Image(bytes: plan.image.byteCount,
                  segments: plan.image.segments.map { JSONRange(address: $0.address, length: UInt64($0.bytes.count)) },
                  entryPoint: plan.image.entryPoint)
    sectors = plan.sectors.map { s in
      Sector(address: s.sector.address, addressHex: hex32(s.sector.address), length: s.sector.size,
             imageBytes: s.imageBytes, bytesOutsideImage: s.bytesOutsideImage,
             action: report.actions[s.sector.address]?.rawValue)
    }
    self.report = Report(imageBytes: report.imageBytes, programmedBytes: report.programmedBytes,
                         skippedBytes: report.skippedBytes, sectorsErased: report.sectorsErased,
                         verified: report.verified, elapsedSeconds: report.elapsed.seconds,
                         usbSeconds: report.usbTime.seconds, deviceBusySeconds: report.deviceBusyTime.seconds,
                         hostWaitSeconds: report.hostWaitTime.seconds, backupBytes: report.backup?.byteCount,
                         eraseStrategy: report.erase?.strategy.rawValue, eraseReason: report.erase?.reason,
                         erasedBytesSkipped: report.erasedBytesSkipped)
  }
}
