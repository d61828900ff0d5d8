import Foundation
import Testing

/// Issue #3's cross-check: a `.dfu` file written by `dfutui convert` is
/// downloaded by Debian's dfu-util 0.11 into the simulated board (plugged in
/// through `dfutui simulate`), and the board then holds exactly the image.
@Suite(.serialized) struct DfuFileCrossCheckTests {
  init() throws {
    if let missing = USBSim.missing { Issue.record(Comment(rawValue: missing)) }
  }

  @Test(arguments: SimulateUSBTests.profiles)
  func dfuUtilDownloadsADfuFileWrittenByDfutui(profile: String) throws {
    let dir = try TemporaryDirectory()
    let image = USBSim.bootableImage(30_001)  // odd length: the writer pads the element to 8 bytes
    let bin = try dir.write("app.bin", image)
    let dfu = dir.path("app.dfu")
    let c = try CLI.run(["convert", bin, dfu, "--address", "0x08000000", "--vid", "0483", "--pid", "df11"])
    #expect(c.status == 0, "\(c.stderr)")
    let back = dir.path("back.bin")
    let r = try USBSim.shell(profile, state: dir.path("board"), """
      dfu-suffix --check \(dfu) || exit 9
      dfu-util -a 0 -D \(dfu) || exit 10
      "$DFUTUI" read --address 0x08000000 --length 30008 -o \(back) || exit 11
      """)
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("Download done") || r.stdout.contains("File downloaded successfully"), "\(r.stdout)")
    let read = try dir.read("back.bin")
    #expect(Array(read.prefix(image.count)) == image)
    #expect(Array(read.suffix(7)) == [UInt8](repeating: 0xFF, count: 7))
  }
}
