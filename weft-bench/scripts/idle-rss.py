#!/usr/bin/env python3
"""Resident memory per idle connection of `weft echo`, by style or by poller.

For each configuration: starts `./weft echo --port 0 --loops 1` with it (one loop, serial GC,
-Xms64m -Xmx256m, so that every configuration gets the same heap), opens N connections, sends
one 64-byte message on each and reads the echo back, then leaves them all idle. Reports, per
connection, the growth of the server's RSS (VmRSS) and of its live heap after a full GC
(`jcmd GC.run`, then the used space of every generation in GC.heap_info), from before the
first connect to after the last echo. The configurations take turns in each round; medians
over the rounds at the end. Not a test: numbers to compare configurations by, in the same run.

    weft-bench/scripts/idle-rss.py [--rounds R] [--warm W] [--trim] [N] [CONFIG ...]
        CONFIG: a style (green, callbacks) or poller:NAME (poller:epoll, poller:io_uring)
        default: 1 round, 2000 connections, green callbacks
        --warm W: before the first reading, open W connections, echo on each, close them all
                  (the JIT compiles the connect and echo paths outside the measurement)
        --trim:   `jcmd System.trim_native_heap` before each reading, so that memory malloc
                  keeps after free (the JIT compilers' arenas) is not counted as the connections'
    e.g. weft-bench/scripts/idle-rss.py --rounds 3 10000 poller:epoll poller:io_uring
         weft-bench/scripts/idle-rss.py --rounds 3 --warm 10000 --trim 10000 poller:epoll poller:io_uring

Without --warm and --trim most of the noise between rounds is the JIT: the C2 compiler's arena
chunks (NMT "Arena Chunk", 5-13 MiB during a 10,000-connection burst) sit in glibc malloc arenas
that keep their pages after the compile, so they count as ~0.5-1.3 KiB "per connection".
"""
import os
import re
import resource
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JVM_FLAGS = ["-XX:+UseSerialGC", "-Xms64m", "-Xmx256m"]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def heap_used_kib(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    # Serial GC prints a line per generation ("DefNew total ..K, used ..K", "Tenured total ...";
    # older JDKs "def new generation" and "tenured generation"): after a full GC the live objects
    # sit in the tenured one, so taking only the first line would miss them.
    return sum(int(m) for m in re.findall(r"(?:DefNew|Tenured|generation)\s+total \d+K, used (\d+)K", out))


TRIM = False


def trim(pid):
    if TRIM:
        subprocess.run(["jcmd", str(pid), "System.trim_native_heap"], capture_output=True, check=True)


def echo_connections(port, n):
    socks = []
    msg = b"x" * 64
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            got += s.recv(len(msg) - len(got))
        socks.append(s)
    return socks


def command(config):
    kind, _, value = config.partition(":")
    flags = ["--poller", value] if kind == "poller" else ["--style", config]
    return [os.path.join(ROOT, "weft"), "echo", "--port", "0", "--loops", "1"] + flags


def measure(config, n, warm):
    env = dict(os.environ, WEFT_JAVA_OPTS=" ".join(JVM_FLAGS))
    p = subprocess.Popen(command(config), stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = p.stdout.readline()
        port = int(re.search(r":(\d+) ", line).group(1))
        # The JVM's own pid: ./weft execs java, so it is p.pid.
        if warm:
            for s in echo_connections(port, warm):
                s.close()
        time.sleep(1.5)
        heap0 = heap_used_kib(p.pid)
        trim(p.pid)
        rss0 = rss_kib(p.pid)
        socks = echo_connections(port, n)
        time.sleep(1)
        heap1 = heap_used_kib(p.pid)
        trim(p.pid)
        rss1 = rss_kib(p.pid)
        for s in socks:
            s.close()
        return (rss1 - rss0) / n, (heap1 - heap0) / n, rss0, rss1
    finally:
        p.terminate()
        p.wait(20)


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    global TRIM
    args = sys.argv[1:]
    rounds, warm = 1, 0
    while args[:1] in (["--rounds"], ["--warm"], ["--trim"]):
        if args[0] == "--trim":
            TRIM, args = True, args[1:]
        elif args[0] == "--rounds":
            rounds, args = int(args[1]), args[2:]
        else:
            warm, args = int(args[1]), args[2:]
    n = int(args[0]) if args else 2000
    configs = args[1:] or ["green", "callbacks"]
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    print(f"{n} idle connections, one 64-byte echo each, one loop; warm-up {warm}, trim {TRIM};"
          f" load {os.getloadavg()[0]:.2f}")
    results = {c: [] for c in configs}
    for r in range(rounds):
        for c in configs:
            rss, heap, rss0, rss1 = measure(c, n, warm)
            results[c].append((rss, heap))
            print(f"  round {r}  {c:16s} RSS +{rss:6.2f} KiB/conn   live heap +{heap:6.2f} KiB/conn"
                  f"   (RSS {rss0} -> {rss1} KiB)", flush=True)
    for c in configs:
        print(f"median {c:16s} RSS +{median(x[0] for x in results[c]):6.2f} KiB/conn"
              f"   live heap +{median(x[1] for x in results[c]):6.2f} KiB/conn")


if __name__ == "__main__":
    main()
