import DfuSe
import Foundation
import Testing
@testable import TUI

/// The TUI's backup file names: per board and time, never an existing file.
@Suite struct BackupNamingTests {
  func board(serial: String?, ports: [UInt8] = [1, 4]) -> DFUDeviceInfo {
    DFUDeviceInfo(vendorID: 0x0483, productID: 0xDF11, deviceRelease: 0x2200, manufacturer: nil, product: nil,
                  serialNumber: serial, busNumber: 3, portNumbers: ports, deviceAddress: 9, interfaceNumber: 0,
                  interfaceProtocol: 2, alternateSettings: [], functionalDescriptor: nil)
  }
  let noon = Date(timeIntervalSince1970: 1_796_126_400)  // 2026-12-01 12:00:00 UTC

  @Test func namesTheBoardAndTheTimeInUTC() {
    let path = BackupNaming.path(for: board(serial: "2079 28A1/C857"), in: "/bench/", at: noon, exists: { _ in false })
    #expect(path == "/bench/dfutui-backup-3-1.4-2079_28A1_C857-20261201-120000.hex")
  }

  @Test func aBoardWithoutSerialIsNamedByItsPort() {
    let path = BackupNaming.path(for: board(serial: nil), in: "/bench", at: noon, exists: { _ in false })
    #expect(path == "/bench/dfutui-backup-3-1.4-20261201-120000.hex")
  }

  @Test func aTakenNameGetsTheNextNumberNeverTheSameFile() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backup-naming-\(getpid())").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let first = BackupNaming.path(for: board(serial: "S1"), in: directory, at: noon)
    FileManager.default.createFile(atPath: first, contents: Data([1]))
    let second = BackupNaming.path(for: board(serial: "S1"), in: directory, at: noon)
    FileManager.default.createFile(atPath: second, contents: Data([2]))
    let third = BackupNaming.path(for: board(serial: "S1"), in: directory, at: noon)
    #expect(first.hasSuffix("-120000.hex"))
    #expect(second.hasSuffix("-120000-2.hex"))
    #expect(third.hasSuffix("-120000-3.hex"))
    #expect(FileManager.default.contents(atPath: first) == Data([1]))
  }
}
