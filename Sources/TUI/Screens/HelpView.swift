/// `?`: every key, over the current screen.
public enum HelpView {
  public static let lines: [(String, String)] = [
    ("1…6, Tab, S-Tab", "switch screen (Devices, Memory, Options, Flash, Log, Batch)"),
    ("↑↓ / j k, PgUp PgDn, Home End", "move, scroll"),
    ("Enter", "open / read sector / edit field / load file"),
    ("Esc", "close the dialog or help"),
    ("q, Ctrl-C", "quit (asks while a job runs)"),
    ("Ctrl-Z", "suspend (fg resumes)"),
    ("Devices: r", "refresh the list (it also updates every second)"),
    ("Memory: g  n  a", "go to address; next difference from the file; next alternate setting (option bytes, OTP)"),
    ("Options: u U  w  R  b", "undo field/all; write (confirm); read again; BOOT0 pin"),
    ("Flash: /  Tab", "type a path; Tab completes it"),
    ("Flash: f  c", "flash (confirm); cancel (asks; stops between transfers)"),
    ("Flash: v d b p e w m", "verify, diff, backup, preserve, leave after, watch, allow mass erase"),
    ("Flash: a", "address of raw data (a .bin) and load it again"),
    ("Log: / s v", "filter (a port such as 1-2, or a word); save to a file; verbose USB trace"),
    ("Batch: s  l  x  Enter", "flash all boards present; loop over plugs; stop (asks); board details"),
    ("Mouse", "click selects (tabs, devices), the wheel scrolls"),
  ]

  public static func render(_ state: AppState, _ area: Rect, _ buffer: inout ScreenBuffer) {
    let box = area.centered(width: min(area.width - 2, 84), height: min(area.height, lines.count + 4))
    let block = Block(title: Line("Keys — any key closes", .bold), style: .accent)
    block.render(box, &buffer)
    let inner = block.inner(box).inset(dx: 1, dy: 1)
    for (i, (k, v)) in lines.enumerated() where i < inner.height {
      buffer.put(k.padded(to: 30), x: inner.x, y: inner.y + i, style: .accent)
      buffer.put(v, x: inner.x + 31, y: inner.y + i, maxWidth: inner.width - 31)
    }
  }
}
