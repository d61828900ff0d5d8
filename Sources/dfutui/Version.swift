/// dfutui's version, the one place it is written (`dfutui --version`).
/// Semantic versioning; 0.x while the command line may still change.
enum DfutuiVersion {
  static let current = "0.1.0"
}
