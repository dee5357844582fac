#!/usr/bin/env bash
# run-proxy.sh: `weft proxy tcp` against HAProxy (mode tcp) and nginx (stream) on loopback, in
# one run, each with ONE thread/worker, the load from ProxyLoad.java (plain blocking sockets).
#
#   weft-bench/proxy/run-proxy.sh                      3 rounds, 1 GiB bulk, 100 x 3 s ping-pong
#   ROUNDS=5 MIB=4096 PP_SECONDS=5 weft-bench/proxy/run-proxy.sh
#   RUN_PROXY_SKIP_BUILD=1 ...                         reuse weft-cli/target/weft.jar
#
# Peers: direct (no proxy, the baseline for added latency); weft (`weft proxy tcp`: bulk moves by
# splice(2) on the default epoll backend, small messages copy); weft-copy (-Dweft.relay.splice=false: the
# copying relay); haproxy (mode tcp); haproxy-splice (the same with `option splice-auto`, its
# splice(2) path); nginx (stream, which has no splice).
#
# Per round and per peer:
#   bulk      one connection writes MIB MiB through the proxy to a sink: GB/s, and the proxy
#             process's CPU (utime+stime from /proc/PID/stat, children included for nginx)
#             per GB moved
#   pingpong  CONNS connections each send SIZE bytes and wait for the echo, for PP_SECONDS:
#             round trips/s, p99 latency, CPU microseconds per round trip
# The medians over the rounds are printed last, with Weft's ratios to each peer. Peers run
# with their defaults apart from one thread (HAProxy: nbthread 1; nginx: worker_processes 1,
# default proxy_buffer_size). A peer that is not installed is skipped with
# a line saying so. The load generator shares the machine with the proxies: compare peers
# within one run, never across runs.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
here="$root/weft-bench/proxy"
jar="$root/weft-cli/target/weft.jar"
rounds="${ROUNDS:-3}"
mib="${MIB:-1024}"
conns="${CONNS:-100}"
pp_seconds="${PP_SECONDS:-3}"
size="${SIZE:-64}"
sink=19001 echo_port=19002
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
javac="${java%/java}/javac"
build "$root" weft-cli "${RUN_PROXY_SKIP_BUILD:-}"
"$javac" -d "$work" "$here/ProxyLoad.java"
load() { "$java" -cp "$work" ProxyLoad "$@"; }

tck="$(getconf CLK_TCK)"

echo "# run-proxy $(date -u +%FT%TZ): rounds=$rounds bulk=${mib}MiB pingpong=${conns}x${pp_seconds}s size=$size"
echo "# load before: $(uptime)"

"$java" -cp "$work" ProxyLoad servers "$sink" "$echo_port" > "$work/servers.out" & pids+=($!)
wait_port "$sink"; wait_port "$echo_port"

# peers: NAME BULK_PORT PINGPONG_PORT PID_FOR_BULK PID_FOR_PINGPONG
peers=("direct $sink $echo_port 0 0")

"$java" "${weft_flags[@]}" -jar "$jar" proxy tcp --loops 1 --port 19011 --to "127.0.0.1:$sink" --no-checks \
  --max-per-client 0 > "$work/weft-bulk.out" 2>&1 & wb=$!; pids+=($wb)
"$java" "${weft_flags[@]}" -jar "$jar" proxy tcp --loops 1 --port 19012 --to "127.0.0.1:$echo_port" --no-checks \
  --max-per-client 0 > "$work/weft-pp.out" 2>&1 & wp=$!; pids+=($wp)
"$java" -Dweft.relay.splice=false "${weft_flags[@]}" -jar "$jar" proxy tcp --loops 1 --port 19013 --to "127.0.0.1:$sink" --no-checks \
  --max-per-client 0 > "$work/weftc-bulk.out" 2>&1 & cb=$!; pids+=($cb)
"$java" -Dweft.relay.splice=false "${weft_flags[@]}" -jar "$jar" proxy tcp --loops 1 --port 19014 --to "127.0.0.1:$echo_port" --no-checks \
  --max-per-client 0 > "$work/weftc-pp.out" 2>&1 & cp=$!; pids+=($cp)
wait_port 19011; wait_port 19012; wait_port 19013; wait_port 19014
peers+=("weft 19011 19012 $wb $wp")
peers+=("weft-copy 19013 19014 $cb $cp")

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
  bind 127.0.0.1:19021
  server s 127.0.0.1:$sink
listen pingpong
  bind 127.0.0.1:19022
  server s 127.0.0.1:$echo_port
CFG
  haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.out" 2>&1 & hp=$!; pids+=($hp)
  sed -e 's/^  mode tcp$/  mode tcp\n  option splice-auto/' \
    -e 's/127.0.0.1:19021/127.0.0.1:19023/' -e 's/127.0.0.1:19022/127.0.0.1:19024/' \
    "$work/haproxy.cfg" > "$work/haproxy-splice.cfg"
  haproxy -db -f "$work/haproxy-splice.cfg" > "$work/haproxy-splice.out" 2>&1 & hs=$!; pids+=($hs)
  wait_port 19021; wait_port 19022; wait_port 19023; wait_port 19024
  peers+=("haproxy 19021 19022 $hp $hp")
  peers+=("haproxy-splice 19023 19024 $hs $hs")
  echo "# haproxy: $(haproxy -v | head -1)"
else
  echo "# haproxy: skipped, not installed (apt-get install haproxy)"
fi

stream_mod=""
for m in /usr/lib/nginx/modules/ngx_stream_module.so /usr/share/nginx/modules/ngx_stream_module.so; do
  [[ -r "$m" ]] && stream_mod="$m"
done
if command -v nginx >/dev/null && { [[ -n "$stream_mod" ]] || nginx -V 2>&1 | grep -q -- '--with-stream[^=]'; }; then
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
  server { listen 127.0.0.1:19031; proxy_pass 127.0.0.1:$sink; }
  server { listen 127.0.0.1:19032; proxy_pass 127.0.0.1:$echo_port; }
}
CFG
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" > "$work/nginx.out" 2>&1 & np=$!; pids+=($np)
  wait_port 19031; wait_port 19032
  peers+=("nginx 19031 19032 $np $np")
  echo "# nginx: $(nginx -v 2>&1) stream module ${stream_mod:-built in}"
else
  echo "# nginx stream: skipped, no stream module (apt-get install nginx-light libnginx-mod-stream)"
fi

# Warm-up: the JIT for Weft, the page cache and connection paths for everyone.
for peer in "${peers[@]}"; do
  read -r name bp pp _ _ <<<"$peer"
  load bulk "$bp" "$mib" >/dev/null
  load pingpong "$pp" "$conns" "$pp_seconds" "$size" >/dev/null
done

results="$work/results"
: > "$results"
for r in $(seq 1 "$rounds"); do
  for peer in "${peers[@]}"; do
    read -r name bp pp pidb pidp <<<"$peer"
    b0=0; [[ "$pidb" != 0 ]] && b0="$(cpu_ticks "$pidb")"
    out="$(load bulk "$bp" "$mib")"
    b1=0; [[ "$pidb" != 0 ]] && b1="$(cpu_ticks "$pidb")"
    read -r _ bytes sec gbps <<<"$out"
    cpu_gb="$(awk -v c=$((b1 - b0)) -v t="$tck" -v b="$bytes" 'BEGIN { printf "%.3f", (c / t) / (b / 1e9) }')"
    echo "bulk $name $gbps $cpu_gb" >> "$results"
    printf 'round %d  %-14s bulk      %7s GB/s   CPU %7s s/GB\n' "$r" "$name" "$gbps" "$cpu_gb"
  done
  for peer in "${peers[@]}"; do
    read -r name bp pp pidb pidp <<<"$peer"
    c0=0; [[ "$pidp" != 0 ]] && c0="$(cpu_ticks "$pidp")"
    out="$(load pingpong "$pp" "$conns" "$pp_seconds" "$size")"
    c1=0; [[ "$pidp" != 0 ]] && c1="$(cpu_ticks "$pidp")"
    read -r _ trips sec rts p50 p99 <<<"$out"
    us_rt="$(awk -v c=$((c1 - c0)) -v t="$tck" -v n="$trips" 'BEGIN { printf "%.2f", (c / t) * 1e6 / n }')"
    echo "pingpong $name $rts $p99 $us_rt" >> "$results"
    printf 'round %d  %-14s pingpong  %7s rt/s   p99 %8s us   CPU %6s us/rt\n' "$r" "$name" "$rts" "$p99" "$us_rt"
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
  $1 == "bulk"     { if (!($2 in seen)) { order[++k] = $2; seen[$2] = 1 } g[$2] = g[$2] " " $3; c[$2] = c[$2] " " $4 }
  $1 == "pingpong" { r[$2] = r[$2] " " $3; p[$2] = p[$2] " " $4; u[$2] = u[$2] " " $5 }
  END {
    for (i = 1; i <= k; i++) {
      n = order[i]
      G[n] = median(g[n]); C[n] = median(c[n]); R[n] = median(r[n]); P[n] = median(p[n]); U[n] = median(u[n])
      printf "  %-14s bulk %6.3f GB/s  %6.3f CPU s/GB   pingpong %8.0f rt/s  p99 %8.1f us (%+.1f over direct)  %6.2f CPU us/rt\n",
        n, G[n], C[n], R[n], P[n], P[n] - P["direct"], U[n]
    }
    split("weft weft-copy", mine, " ")
    for (j = 1; j <= 2; j++) {
      w = mine[j]
      if (!(w in G)) continue
      for (i = 1; i <= k; i++) {
        n = order[i]
        if (n == "weft" || n == "direct" || n == w) continue
        printf "  %-9s / %-14s throughput %.2fx   CPU per GB %.2fx   round trips/s %.2fx   added p99 %+.1f us   CPU per rt %.2fx\n",
          w, n, G[w] / G[n], (C[n] > 0 ? C[w] / C[n] : 0), R[w] / R[n],
          (P[w] - P["direct"]) - (P[n] - P["direct"]), (U[n] > 0 ? U[w] / U[n] : 0)
      }
    }
  }' "$results"
