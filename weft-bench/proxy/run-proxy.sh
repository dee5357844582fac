#!/usr/bin/env bash
# run-proxy.sh: `weft proxy tcp` against HAProxy (mode tcp) and nginx (stream) on loopback, in
# one run, each with ONE thread/worker pinned to one core, the load from proxyload.c (C, pinned
# to the other core).
#
#   weft-bench/proxy/run-proxy.sh                      5 rounds, 4 GiB bulk, 100 x 3 s ping-pong
#   ROUNDS=7 MIB=8192 PP_SECONDS=5 weft-bench/proxy/run-proxy.sh
#   RUN_PROXY_SKIP_BUILD=1 ...                         reuse weft-cli/target/weft.jar
#   PROXY_CPU=1 LOAD_CPU=0 ...                         the cores (default: the last one for the
#                                                      proxy, the first for the load); PIN=0: no pinning
#   PEERS="weft haproxy" ...                           only these (direct is always run); the
#                                                      default is all but haproxy-splice-auto and
#                                                      weft-uring-copy-unbounded
#   SOURCE=vmsplice ...                                the bulk source vmsplices instead of send(2)
#   PORT_BASE=29000 ...                                the loopback ports used, from PORT_BASE+1 to
#                                                      +32 (default 19000): two runs at once must differ
#
# Peers: direct (no proxy: the generator's own rate, and the baseline for added latency); weft
# (`weft proxy tcp`, epoll: bulk moves by splice(2), small messages copy); weft-copy
# (-Dweft.relay.splice=false: the copying relay); weft-uring (--poller io_uring: bulk by the ring's
# splice, small messages copy); weft-uring-copy (--poller io_uring --no-zero-copy: the copying relay
# on the ring); weft-uring-copy-unbounded (only when asked for in PEERS: the same without the 64 KiB
# total per arming of the multishot receive, -Dweft.uring.recvLimit=false); haproxy (mode tcp); haproxy-splice (the same on its splice(2)
# path, forced with splice-request and splice-response); haproxy-splice-auto (`option splice-auto`,
# only when asked for in PEERS: it copied here, see below); nginx (stream, which has no splice).
#
# Why C and pinning: with the earlier Java generator (blocking sockets) sharing two cores with the
# proxy, every proxy moved the same ~0.65x of a direct connection's rate: the generator set it.
# proxyload.c's source send(2)s from a pre-touched buffer and its sink splices to /dev/null, ~0.15
# CPU s/GB for both together (about 5.8 GB/s on one core direct), and the proxy gets a core to
# itself, so a proxy that needs more than ~0.2 CPU s/GB is what sets the rate. The "proxy busy"
# column says so: the proxy's CPU time over the wall time, 1.00 = its core was full.
#
# Per round and per peer:
#   bulk      one connection sends MIB MiB through the proxy to the sink: GB/s, and CPU s per GB of
#             the proxy (utime+stime from /proc/PID/stat, children included for nginx), the source
#             (its getrusage) and the sink
#   pingpong  CONNS connections on one client thread each send SIZE bytes and wait for the echo,
#             for PP_SECONDS: round trips/s, p99 latency, CPU µs per round trip of the proxy, the
#             client and the echo server. A closed loop: with CONNS in flight, latency is mostly
#             queueing (CONNS / rate), so a proxy's added p99 follows its CPU per round trip.
#   latency   the same with ONE connection (LAT_SECONDS): the time one message takes through the
#             proxy and back with nothing queued, p50 and p99
# Added latency = the peer's p99 minus direct's p99 in the same round. The medians over the rounds
# are printed last, with each Weft's ratios to each peer. Peers run with their defaults apart from
# one thread (HAProxy: nbthread 1; nginx: worker_processes 1, default proxy_buffer_size). A peer
# that is not installed is skipped with a line saying so. Other processes on the machine still
# share the cores: compare peers within one run, never across runs, and read the load average.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
here="$root/weft-bench/proxy"
jar="$root/weft-cli/target/weft.jar"
rounds="${ROUNDS:-5}"
mib="${MIB:-4096}"
conns="${CONNS:-100}"
pp_seconds="${PP_SECONDS:-3}"
lat_seconds="${LAT_SECONDS:-2}"
size="${SIZE:-64}"
ncpu="$(nproc)"
proxy_cpu="${PROXY_CPU:-$((ncpu - 1))}"
load_cpu="${LOAD_CPU:-0}"
want="${PEERS:-weft weft-copy weft-uring weft-uring-copy haproxy haproxy-splice nginx}"
port_base="${PORT_BASE:-19000}"
sink=$((port_base + 1)) echo_port=$((port_base + 2))
work="$(mktemp -d "${TMPDIR:-/tmp}/weft-proxy-bench.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source "$root/weft-bench/scripts/bench-lib.sh"; bench_name run-proxy
find_java
build "$root" weft-cli "${RUN_PROXY_SKIP_BUILD:-}"
command -v gcc >/dev/null || die "gcc is needed for the load generator (apt-get install gcc)"
gcc -O2 -Wall -o "$work/proxyload" "$here/proxyload.c" || die "proxyload.c did not compile"

if [[ "${PIN:-1}" == 1 && "$ncpu" -ge 2 ]]; then
  on_proxy=(taskset -c "$proxy_cpu") on_load=(taskset -c "$load_cpu")
  pinning="proxy on cpu $proxy_cpu, load on cpu $load_cpu"
else
  on_proxy=() on_load=() pinning="not pinned"
fi
load() { "${on_load[@]}" "$work/proxyload" "$@"; }
wanted() { [[ " $want " == *" $1 "* ]]; }

tck="$(getconf CLK_TCK)"

echo "# run-proxy $(date -u +%FT%TZ): rounds=$rounds bulk=${mib}MiB pingpong=${conns}x${pp_seconds}s latency=1x${lat_seconds}s size=$size; $pinning"
echo "# load before: $(uptime)"

"${on_load[@]}" "$work/proxyload" sink "$sink" > "$work/sink.out" & sinkpid=$!; pids+=($sinkpid)
"${on_load[@]}" "$work/proxyload" echo "$echo_port" > "$work/echo.out" & echopid=$!; pids+=($echopid)
wait_port "$sink"; wait_port "$echo_port"

# peers: NAME BULK_PORT PINGPONG_PORT PID_FOR_BULK PID_FOR_PINGPONG
peers=("direct $sink $echo_port 0 0")

# weft_peer NAME BASE_PORT JVM_AND_PROXY_FLAGS...: a bulk and a ping-pong `weft proxy tcp`, one loop each.
weft_peer() {
  local name="$1" base="$2" jvm=() flags=()
  shift 2
  for a in "$@"; do if [[ "$a" == -D* ]]; then jvm+=("$a"); else flags+=("$a"); fi; done
  "${on_proxy[@]}" "$java" "${jvm[@]}" "${weft_flags[@]}" -jar "$jar" proxy tcp --loops 1 --port "$base" \
    --to "127.0.0.1:$sink" --no-checks --max-per-client 0 "${flags[@]}" > "$work/$name-bulk.out" 2>&1 & local b=$!
  "${on_proxy[@]}" "$java" "${jvm[@]}" "${weft_flags[@]}" -jar "$jar" proxy tcp --loops 1 --port "$((base + 1))" \
    --to "127.0.0.1:$echo_port" --no-checks --max-per-client 0 "${flags[@]}" > "$work/$name-pp.out" 2>&1 & local p=$!
  pids+=($b $p)
  wait_port "$base"; wait_port "$((base + 1))"
  peers+=("$name $base $((base + 1)) $b $p")
}
wanted weft && weft_peer weft $((port_base + 11))
wanted weft-copy && weft_peer weft-copy $((port_base + 13)) -Dweft.relay.splice=false
wanted weft-uring && weft_peer weft-uring $((port_base + 15)) --poller io_uring
wanted weft-uring-copy && weft_peer weft-uring-copy $((port_base + 17)) --poller io_uring --no-zero-copy
wanted weft-uring-copy-unbounded && weft_peer weft-uring-copy-unbounded $((port_base + 19)) --poller io_uring \
  --no-zero-copy -Dweft.uring.recvLimit=false

if command -v haproxy >/dev/null; then
  cat > "$work/haproxy.cfg" <<CFG
global
  maxconn 4096
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
listen bulk
  bind 127.0.0.1:$((port_base + 21))
  server s 127.0.0.1:$sink
listen pingpong
  bind 127.0.0.1:$((port_base + 22))
  server s 127.0.0.1:$echo_port
CFG
  if wanted haproxy; then
    "${on_proxy[@]}" haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.out" 2>&1 & hp=$!; pids+=($hp)
    wait_port $((port_base + 21)); wait_port $((port_base + 22))
    peers+=("haproxy $((port_base + 21)) $((port_base + 22)) $hp $hp")
  fi
  # haproxy_peer NAME BASE_PORT OPTIONS: the same listeners on BASE_PORT and BASE_PORT+1 with OPTIONS.
  haproxy_peer() {
    sed -e "s/^  mode tcp\$/  mode tcp\n$3/" \
      -e "s/127.0.0.1:$((port_base + 21))/127.0.0.1:$2/" -e "s/127.0.0.1:$((port_base + 22))/127.0.0.1:$(($2 + 1))/" \
      "$work/haproxy.cfg" > "$work/$1.cfg"
    "${on_proxy[@]}" haproxy -db -f "$work/$1.cfg" > "$work/$1.out" 2>&1 & local h=$!; pids+=($h)
    wait_port "$2"; wait_port "$(($2 + 1))"
    peers+=("$1 $2 $(($2 + 1)) $h $h")
  }
  # splice-auto alone leaves this bulk path on recv/send of 16 KiB buffers (strace: 64k sendto,
  # 35k splice per 2 GiB; the same rate and CPU as plain mode tcp), so the splice peer forces it.
  wanted haproxy-splice && haproxy_peer haproxy-splice $((port_base + 23)) '  option splice-request\n  option splice-response'
  wanted haproxy-splice-auto && haproxy_peer haproxy-splice-auto $((port_base + 25)) '  option splice-auto'
  echo "# haproxy: $(haproxy -v | head -1)"
else
  echo "# haproxy: skipped, not installed (apt-get install haproxy)"
fi

stream_mod=""
for m in /usr/lib/nginx/modules/ngx_stream_module.so /usr/share/nginx/modules/ngx_stream_module.so; do
  [[ -r "$m" ]] && stream_mod="$m"
done
if ! wanted nginx; then
  :
elif command -v nginx >/dev/null && { [[ -n "$stream_mod" ]] || nginx -V 2>&1 | grep -q -- '--with-stream[^=]'; }; then
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<CFG
${stream_mod:+load_module $stream_mod;}
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
stream {
  proxy_half_close on;  # 1.21.4+: keep the other way open after a FIN, as the others do
  server { listen 127.0.0.1:$((port_base + 31)); proxy_pass 127.0.0.1:$sink; }
  server { listen 127.0.0.1:$((port_base + 32)); proxy_pass 127.0.0.1:$echo_port; }
}
CFG
  "${on_proxy[@]}" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" > "$work/nginx.out" 2>&1 & np=$!; pids+=($np)
  wait_port $((port_base + 31)); wait_port $((port_base + 32))
  peers+=("nginx $((port_base + 31)) $((port_base + 32)) $np $np")
  echo "# nginx: $(nginx -v 2>&1) stream module ${stream_mod:-built in}"
else
  echo "# nginx stream: skipped, no stream module (apt-get install nginx-light libnginx-mod-stream)"
fi

# Warm-up: the JIT for Weft, the page cache and connection paths for everyone.
for peer in "${peers[@]}"; do
  read -r name bp pp _ _ <<<"$peer"
  load bulk "$bp" "$mib" >/dev/null
  load pingpong "$pp" "$conns" "$pp_seconds" "$size" >/dev/null
  load pingpong "$pp" 1 "$lat_seconds" "$size" >/dev/null
done

ticks() { if [[ "$1" == 0 ]]; then echo 0; else cpu_ticks "$1"; fi; }
per() { awk -v c="$1" -v t="$tck" -v n="$2" -v k="$3" 'BEGIN { printf "%.3f", (c / t) * k / n }'; }

results="$work/results"
: > "$results"
for r in $(seq 1 "$rounds"); do
  echo "# round $r load: $(cut -d' ' -f1-3 /proc/loadavg)"
  for peer in "${peers[@]}"; do
    read -r name bp pp pidb pidp <<<"$peer"
    b0="$(ticks "$pidb")" s0="$(cpu_ticks "$sinkpid")"
    out="$(load bulk "$bp" "$mib")"
    b1="$(ticks "$pidb")" s1="$(cpu_ticks "$sinkpid")"
    read -r _ bytes sec gbps src_cpu <<<"$out"
    proxy_gb="$(per $((b1 - b0)) "$bytes" 1e9)" sink_gb="$(per $((s1 - s0)) "$bytes" 1e9)"
    src_gb="$(awk -v c="$src_cpu" -v b="$bytes" 'BEGIN { printf "%.3f", c / (b / 1e9) }')"
    busy="$(awk -v c=$((b1 - b0)) -v t="$tck" -v s="$sec" 'BEGIN { printf "%.2f", c / t / s }')"
    echo "bulk $name $gbps $proxy_gb $src_gb $sink_gb $busy" >> "$results"
    printf 'round %d  %-14s bulk      %6s GB/s   CPU s/GB: proxy %6s source %6s sink %6s   proxy busy %s\n' \
      "$r" "$name" "$gbps" "$proxy_gb" "$src_gb" "$sink_gb" "$busy"
  done
  for peer in "${peers[@]}"; do
    read -r name bp pp pidb pidp <<<"$peer"
    c0="$(ticks "$pidp")" e0="$(cpu_ticks "$echopid")"
    out="$(load pingpong "$pp" "$conns" "$pp_seconds" "$size")"
    c1="$(ticks "$pidp")" e1="$(cpu_ticks "$echopid")"
    read -r _ trips sec rts p50 p99 cli_cpu <<<"$out"
    out1="$(load pingpong "$pp" 1 "$lat_seconds" "$size")"
    read -r _ _ _ _ l50 l99 _ <<<"$out1"
    proxy_rt="$(per $((c1 - c0)) "$trips" 1e6)" echo_rt="$(per $((e1 - e0)) "$trips" 1e6)"
    cli_rt="$(awk -v c="$cli_cpu" -v n="$trips" 'BEGIN { printf "%.3f", c * 1e6 / n }')"
    busy="$(awk -v c=$((c1 - c0)) -v t="$tck" -v s="$sec" 'BEGIN { printf "%.2f", c / t / s }')"
    echo "pingpong $name $rts $p99 $proxy_rt $cli_rt $echo_rt $busy $l50 $l99" >> "$results"
    printf 'round %d  %-14s pingpong  %7s rt/s  p99 %7s us   CPU us/rt: proxy %6s client %6s echo %6s   proxy busy %s   1 conn p50 %6s p99 %6s us\n' \
      "$r" "$name" "$rts" "$p99" "$proxy_rt" "$cli_rt" "$echo_rt" "$busy" "$l50" "$l99"
  done
done

echo "# load after: $(uptime)"
echo
echo "medians over $rounds rounds:"
awk '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function add(key, v) { L[key] = L[key] " " v }
  $1 == "bulk" {
    if (!($2 in seen)) { order[++k] = $2; seen[$2] = 1 }
    add($2 " g", $3); add($2 " c", $4); add($2 " src", $5); add($2 " sink", $6); add($2 " busy", $7)
  }
  $1 == "pingpong" {
    add($2 " r", $3); add($2 " p", $4); add($2 " u", $5); add($2 " cli", $6); add($2 " echo", $7)
    add($2 " pbusy", $8); add($2 " l50", $9); add($2 " l99", $10)
  }
  END {
    for (key in L) M[key] = median(L[key])
    printf "  %-14s %6s %7s %6s %6s %5s | %7s %8s %8s %6s %6s %6s %5s | %7s %7s %8s\n", "", "GB/s", "proxy", "source", "sink", "busy",
      "rt/s", "p99 us", "added", "proxy", "client", "echo", "busy", "1c p50", "1c p99", "1c added"
    printf "  %-14s %6s %7s %6s %6s %5s | %7s %8s %8s %6s %6s %6s %5s | %7s %7s %8s\n", "", "", "CPU s/GB", "", "", "",
      "", "", "p99 us", "CPU us/rt", "", "", "", "", "", "p99 us"
    for (i = 1; i <= k; i++) {
      n = order[i]
      printf "  %-14s %6.3f %7.3f %6.3f %6.3f %5.2f | %7.0f %8.1f %+8.1f %6.2f %6.2f %6.2f %5.2f | %7.1f %7.1f %+8.1f\n",
        n, M[n " g"], M[n " c"], M[n " src"], M[n " sink"], M[n " busy"],
        M[n " r"], M[n " p"], M[n " p"] - M["direct p"], M[n " u"], M[n " cli"], M[n " echo"], M[n " pbusy"],
        M[n " l50"], M[n " l99"], M[n " l99"] - M["direct l99"]
    }
    split("weft weft-copy weft-uring weft-uring-copy", mine, " ")
    for (j = 1; j <= 4; j++) {
      w = mine[j]
      if (!((w " g") in M)) continue
      for (i = 1; i <= k; i++) {
        n = order[i]
        if (n ~ /^(direct|weft)/) continue
        printf "  %-10s / %-14s throughput %.2fx  CPU per GB %.2fx  round trips/s %.2fx  CPU per rt %.2fx  added p99 %+.1f us  1-conn added p99 %+.1f us\n",
          w, n, M[w " g"] / M[n " g"], (M[n " c"] > 0 ? M[w " c"] / M[n " c"] : 0), M[w " r"] / M[n " r"],
          (M[n " u"] > 0 ? M[w " u"] / M[n " u"] : 0), M[w " p"] - M[n " p"], M[w " l99"] - M[n " l99"]
      }
    }
  }' "$results"
