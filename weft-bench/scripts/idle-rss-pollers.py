#!/usr/bin/env python3
# RSS and live heap per idle connection of `weft echo --poller P` (one loop, serial GC), pollers
# alternated in the same run: weft-bench/scripts/idle-rss-pollers.py N ROUNDS epoll,io_uring
import os, re, socket, subprocess, sys, time, resource
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
def rss(pid):
    s = open(f"/proc/{pid}/status").read()
    return int(re.search(r"VmRSS:\s+(\d+) kB", s).group(1))
def heap(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    return sum(int(m) for m in re.findall(r"(?:DefNew|Tenured|generation)\s+total \d+K, used (\d+)K", out))
def measure(poller, n, extra):
    env = dict(os.environ)
    env["WEFT_JAVA_OPTS"] = " ".join(["-XX:+UseSerialGC", "-Xms64m", "-Xmx256m"] + extra)
    p = subprocess.Popen([os.path.join(ROOT, "weft"), "echo", "--port", "0", "--loops", "1", "--poller", poller],
                         stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = p.stdout.readline()
        port = int(re.search(r":(\d+) ", line).group(1))
        time.sleep(1.5)
        h0, r0 = heap(p.pid), rss(p.pid)
        socks = []
        msg = b"x" * 64
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                got += s.recv(64)
            socks.append(s)
        time.sleep(1)
        h1, r1 = heap(p.pid), rss(p.pid)
        for s in socks: s.close()
        return (r1 - r0) / n, (h1 - h0) / n, r0, r1
    finally:
        p.terminate(); p.wait(20)
n = int(sys.argv[1]); rounds = int(sys.argv[2]); pollers = sys.argv[3].split(",")
extra = sys.argv[4:]
print(f"{n} idle conns, load {os.getloadavg()[0]:.2f}")
res = {q: [] for q in pollers}
for r in range(rounds):
    for q in pollers:
        x = measure(q, n, extra); res[q].append(x)
        print(f"  r{r} {q:9s} RSS +{x[0]:.2f} KiB/conn heap +{x[1]:.2f} KiB/conn (rss {x[2]} -> {x[3]} KiB)", flush=True)
for q in pollers:
    v = sorted(a[0] for a in res[q]); h = sorted(a[1] for a in res[q])
    print(f"median {q:9s} RSS {v[len(v)//2]:.2f} KiB/conn heap {h[len(h)//2]:.2f}")
