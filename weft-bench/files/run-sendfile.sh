#!/usr/bin/env bash
# run-sendfile.sh: a cached 1 GiB file sent to a local client over loopback, by four servers one
# after another in the same run, each answering one connection at a time on one thread:
#   c          src/main/c/sendfile_server.c: blocking sendfile(2) until done (the goal's peer)
#   weft       SendFileServer on the epoll loop: Transport.sendFile, zero copy (sendfile(2))
#   weft-nio   the same on the NIO loop (FileChannel.transferTo)
#   weft-uring the same on the io_uring loop (IORING_OP_SPLICE rounds, file -> pipe -> socket)
#   weft-copy  the same through the copy loop (AsyncFile reads written to the transport)
#   nginx      nginx with sendfile on, one worker, serving the file from a world-readable dir
# The client (src/main/c/drain_client.c, compiled here with gcc) is the same for all: it asks for
# the file over HTTP/1.0 and reads it to the end into a reused 1 MiB buffer.
#
#   weft-bench/files/run-sendfile.sh [DIR]   DIR holds the test file (default /tmp); deleted after
#   ROUNDS=7 SIZE_MIB=1024 RUN_SKIP_BUILD=1 weft-bench/files/run-sendfile.sh
#
# Per server: one warm-up round, then ROUNDS rounds. Rate: the median round's GB/s (1 GB = 1e9
# bytes), connect to end of stream as the client saw it. CPU: the server process's utime+stime
# (/proc/PID/stat) summed over the rounds, divided by the bytes: seconds per GB. A benchmark,
# never a CI test; the client and the server share the machine's cores.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
jar="$root/weft-bench/target/weft-bench.jar"
rounds="${ROUNDS:-5}"
size_mib="${SIZE_MIB:-1024}"
port=18090
work="$(mktemp -d "${1:-/tmp}/weft-sendfile-bench.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
source "$root/weft-bench/scripts/bench-lib.sh"; bench_name run-sendfile
command -v gcc >/dev/null || die "gcc is not installed (apt-get install gcc)"

find_java
build "$root" weft-bench "${RUN_SKIP_BUILD:-}"
gcc -O2 -o "$work/sendfile_server" "$root/weft-bench/src/main/c/sendfile_server.c"
gcc -O2 -o "$work/drain_client" "$root/weft-bench/src/main/c/drain_client.c"

chmod 755 "$work"
mkdir -m 755 "$work/www"
big="$work/www/big.bin"
head -c $((size_mib << 20)) /dev/urandom > "$big"
chmod 644 "$big"
cat "$big" > /dev/null # into the page cache
bytes=$(stat -c %s "$big")

# run NAME PID: warm-up, ROUNDS rounds, one line of results; stops the server.
run() {
  local name="$1" pid="$2" rates=() ticks=0 total=0
  wait_port "$port"
  "$work/drain_client" "$port" /big.bin >/dev/null
  for _ in $(seq 1 "$rounds"); do
    local before after out got secs
    before="$(cpu_ticks "$pid")"
    out="$("$work/drain_client" "$port" /big.bin)"
    after="$(cpu_ticks "$pid")"
    got="$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$out")"
    secs="$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$out")"
    [[ -n "$got" && "$got" -ge "$bytes" ]] || die "$name: short answer: $out"
    rates+=("$(awk -v b="$got" -v s="$secs" 'BEGIN { printf "%.3f", b / s / 1e9 }')")
    ticks=$((ticks + after - before))
    total=$((total + got))
  done
  local median; median="$(printf '%s\n' "${rates[@]}" | median)"
  awk -v n="$name" -v m="$median" -v all="${rates[*]}" -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v b="$total" \
    'BEGIN { printf "%-10s %6.2f GB/s (median of %s)   server CPU %.3f s/GB\n", n, m, all, (t / hz) / (b / 1e9) }'
  echo "$median" > "$work/rate.$name"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

echo "# $(date -u +%FT%TZ) $((bytes >> 20)) MiB cached, $rounds rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$work/sendfile_server" "$port" "$big" & pids+=($!)
run c $!
for v in "weft epoll zero" "weft-nio nio zero" "weft-uring io_uring zero" "weft-copy epoll copy"; do
  read -r name poller mode <<<"$v"
  "$java" "${weft_flags[@]}" -Xms256m -Xmx256m -cp "$jar" io.weft.bench.sendfile.SendFileServer "$port" "$big" "$poller" "$mode" \
    >"$work/$name.log" 2>&1 & pids+=($!)
  run "$name" $!
done
nginx_bin="$(nginx_bin)"
if [[ -n "$nginx_bin" ]]; then
  nginx_conf "$work/nginx" 1 "sendfile on; server { listen 127.0.0.1:$port; root $work/www; }"
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" & pids+=($!)
  run nginx $!
else
  echo "nginx is not installed: skipped (apt-get install nginx-light)"
fi
awk -v w="$(cat "$work/rate.weft")" -v c="$(cat "$work/rate.c")" 'BEGIN { printf "weft / c sendfile: %.2fx (goal >= 0.9x)\n", w / c }'
awk -v w="$(cat "$work/rate.weft-uring")" -v c="$(cat "$work/rate.c")" -v e="$(cat "$work/rate.weft")" \
  'BEGIN { printf "weft-uring / c sendfile: %.2fx, / weft epoll: %.2fx\n", w / c, w / e }'
