/// What the host may do with a memory segment: the low three bits of the
/// DfuSe type letter (`'a'` + bits − 1: `a` R, `b` E, `c` RE, `d` W, `e` RW,
/// `f` EW, `g` REW; UM0424 Table 28, stm32-dfu-facts §3.1).
public struct MemoryAccess: OptionSet, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue & 0x7 }

  public static let readable = MemoryAccess(rawValue: 1)
  public static let erasable = MemoryAccess(rawValue: 2)
  public static let writable = MemoryAccess(rawValue: 4)
  public static let all: MemoryAccess = [.readable, .erasable, .writable]

  /// The lowercase type letter, as ROMs print it.
  public var letter: Character { Character(Unicode.Scalar(0x60 + rawValue)) }

  /// `rew`-style flags, with `-` for what is not allowed.
  public var description: String {
    (contains(.readable) ? "r" : "-") + (contains(.erasable) ? "e" : "-") + (contains(.writable) ? "w" : "-")
  }
}
