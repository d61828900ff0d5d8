/// A key press, decoded by the backend. Letters (hjkl included) stay
/// characters; the update function gives them meaning per screen.
public enum Key: Hashable, Sendable {
  case char(Character)
  case up, down, left, right
  case pageUp, pageDown, home, end
  case enter, escape, tab, backTab, backspace, delete
  /// F1…F12.
  case function(Int)
  /// Ctrl + a letter (lower case), e.g. `.ctrl("c")`.
  case ctrl(Character)

  /// Decodes a byte as a raw-mode terminal sends it (controls, DEL, ASCII).
  public static func fromByte(_ b: UInt8) -> Key? {
    switch b {
    case 9: return .tab
    case 10, 13: return .enter
    case 27: return .escape
    case 8, 127: return .backspace
    case 1...26: return .ctrl(Character(Unicode.Scalar(b + 96)))
    case 32...126: return .char(Character(Unicode.Scalar(b)))
    default: return nil
    }
  }

  /// How the help screen names the key.
  public var name: String {
    switch self {
    case .char(let c): return String(c)
    case .up: return "↑"
    case .down: return "↓"
    case .left: return "←"
    case .right: return "→"
    case .pageUp: return "PgUp"
    case .pageDown: return "PgDn"
    case .home: return "Home"
    case .end: return "End"
    case .enter: return "Enter"
    case .escape: return "Esc"
    case .tab: return "Tab"
    case .backTab: return "S-Tab"
    case .backspace: return "Bksp"
    case .delete: return "Del"
    case .function(let n): return "F\(n)"
    case .ctrl(let c): return "Ctrl-\(c.uppercased())"
    }
  }
}

/// A mouse event in screen cells.
public struct MouseEvent: Hashable, Sendable {
  public enum Kind: Hashable, Sendable { case click, wheelUp, wheelDown }
  public var kind: Kind
  public var x: Int
  public var y: Int

  public init(_ kind: Kind, x: Int, y: Int) {
    self.kind = kind
    self.x = x
    self.y = y
  }
}

/// What the terminal reports.
public enum TerminalInput: Hashable, Sendable {
  case key(Key)
  case mouse(MouseEvent)
  case resize(width: Int, height: Int)
  /// SIGINT, SIGTERM or SIGHUP arrived (signal number).
  case signal(Int32)
}
