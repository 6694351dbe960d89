#!/usr/bin/env python3
"""statesaves.py DIR NAME SECONDS: count how often NAME in DIR is replaced
(renamed into place) over SECONDS, with Linux's inotify (the test runs on
Linux; the agent under test does not care). Prints the count."""
import ctypes
import os
import select
import struct
import sys
import time

IN_MOVED_TO = 0x80
d, name, secs = sys.argv[1], sys.argv[2].encode(), float(sys.argv[3])
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init()
if fd < 0 or libc.inotify_add_watch(fd, d.encode(), IN_MOVED_TO) < 0:
    sys.exit("inotify: %s" % os.strerror(ctypes.get_errno()))
n, end = 0, time.time() + secs
while time.time() < end:
    r, _, _ = select.select([fd], [], [], max(0, end - time.time()))
    if not r:
        break
    buf = os.read(fd, 65536)
    i = 0
    while i < len(buf):
        _, mask, _, ln = struct.unpack_from("iIII", buf, i)
        if buf[i + 16:i + 16 + ln].rstrip(b"\0") == name:
            n += 1
        i += 16 + ln
print(n)
