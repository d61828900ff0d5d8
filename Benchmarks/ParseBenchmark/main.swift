// Parse throughput and peak memory of the firmware readers (issue #3).
//
//   swift run -c release --scratch-path .build-files ParseBenchmark [MiB | --pathological]
//
// Prints MB/s of input parsed on one core (best of several runs) for Intel HEX text,
// DfuSe files, S-records and ELF, then re-runs itself once per format with `--memory` to
// measure the parser's peak resident memory (VmHWM) against the image size. Then times
// the pathological files of issue 12 (64k repeated/overlapping records; Pathological.swift),
// alone with `--pathological`; exits 1 if one takes 0.5 s or more or is misread.
import DfuSe
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Peak resident set size of this process (VmHWM; unlike getrusage's ru_maxrss it is not
/// inherited from the parent across exec).
func peakRSS() -> Int {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    return (Int(line.split(separator: " ")[1]) ?? 0) * 1024
  }
  return 0
}

func now() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func randomBytes(_ n: Int) -> [UInt8] {
  var x: UInt64 = 0x9E37_79B9_7F4A_7C15
  return [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
    for i in 0..<n { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buffer[i] = UInt8(truncatingIfNeeded: x) }
    count = n
  }
}

/// Reads a whole file into one array (no Data copy), so the baseline is exactly the input.
func readFile(_ path: String) -> [UInt8] {
  guard let f = fopen(path, "rb") else { fatalError("cannot open \(path)") }
  defer { fclose(f) }
  fseek(f, 0, SEEK_END)
  let n = ftell(f)
  fseek(f, 0, SEEK_SET)
  return [UInt8](unsafeUninitializedCapacity: n) { buffer, count in count = fread(buffer.baseAddress, 1, n, f) }
}

enum Format: String, CaseIterable { case hex, dfu, srec, elf }

func parse(_ format: Format, _ bytes: [UInt8]) throws -> Int {
  let loaded = try FirmwareLoader.load(bytes, fileName: "bench.\(format.rawValue)", rawAddress: nil)
  return loaded.targets.reduce(0) { $0 + $1.image.byteCount }
}

func makeFiles(imageSize: Int, dir: String) throws -> [Format: String] {
  let image = try FirmwareImage(bytes: randomBytes(imageSize), at: 0x0800_0000,
                                origin: ImageOrigin(file: "bench", location: .offset(0)))
  var files: [Format: String] = [:]
  let hex = ImageExport.intelHex(image)
  let dfu = try DfuSeFileWriter.encode([FirmwareTarget(alternateSetting: 0, name: "ST...", image: image)]).bytes
  // S-record: S3 records of 16 bytes, built here (dfutui has no S-record writer).
  var srec: [UInt8] = []
  let digits = Array("0123456789ABCDEF".utf8)
  let data = image.segments[0].bytes
  var offset = 0
  while offset < data.count {
    let n = min(16, data.count - offset)
    let address = UInt32(0x0800_0000 + offset)
    let body = [UInt8(n + 5), UInt8(address >> 24), UInt8(address >> 16 & 0xFF), UInt8(address >> 8 & 0xFF), UInt8(address & 0xFF)]
      + data[offset..<(offset + n)]
    let cs = ~body.reduce(UInt8(0), &+)
    srec += [UInt8(ascii: "S"), UInt8(ascii: "3")]
    for b in body + [cs] { srec += [digits[Int(b >> 4)], digits[Int(b & 15)]] }
    srec.append(0x0A)
    offset += n
  }
  srec += Array("S70508000000F2\n".utf8)
  // ELF: one PT_LOAD, no sections.
  var elf = [UInt8](repeating: 0, count: 84)
  let header: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 40, 0, 1, 0, 0, 0]
  elf.replaceSubrange(0..<24, with: header)
  func put32(_ at: Int, _ v: UInt32) { for k in 0..<4 { elf[at + k] = UInt8(v >> (8 * UInt32(k)) & 0xFF) } }
  func put16(_ at: Int, _ v: UInt16) { elf[at] = UInt8(v & 0xFF); elf[at + 1] = UInt8(v >> 8) }
  put32(24, 0x0800_0001); put32(28, 52); put16(40, 52); put16(42, 32); put16(44, 1)
  put32(52, 1); put32(56, 84); put32(60, 0x0800_0000); put32(64, 0x0800_0000)
  put32(68, UInt32(data.count)); put32(72, UInt32(data.count)); put32(76, 5)
  elf += data
  for (format, bytes) in [(Format.hex, hex), (.dfu, dfu), (.srec, srec), (.elf, elf)] {
    let path = dir + "/bench.\(format.rawValue)"
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    files[format] = path
  }
  return files
}

/// Child mode: read one file, parse it once, print "input baseline peak image".
func memoryChild(_ format: Format, _ path: String) throws {
  let bytes = readFile(path)
  let baseline = peakRSS()
  let image = try parse(format, bytes)
  print("\(bytes.count) \(baseline) \(peakRSS()) \(image)")
}

let args = CommandLine.arguments
if args.count == 4, args[1] == "--memory", let format = Format(rawValue: args[2]) {
  try memoryChild(format, args[3])
  exit(0)
}

if args.count == 2, args[1] == "--pathological" {
  exit(Pathological.run() ? 0 : 1)
}

let mib = args.count > 1 ? Int(args[1]) ?? 8 : 8
let imageSize = mib << 20
let dir = NSTemporaryDirectory() + "dfutui-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: dir) }
let files = try makeFiles(imageSize: imageSize, dir: dir)
print("Image: \(mib) MiB of random data at 0x08000000 (one core, best of 5 runs)")
print("format  input MB   parse MB/s   peak extra RSS / image   peak total RSS / image")
for format in Format.allCases {
  let path = files[format]!
  let bytes = readFile(path)
  var best = Double.infinity
  for _ in 0..<5 {
    let t0 = now()
    let n = try parse(format, bytes)
    let dt = now() - t0
    precondition(n == imageSize, "parsed \(n) bytes, expected \(imageSize)")
    best = min(best, dt)
  }
  let mbps = Double(bytes.count) / 1e6 / best
  // Memory: a fresh process per format, so ru_maxrss is this parse alone.
  let child = Process()
  child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
  child.arguments = ["--memory", format.rawValue, path]
  let pipe = Pipe()
  child.standardOutput = pipe
  try child.run()
  let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  child.waitUntilExit()
  let f = out.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
  var memory = "n/a"
  var total = "n/a"
  if f.count == 4 {
    memory = String(format: "%.2f×", Double(f[2] - f[1]) / Double(imageSize))
    total = String(format: "%.2f× (input %.2f×)", Double(f[2]) / Double(imageSize), Double(f[0]) / Double(imageSize))
  }
  func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
  print(format.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0) + "  " + pad(String(format: "%.1f", Double(bytes.count) / 1e6), 8)
        + "   " + pad(String(format: "%.1f", mbps), 10) + "   " + pad(memory, 22) + "   " + total)
}
if !Pathological.run() {
  print("pathological files: goal missed (see above)")
  exit(1)
}
