#!/usr/bin/env bash
# run-serve.sh: `weft serve` against nginx serving the same 1 MiB file over loopback, with wrk,
# in the same run: first both on ONE thread (weft --loops 1, nginx worker_processes 1), then on
# as many as there are cores (weft --loops $(nproc), nginx worker_processes $(nproc)).
#
#   weft-bench/run-serve.sh                  5 s per measurement, 64 connections
#   DURATION=10s CONNECTIONS=128 SIZE_KIB=1024 weft-bench/run-serve.sh
#   RUN_SKIP_BUILD=1 ...                     reuse weft-cli/target/weft.jar
#
# weft runs with --quiet (no log line per request) and nginx with access_log off and sendfile on.
# Each measurement: a warm-up (WARMUP, default 5 s: the JIT is still compiling after 2 s on a
# busy machine), then wrk -t1 -c$CONNECTIONS on GET /1m.bin (keep-alive). CPU
# per request: the server's utime+stime (/proc/PID/stat; every nginx process) over the
# measurement divided by the requests wrk counted. wrk shares the cores: compare the servers
# with each other in the same run, not with other runs. A benchmark, never a CI test.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jar="$root/weft-cli/target/weft.jar"
duration="${DURATION:-5s}"
warmup="${WARMUP:-5s}"
conns="${CONNECTIONS:-64}"
size_kib="${SIZE_KIB:-1024}"
port=18085
work="$(mktemp -d "${TMPDIR:-/tmp}/weft-serve-bench.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
source "$root/weft-bench/scripts/bench-lib.sh"; bench_name run-serve
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
nginx_bin="$(nginx_bin)"
[[ -n "$nginx_bin" ]] || die "nginx is not installed (apt-get install nginx-light)"

find_java
build "$root" weft-cli "${RUN_SKIP_BUILD:-}"

chmod 755 "$work"
mkdir -m 755 "$work/www"
head -c $((size_kib << 10)) /dev/urandom > "$work/www/1m.bin"
chmod 644 "$work/www/1m.bin"
cat "$work/www/1m.bin" > /dev/null


# measure NAME PID: prints "NAME req/s MB/s p99 CPU us/req"
measure() {
  local name="$1" pid="$2" before after out rps reqs p99
  wait_port "$port"
  wrk -t1 -c"$conns" -d"$warmup" "http://127.0.0.1:$port/1m.bin" >/dev/null
  before="$(cpu_ticks "$pid")"
  out="$(wrk -t1 -c"$conns" -d"$duration" --latency "http://127.0.0.1:$port/1m.bin")"
  after="$(cpu_ticks "$pid")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  reqs="$(awk '/requests in/ {print $1}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  grep -q "Non-2xx" <<<"$out" && die "$name: wrk saw non-2xx answers: $out"
  awk -v n="$name" -v r="$rps" -v p="$p99" -v c="$((after - before))" -v q="$reqs" -v t="$(getconf CLK_TCK)" -v kib="$size_kib" \
    'BEGIN { printf "%-22s %9.0f req/s  %7.0f MB/s   p99 %-9s   CPU %7.1f us/req\n", n, r, r * kib * 1024 / 1e6, p, (c / t) * 1e6 / q }'
  echo "$rps" > "$work/rps.$name"
}


echo "# $(date -u +%FT%TZ) wrk -t1 -c$conns -d$duration GET /1m.bin ($size_kib KiB), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in 1 "$(nproc)"; do
  "$java" "${weft_flags[@]}" -Xms256m -Xmx256m -jar "$jar" serve "$work/www" --port "$port" --loops "$n" --quiet \
    >"$work/weft.log" 2>&1 & pids+=($!)
  measure "weft serve --loops $n" $!
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  nginx_conf "$work/nginx" "$n" "sendfile on; keepalive_requests 1000000;
  server { listen 127.0.0.1:$port reuseport; root $work/www; }"
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" & pids+=($!)
  measure "nginx, $n worker(s)" $!
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  awk -v w="$(cat "$work/rps.weft serve --loops $n")" -v x="$(cat "$work/rps.nginx, $n worker(s)")" -v n="$n" \
    'BEGIN { printf "  %d thread(s): weft / nginx requests/s %.2fx (goal >= 1.0x)\n", n, w / x }'
done
