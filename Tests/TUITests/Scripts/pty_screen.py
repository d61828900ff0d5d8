#!/usr/bin/python3
"""Runs a command under a real pseudo-terminal, reads its screen with the
pyte terminal emulator, and plays a script of steps against it.

Usage: pty_screen.py [--size 80x24] [--env K=V]... [--timeout S] STEPS -- COMMAND...
Steps (one argument each):
  wait:TEXT        wait until TEXT is on the screen (fails after --timeout)
  gone:TEXT        wait until TEXT is no longer on the screen
  keys:TEXT        type TEXT (\\r Enter, \\t Tab, \\x1b Esc, \\x03 Ctrl-C; <up> <down> <pgdn>...)
  sleep:SECONDS
  resize:WxH       change the window size (SIGWINCH)
  dump:LABEL       print the screen under ==== LABEL ====
  exit:CODE        wait for the process to exit with CODE
  colored:yes|no   some cell has a colour / no cell has one
Exits 0 when every step passed, 1 with the screen printed otherwise.
"""
import os, pty, select, signal, struct, fcntl, termios, time, sys, subprocess
import pyte

# What xterm sends in keypad-transmit mode (curses turns it on): application cursor keys.
KEYS = {"<up>": "\x1bOA", "<down>": "\x1bOB", "<right>": "\x1bOC", "<left>": "\x1bOD",
        "<pgup>": "\x1b[5~", "<pgdn>": "\x1b[6~", "<home>": "\x1bOH", "<end>": "\x1bOF", "<esc>": "\x1b"}

class Screen(pyte.Screen):
    """pyte's screen plus what ncurses uses on xterm-256color and pyte 0.8
    lacks: REP (CSI n b, repeat the last character), SU and SD (scroll)."""
    last = " "

    def draw(self, data):
        if data:
            self.last = data[-1]
        super().draw(data)

    def repeat_last(self, count=1, *args, **kwargs):
        super().draw(self.last * max(1, count))


    def _margins(self):
        m = self.margins
        return (m.top, m.bottom) if m else (0, self.lines - 1)

    def scroll_up(self, count=1, *args, **kwargs):
        """SU (CSI n S): the lines of the scroll region move up n (pyte 0.8 lacks it)."""
        top, bottom = self._margins()
        y, x = self.cursor.y, self.cursor.x
        for _ in range(max(1, count)):
            self.cursor.y = bottom
            self.index()
        self.cursor.y, self.cursor.x = y, x

    def scroll_down(self, count=1, *args, **kwargs):
        """SD (CSI n T)."""
        top, bottom = self._margins()
        y, x = self.cursor.y, self.cursor.x
        for _ in range(max(1, count)):
            self.cursor.y = top
            self.reverse_index()
        self.cursor.y, self.cursor.x = y, x


class ByteStream(pyte.ByteStream):
    csi = dict(pyte.ByteStream.csi, b="repeat_last", S="scroll_up", T="scroll_down")


def main():
    args = sys.argv[1:]
    sep = args.index("--")
    opts, command = args[:sep], args[sep + 1:]
    cols, rows, timeout, env, steps, raw = 80, 24, 20.0, dict(os.environ), [], None
    i = 0
    while i < len(opts):
        if opts[i] == "--size":
            cols, rows = map(int, opts[i + 1].split("x")); i += 2
        elif opts[i] == "--env":
            k, v = opts[i + 1].split("=", 1); env[k] = v; i += 2
        elif opts[i] == "--raw":
            raw = open(opts[i + 1], "wb"); i += 2
        elif opts[i] == "--timeout":
            timeout = float(opts[i + 1]); i += 2
        else:
            steps.append(opts[i]); i += 1
    env.setdefault("TERM", "xterm-256color")
    screen = Screen(cols, rows)
    stream = ByteStream(screen)
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(command[0], command, env)
    def set_size(c, r):
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", r, c, 0, 0))
    set_size(cols, rows)
    status = [None]
    def pump(seconds):
        end = time.time() + seconds
        while True:
            left = end - time.time()
            if left <= 0:
                return
            r, _, _ = select.select([fd], [], [], min(left, 0.05))
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    if status[0] is None:
                        _, st = os.waitpid(pid, 0)
                        status[0] = os.waitstatus_to_exitcode(st)
                    return
                stream.feed(data)
                if raw:
                    raw.write(data)
    def text():
        return "\n".join(line.rstrip() for line in screen.display)
    def fail(why):
        print("FAILED: " + why)
        print(text())
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        sys.exit(1)
    for step in steps:
        kind, _, arg = step.partition(":")
        if kind in ("wait", "gone"):
            end = time.time() + timeout
            while (arg in text()) != (kind == "wait"):
                if time.time() > end or status[0] is not None:
                    fail(f"{step} (exit {status[0]})")
                pump(0.1)
        elif kind == "keys":
            data = arg.encode().decode("unicode_escape")
            for name, seq in KEYS.items():
                data = data.replace(name, seq)
            os.write(fd, data.encode())
            pump(0.15)
        elif kind == "sleep":
            pump(float(arg))
        elif kind == "shell":
            # A change made outside the TUI while it runs (e.g. a build rewriting the file).
            if subprocess.run(arg, shell=True).returncode != 0:
                fail(step)
            pump(0.1)
        elif kind == "resize":
            c, r = map(int, arg.split("x"))
            screen.resize(r, c)
            set_size(c, r)
            os.kill(pid, signal.SIGWINCH)
            pump(0.3)
        elif kind == "dump":
            pump(0.2)
            print(f"==== {arg} ====")
            print(text())
        elif kind == "colored":
            pump(0.2)
            n = sum(1 for row in screen.buffer.values() for c in row.values()
                    if c.fg != "default" or c.bg != "default")
            if (n > 0) != (arg == "yes"):
                fail(f"{step}: {n} coloured cells")
        elif kind == "exit":
            end = time.time() + timeout
            while status[0] is None and time.time() < end:
                pump(0.1)
            if status[0] is None:
                fail("still running")
            if str(status[0]) != arg:
                fail(f"exit {status[0]}, expected {arg}")
        else:
            fail("unknown step " + step)
    if status[0] is None:
        os.kill(pid, signal.SIGTERM)
        pump(1)
    sys.exit(0)

main()
