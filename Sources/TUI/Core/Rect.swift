/// A rectangle of cells. Layout helpers never produce negative sizes, so a
/// widget given a zero-size or tiny area draws nothing instead of trapping.
public struct Rect: Hashable, Sendable {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

  public var isEmpty: Bool { width <= 0 || height <= 0 }
  public var maxX: Int { x + width }
  public var maxY: Int { y + height }

  public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

  /// Shrunk by `n` on every side.
  public func inset(_ n: Int) -> Rect { inset(dx: n, dy: n) }

  public func inset(dx: Int, dy: Int) -> Rect {
    Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
  }

  /// The row `i` (0-based) as a one-line rect; empty when outside.
  public func row(_ i: Int) -> Rect {
    guard i >= 0, i < height else { return Rect(x: x, y: y, width: 0, height: 0) }
    return Rect(x: x, y: y + i, width: width, height: 1)
  }

  /// The top `n` rows and the rest.
  public func splitTop(_ n: Int) -> (Rect, Rect) {
    let k = min(max(0, n), height)
    return (Rect(x: x, y: y, width: width, height: k), Rect(x: x, y: y + k, width: width, height: height - k))
  }

  /// The rest and the bottom `n` rows.
  public func splitBottom(_ n: Int) -> (Rect, Rect) {
    let k = min(max(0, n), height)
    return (Rect(x: x, y: y, width: width, height: height - k), Rect(x: x, y: maxY - k, width: width, height: k))
  }

  /// The left `n` columns and the rest.
  public func splitLeft(_ n: Int) -> (Rect, Rect) {
    let k = min(max(0, n), width)
    return (Rect(x: x, y: y, width: k, height: height), Rect(x: x + k, y: y, width: width - k, height: height))
  }

  /// Rows split by `sizes`: a positive size is fixed, 0 takes an equal share of what is left.
  public func rows(_ sizes: [Int]) -> [Rect] { split(sizes, total: height).map { Rect(x: x, y: y + $0.0, width: width, height: $0.1) } }

  /// Columns split like ``rows(_:)``.
  public func columns(_ sizes: [Int]) -> [Rect] { split(sizes, total: width).map { Rect(x: x + $0.0, y: y, width: $0.1, height: height) } }

  private func split(_ sizes: [Int], total: Int) -> [(Int, Int)] {
    let fixed = sizes.filter { $0 > 0 }.reduce(0, +)
    let flexible = sizes.filter { $0 <= 0 }.count
    let share = flexible > 0 ? max(0, total - fixed) / flexible : 0
    var extra = flexible > 0 ? max(0, total - fixed) - share * flexible : 0
    var offset = 0
    return sizes.map { s in
      var n = s > 0 ? s : share
      if s <= 0 && extra > 0 { n += 1; extra -= 1 }
      n = min(n, max(0, total - offset))
      defer { offset += n }
      return (offset, n)
    }
  }

  /// A centred rect of at most `w`×`h` inside this one.
  public func centered(width w: Int, height h: Int) -> Rect {
    let cw = min(w, width), ch = min(h, height)
    return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
  }
}
