#!/usr/bin/python3
"""umockdev bridge for `dfutui simulate` (issue #7): a simulated STM32 as a
USB device that unmodified libusb programs (dfu-util, dfutui) can use.

    LD_PRELOAD=libumockdev-preload.so.0 python3 umockdev-usb-bridge.py \
        --socket BOARD1.sock [--socket BOARD2.sock ...] -- COMMAND ARGS...

dfutui owns the boards and answers on one socket per board (protocol
documented in Sources/dfutui/Simulate/BoardServer.swift). This script, running
under umockdev's preload library, builds a umockdev testbed and runs COMMAND
in it. What libusb 1.0 (os/linux_udev.c, os/linux_usbfs.c) reads, and where
it comes from here:

- udev enumeration (subsystem usb, DEVTYPE usb_device) and sysfs attributes
  busnum, devnum, speed, bConfigurationValue and the binary `descriptors`
  (device descriptor + full configuration descriptor): one testbed device per
  board, /sys/devices/usb1/1-P (bus 1, port P, as the board reports), built
  from the board's descriptors;
- /dev/bus/usb/BBB/DDD: a testbed node whose ioctls umockdev forwards to
  `UsbfsDevice.on_ioctl` (usbfs, include/uapi/linux/usbdevice_fs.h);
- control transfers: USBDEVFS_SUBMITURB queues the URB and returns at once,
  a forwarder thread sends it to the board, and REAPURB[NDELAY] hands it back
  with status 0, -EPIPE (STALL) or -ESHUTDOWN (device gone; libusb reports
  LIBUSB_ERROR_NO_DEVICE). DISCARDURB (libusb's timeouts) makes a queued URB
  reapable with -ENOENT. Strings and descriptors come through GET_DESCRIPTOR;
- unplug/replug: each board is polled every 20 ms; when it leaves the bus or
  re-enumerates under a new address, the old node answers ENODEV, the device
  is removed (udev "remove" uevent) and the new enumeration added ("add").

Several boards run concurrently (a production bench, issue 14): each board
has two connections to its socket, one for its URBs (its own forwarder
thread) and one for the enumeration poll, so a board busy in a long erase
delays neither another board's transfers nor anybody's plug and unplug; the
usbfs ioctls that wait for the board (SET_INTERFACE, RESET, the synchronous
CONTROL) are answered from a thread of their own, never from umockdev's
ioctl thread, which every device shares.

Exits with COMMAND's status (128 + signal if killed), 69 when umockdev or
PyGObject is missing. DFUTUI_BRIDGE_TRACE=1 logs every ioctl and transfer
to stderr.
"""

import errno
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import deque

try:
    import gi
    gi.require_version('UMockdev', '1.0')
    from gi.repository import GLib, UMockdev
except (ImportError, ValueError) as error:
    sys.stderr.write(f"dfutui simulate: umockdev's Python bindings are missing ({error}).\n"
                     "Install: apt-get install umockdev gir1.2-umockdev-1.0 python3-gi\n")
    sys.exit(69)


# usbfs ioctl numbers (x86_64/arm64 _IOC encoding, include/uapi/linux/usbdevice_fs.h)
def _ioc(direction, nr, size):
    return (direction << 30) | (size << 16) | (ord('U') << 8) | nr


CONTROL = _ioc(3, 0, 24)              # struct usbdevfs_ctrltransfer
SETINTERFACE = _ioc(2, 4, 8)          # struct usbdevfs_setinterface
SETCONFIGURATION = _ioc(2, 5, 4)
GETDRIVER = _ioc(1, 8, 260)
SUBMITURB = _ioc(2, 10, 56)           # struct usbdevfs_urb
DISCARDURB = _ioc(0, 11, 0)
REAPURB = _ioc(1, 12, 8)
REAPURBNDELAY = _ioc(1, 13, 8)
CLAIMINTERFACE = _ioc(2, 15, 4)
RELEASEINTERFACE = _ioc(2, 16, 4)
CONNECTINFO = _ioc(1, 17, 8)
IOCTL = _ioc(3, 18, 16)               # driver ioctls (detach/attach kernel driver)
RESET = _ioc(0, 20, 0)
CLEAR_HALT = _ioc(2, 21, 4)
GET_CAPABILITIES = _ioc(2, 26, 4)
DISCONNECT_CLAIM = _ioc(2, 27, 264)
DROP_PRIVILEGES = _ioc(1, 30, 4)
GET_SPEED = _ioc(0, 31, 0)

# The ioctls answered by a request to the board (they may wait for it).
BLOCKING = (SETINTERFACE, RESET, CONTROL)

CAP_NO_PACKET_SIZE_LIM = 0x04
CAP_REAP_AFTER_DISCONNECT = 0x10
URB_TYPE_CONTROL = 2
USB_SPEED_FULL = 2

# BoardServer replies
OK, STALL, NO_DEVICE, TIMEOUT, OTHER = range(5)
URB_STATUS = {OK: 0, STALL: -errno.EPIPE, NO_DEVICE: -errno.ESHUTDOWN, TIMEOUT: -errno.ETIMEDOUT,
              OTHER: -errno.EPROTO}
IOCTL_ERRNO = {STALL: errno.EPIPE, NO_DEVICE: errno.ENODEV, TIMEOUT: errno.ETIMEDOUT, OTHER: errno.EPROTO}
TRACE = os.environ.get('DFUTUI_BRIDGE_TRACE') == '1'


def trace(text):
    if TRACE:
        sys.stderr.write(f'bridge {threading.get_ident() % 10000:04d}: {text}\n')


class Board:
    """The client side of BoardServer.swift: one request at a time."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.lock = threading.Lock()

    def request(self, op, payload=b''):
        with self.lock:
            self.sock.sendall(op.encode() + struct.pack('<I', len(payload)) + payload)
            head = self._read(5)
            status, length = head[0], struct.unpack('<I', head[1:])[0]
            return status, self._read(length)

    def _read(self, count):
        data = b''
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError('dfutui closed the board socket')
            data += chunk
        return data

    def enumeration(self):
        """(bus, port, address, descriptors) or None while off the bus."""
        status, reply = self.request('E')
        return (reply[0], reply[1], reply[2], reply[3:]) if status == OK else None

    def control(self, address, setup, data, timeout_ms=0):
        return self.request('C', bytes([address]) + struct.pack('<I', timeout_ms) + setup + data)


class Urb:
    """One submitted control URB, from SUBMITURB until it is reaped."""

    def __init__(self, owner, client_addr, urb, buf, setup, out):
        self.owner = owner  # the OpenFile it was submitted on
        self.client_addr, self.urb, self.buf = client_addr, urb, buf
        self.setup, self.out = setup, out
        self.discarded = False
        self.result = None  # (BoardServer status, IN data)


class OpenFile:
    """One open file of the node (one umockdev client: a libusb handle, in
    any process). Like usbfs (drivers/usb/core/devio.c: each usb_dev_state
    has its own async_pending and async_completed lists), a file reaps and
    discards only the URBs submitted on it: a URB address from another
    process, or another libusb context, would be a wild pointer there."""

    def __init__(self, client):
        self.client = client
        self.reapable = deque()    # completed or discarded, in completion order
        self.inflight = []         # every URB not reaped yet


class UsbfsDevice:
    """The usbfs node of one enumeration: answers libusb's ioctls."""

    def __init__(self, board, address):
        self.board, self.address = board, address
        self.gone = False
        self.cond = threading.Condition()
        self.queue = deque()       # submitted on any file, not yet sent to the board (ep0 is one pipe)
        self.files = {}            # OpenFile by umockdev client
        self.parked = []           # reaps waiting for a completion: (deadline, client, request, arg, file)
        self.reaper_running = False
        self.handler = UMockdev.IoctlBase()
        self.handler.connect('handle-ioctl', self.on_ioctl)
        threading.Thread(target=self.forward, daemon=True).start()

    def unplug(self):
        with self.cond:
            self.gone = True
            self.cond.notify_all()

    # The forwarder thread: sends queued URBs to the board in order.
    def forward(self):
        while True:
            with self.cond:
                while not self.queue and not self.gone:
                    self.cond.wait()
                if not self.queue:
                    return
                urb = self.queue.popleft()
            try:
                trace(f'-> {urb.setup.hex()} out={len(urb.out)}')
                result = self.board.control(self.address, urb.setup, urb.out)
                trace(f'<- status {result[0]} in={len(result[1])}')
            except (OSError, ConnectionError):
                result = (NO_DEVICE, b'')
            with self.cond:
                urb.result = result
                if not urb.discarded:
                    urb.owner.reapable.append(urb)
                self.cond.notify_all()

    def on_ioctl(self, _handler, client):
        request, arg = client.get_request(), client.get_arg()
        if request in BLOCKING and not self.gone:
            # These wait for the board: answer from another thread, so
            # umockdev's ioctl thread (shared by every device) stays free.
            threading.Thread(target=self.answer, args=(client, request, arg), daemon=True).start()
        elif request in (REAPURB, REAPURBNDELAY) and self.park(client, request, arg):
            pass
        else:
            self.answer(client, request, arg)
        return True

    def park(self, client, request, arg):
        """Hands a reap with nothing to reap yet to the reaper thread, which
        answers it at the next completion or after 5 ms: libusb polls a
        regular file here (always "ready"), so an immediate EAGAIN would make
        it spin, and waiting on umockdev's shared ioctl thread would stall
        every other board's ioctls."""
        file = self.file(client)
        with self.cond:
            if file.reapable or not file.inflight or self.gone:
                return False
            self.parked.append((time.monotonic() + 0.005, client, request, arg, file))
            if not self.reaper_running:
                self.reaper_running = True
                threading.Thread(target=self.reaper, daemon=True).start()
            self.cond.notify_all()
            return True

    def reaper(self):
        while True:
            with self.cond:
                while True:
                    now = time.monotonic()
                    due = [p for p in self.parked if p[4].reapable or now >= p[0] or self.gone]
                    if due:
                        break
                    self.cond.wait(min(p[0] for p in self.parked) - now if self.parked else None)
                for p in due:
                    self.parked.remove(p)
            for _, client, request, arg, _ in due:
                self.answer(client, request, arg)

    def answer(self, client, request, arg):
        try:
            result = self.ioctl(request, arg, self.file(client))
            if request != REAPURBNDELAY or result != (-1, errno.EAGAIN):
                trace(f'ioctl 0x{request:08x} -> {result}')
        except Exception as error:  # never leave the client waiting
            sys.stderr.write(f"umockdev-usb-bridge: ioctl 0x{request:x} failed: {error!r}\n")
            result = (-1, errno.EIO)
        client.complete(*result)

    def file(self, client):
        """The OpenFile of `client`; forgets closed files with nothing left to reap."""
        with self.cond:
            state = self.files.get(client)
            if state is None:
                for other in [f for f in self.files.values() if not f.inflight and not f.client.props.connected]:
                    del self.files[other.client]
                state = self.files[client] = OpenFile(client)
            return state

    def ioctl(self, request, arg, file):
        if request in (REAPURB, REAPURBNDELAY):
            return self.reap(arg, file)
        if request == DISCARDURB:
            return self.discard(struct.unpack('<Q', bytes(arg.retrieve()))[0], file)
        if self.gone:
            return (-1, errno.ENODEV)
        if request == SUBMITURB:
            return self.submit(arg, file)
        if request == GET_CAPABILITIES:
            arg.resolve(0, 4).update(0, struct.pack('<I', CAP_NO_PACKET_SIZE_LIM | CAP_REAP_AFTER_DISCONNECT))
            return (0, 0)
        if request == CONNECTINFO:
            arg.resolve(0, 8).update(0, struct.pack('<IB3x', self.address, 0))
            return (0, 0)
        if request == GET_SPEED:
            return (USB_SPEED_FULL, 0)
        if request in (CLAIMINTERFACE, RELEASEINTERFACE, DISCONNECT_CLAIM, SETCONFIGURATION, CLEAR_HALT,
                       DROP_PRIVILEGES):
            return (0, 0)
        if request in (GETDRIVER, IOCTL):
            return (-1, errno.ENODATA)  # no kernel driver bound
        if request == SETINTERFACE:
            interface, alternate = struct.unpack('<II', bytes(arg.resolve(0, 8).retrieve()))
            status, _ = self.board.request('A', bytes([self.address, interface & 0xFF, alternate & 0xFF]))
            return (0, 0) if status == OK else (-1, IOCTL_ERRNO[status])
        if request == RESET:
            # The board re-enumerates under a new address: for libusb that is
            # "re-enumerated as another device" (ENODEV → LIBUSB_ERROR_NOT_FOUND).
            status, _ = self.board.request('R', bytes([self.address]))
            self.unplug()
            return (-1, errno.ENODEV) if status in (OK, NO_DEVICE) else (-1, IOCTL_ERRNO[status])
        if request == CONTROL:
            return self.control(arg)
        return (-1, errno.ENOTTY)

    def submit(self, arg, file):
        client_addr = struct.unpack('<Q', bytes(arg.retrieve()))[0]
        urb = arg.resolve(0, 56)
        raw = bytes(urb.retrieve())
        kind, length = raw[0], struct.unpack_from('<i', raw, 24)[0]
        if kind != URB_TYPE_CONTROL or length < 8:
            return (-1, errno.EINVAL)  # the ROM has endpoint 0 only
        buf = urb.resolve(16, length)
        data = bytes(buf.retrieve())
        setup = data[:8]
        w_length = struct.unpack_from('<H', setup, 6)[0]
        out = b'' if setup[0] & 0x80 else data[8:8 + w_length]
        with self.cond:
            entry = Urb(file, client_addr, urb, buf, setup, out)
            self.queue.append(entry)
            file.inflight.append(entry)
            self.cond.notify_all()
        return (0, 0)

    def discard(self, client_addr, file):
        with self.cond:
            for entry in file.inflight:
                if entry.client_addr == client_addr and not entry.discarded and entry not in file.reapable:
                    entry.discarded = True
                    if entry in self.queue:
                        self.queue.remove(entry)
                    file.reapable.append(entry)
                    self.cond.notify_all()
                    return (0, 0)
        return (-1, errno.ENODEV if self.gone else errno.EINVAL)

    def reap(self, arg, file):
        with self.cond:
            if not file.reapable:
                return (-1, errno.ENODEV if self.gone and not file.inflight else errno.EAGAIN)
            entry = file.reapable.popleft()
            file.inflight.remove(entry)
        if entry.discarded:
            status, reply, actual = -errno.ENOENT, b'', 0
        else:
            code, reply = entry.result
            status = URB_STATUS.get(code, -errno.EPROTO)
            reply = reply if entry.setup[0] & 0x80 else b''
            actual = len(reply) if entry.setup[0] & 0x80 else (len(entry.out) if code == OK else 0)
            if status != 0:
                reply, actual = b'', 0
        if reply:
            entry.buf.update(8, reply)
        entry.urb.update(4, struct.pack('<i', status))
        entry.urb.update(28, struct.pack('<i', actual))
        arg.resolve(0, 8).set_ptr(0, entry.urb)
        return (0, 0)

    def control(self, arg):
        """The synchronous USBDEVFS_CONTROL ioctl."""
        transfer = arg.resolve(0, 24)
        raw = bytes(transfer.retrieve())
        setup = raw[:8]
        w_length, timeout = struct.unpack_from('<HI', raw, 6)
        data = transfer.resolve(16, w_length) if w_length else None
        out = b'' if setup[0] & 0x80 or data is None else bytes(data.retrieve())
        status, reply = self.board.control(self.address, setup, out, timeout)
        if status != OK:
            return (-1, IOCTL_ERRNO[status])
        if setup[0] & 0x80:
            if reply and data is not None:
                data.update(0, reply)
            return (len(reply), 0)
        return (len(out), 0)


class Port:
    """One board's place in the testbed, kept in step with its enumeration."""

    def __init__(self, testbed, path):
        self.testbed = testbed
        self.board = Board(path)     # URBs and the other ioctls
        self.watch = Board(path)     # the enumeration poll only
        self.device = None           # UsbfsDevice of the current enumeration
        self.devnode = None
        self.syspath = None

    def refresh(self):
        enumeration = self.watch.enumeration()
        address = enumeration[2] if enumeration else None
        if self.device and self.device.address == address:
            return
        if self.device:
            self.unplug()
        if enumeration:
            self.plug(*enumeration)

    def plug(self, bus, port, address, descriptors):
        self.devnode = f'/dev/bus/usb/{bus:03d}/{address:03d}'
        self.device = UsbfsDevice(self.board, address)
        self.testbed.attach_ioctl(self.devnode, self.device.handler)
        self.testbed.add_from_string(
            f'P: /devices/usb{bus}/{bus}-{port}\n'
            f'N: {self.devnode[5:]}\n'
            f'E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DEVNAME={self.devnode}\n'
            f'E: BUSNUM={bus:03d}\nE: DEVNUM={address:03d}\nE: PRODUCT=483/df11/2200\n'
            f'A: busnum={bus}\nA: devnum={address}\nA: speed=12\nA: bConfigurationValue=1\n'
            f'A: bNumConfigurations=1\nA: maxchild=0\n'
            f'H: descriptors={descriptors.hex()}\n')
        self.syspath = f'/sys/devices/usb{bus}/{bus}-{port}'
        trace(f'plugged {self.syspath} at {self.devnode}')

    def unplug(self):
        trace(f'unplugged {self.syspath} from {self.devnode}')
        self.device.unplug()
        # The "remove" uevent first, while the device's uevent file (DEVNAME,
        # BUSNUM, DEVNUM) still exists: remove_device's own event, sent as
        # the files go, was sometimes lost to libusb, which then kept the old
        # device and, after a re-plug on the same port, read the new one's
        # sysfs through it (a stale device at 1-P whose node is gone).
        self.testbed.uevent(self.syspath, 'remove')
        self.testbed.remove_device(self.syspath)
        self.testbed.detach_ioctl(self.devnode)
        node = self.testbed.get_root_dir() + self.devnode
        if os.path.exists(node):
            os.unlink(node)
        self.device = None


def parse(argv):
    """(socket paths, command) or None."""
    sockets = []
    while len(argv) >= 2 and argv[0] == '--socket':
        sockets.append(argv[1])
        argv = argv[2:]
    if not sockets or len(argv) < 2 or argv[0] != '--':
        return None
    return sockets, argv[1:]


def main(argv):
    parsed = parse(argv)
    if parsed is None:
        sys.stderr.write('usage: umockdev-usb-bridge.py --socket PATH [--socket PATH ...] -- COMMAND [ARGS...]\n')
        return 64
    sockets, command = parsed
    if 'umockdev' not in os.environ.get('LD_PRELOAD', ''):
        sys.stderr.write('umockdev-usb-bridge: run under LD_PRELOAD=libumockdev-preload.so.0 (dfutui simulate does)\n')
        return 69
    testbed = UMockdev.Testbed.new()
    ports = [Port(testbed, path) for path in sockets]
    for port in ports:
        port.refresh()
    root = testbed.get_root_dir()

    loop = GLib.MainLoop()
    outcome = {}
    lost = set()

    def poll():
        for index, port in enumerate(ports):
            try:
                port.refresh()
            except (OSError, ConnectionError) as error:
                if index not in lost:
                    lost.add(index)
                    sys.stderr.write(f'umockdev-usb-bridge: lost board {index + 1}: {error}\n')
        return True

    def run_child():
        try:
            # env=None: the child inherits the C environment, where the
            # testbed has set UMOCKDEV_DIR (os.environ does not see it).
            outcome['status'] = subprocess.call(command)
        except OSError as error:
            sys.stderr.write(f'dfutui simulate: cannot run {command[0]}: {error}\n')
            outcome['status'] = 127
        GLib.idle_add(loop.quit)

    # Ctrl-C belongs to COMMAND (it reaches the whole process group): keep
    # serving the boards until COMMAND ends. A handler, not SIG_IGN, so that
    # COMMAND gets the default disposition back at exec.
    signal.signal(signal.SIGINT, lambda *_: None)
    GLib.timeout_add(20, poll)
    threading.Thread(target=run_child, daemon=True).start()
    loop.run()
    status = outcome.get('status', 1)
    shutil.rmtree(root, ignore_errors=True)
    return 128 - status if status < 0 else status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
