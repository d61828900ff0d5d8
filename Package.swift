// swift-tools-version: 6.1
import PackageDescription

/// Upcoming features enabled on every Swift target (swift-log's habit).
let strictness: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "dfutui",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "dfutui", targets: ["dfutui"]),
    .library(name: "DfuSe", targets: ["DfuSe"]),
    .library(name: "DfuSeSimulator", targets: ["DfuSeSimulator"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", from: "1.19.7"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibUSB", pkgConfig: "libusb-1.0",
      providers: [.apt(["libusb-1.0-0-dev"]), .brew(["libusb"])]),
    .systemLibrary(
      name: "CNcurses", pkgConfig: "ncursesw",
      providers: [.apt(["libncursesw5-dev"]), .brew(["ncurses"])]),
    .target(
      name: "DfuSe", dependencies: ["CLibUSB", .product(name: "Logging", package: "swift-log")],
      swiftSettings: strictness),
    /// Simulated STM32 ROM bootloaders (test doubles, as swift-nio's NIOEmbedded): a separate
    /// module so that `DfuSe` cannot depend on them.
    .target(name: "DfuSeSimulator", dependencies: ["DfuSe"], swiftSettings: strictness),
    .target(
      name: "TUI",
      dependencies: ["DfuSe", "CNcurses", .product(name: "Logging", package: "swift-log")],
      swiftSettings: strictness),
    .executableTarget(
      name: "dfutui",
      dependencies: [
        "DfuSe", "DfuSeSimulator", "TUI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictness),
    .testTarget(
      name: "DfuSeTests", dependencies: ["DfuSe", "DfuSeSimulator", .product(name: "Logging", package: "swift-log")],
      swiftSettings: strictness),
    .testTarget(name: "CLITests", dependencies: ["dfutui"], swiftSettings: strictness),
    .testTarget(
      name: "TUITests",
      dependencies: [
        "TUI", "DfuSe", "DfuSeSimulator", .product(name: "Logging", package: "swift-log"),
        .product(name: "SnapshotTesting", package: "swift-snapshot-testing"),
      ], exclude: ["Golden", "Scripts"], swiftSettings: strictness),
    .executableTarget(name: "ParseBenchmark", dependencies: ["DfuSe"], path: "Benchmarks/ParseBenchmark"),
    .executableTarget(
      name: "FlashBenchmark",
      dependencies: ["DfuSe", "DfuSeSimulator", .product(name: "Logging", package: "swift-log")],
      path: "Benchmarks/FlashBenchmark", swiftSettings: strictness),
    .executableTarget(
      name: "TUIBenchmark", dependencies: ["DfuSe", "DfuSeSimulator", "TUI", .product(name: "Logging", package: "swift-log")],
      path: "Benchmarks/TUIBenchmark", swiftSettings: strictness),
  ],
  swiftLanguageModes: [.v6]
)
