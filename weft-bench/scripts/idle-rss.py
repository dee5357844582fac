#!/usr/bin/env python3
"""Resident memory per idle connection of `weft echo`, by style.

For each style: starts `./weft echo --port 0 --loops 1 --style STYLE`, opens N connections
to it, sends one 64-byte message on each and reads the echo back, then leaves them all idle.
Reports, per connection, the growth of the server's RSS (VmRSS) and of its live heap after a
full GC (`jcmd GC.run`, then GC.heap_info "used"), from before the first connect to after the
last echo. Not a test: numbers to compare the styles by, in the same run.

    weft-bench/scripts/idle-rss.py [N] [style ...]     (default: 2000 green callbacks)
"""
import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def heap_used_kib(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"used (\d+)K", out).group(1))


def measure(style, n):
    p = subprocess.Popen([os.path.join(ROOT, "weft"), "echo", "--port", "0", "--loops", "1", "--style", style],
                         stdout=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        port = int(re.search(r":(\d+) ", line).group(1))
        # The JVM's own pid: ./weft execs java, so it is p.pid.
        time.sleep(1)
        heap0, rss0 = heap_used_kib(p.pid), rss_kib(p.pid)
        socks = []
        msg = b"x" * 64
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                got += s.recv(len(msg) - len(got))
            socks.append(s)
        time.sleep(1)
        heap1, rss1 = heap_used_kib(p.pid), rss_kib(p.pid)
        for s in socks:
            s.close()
        return (rss1 - rss0) / n, (heap1 - heap0) / n
    finally:
        p.terminate()
        p.wait(20)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    styles = sys.argv[2:] or ["green", "callbacks"]
    print(f"{n} idle connections, one 64-byte echo each, one loop")
    for style in styles:
        rss, heap = measure(style, n)
        print(f"  {style:10s} RSS +{rss:6.2f} KiB/conn   live heap +{heap:6.2f} KiB/conn")


if __name__ == "__main__":
    main()
