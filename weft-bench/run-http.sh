#!/usr/bin/env bash
# run-http.sh: wrk against three HTTP/1.1 plaintext servers on loopback, one after another,
# each on ONE loop thread / worker: Weft's HttpServer, a minimal Netty HTTP codec server
# (epoll), and nginx (worker_processes 1). Each answers GET / with "Hello, World!".
#
#   weft-bench/run-http.sh                  10 s per measurement
#   DURATION=30s CONNECTIONS=256 weft-bench/run-http.sh
#   RUN_HTTP_SKIP_BUILD=1 ...               reuse weft-bench/target/weft-bench.jar
#
# For each server: a 3 s warm-up, then wrk -t1 -c$CONNECTIONS not pipelined, and pipelined x16
# (a Lua script that sends 16 requests per write). CPU per request is the server process's
# utime+stime over the measurement (/proc/PID/stat) divided by the requests wrk counted.
# wrk and the server share the machine: on few cores the generator may be the limit; compare
# the servers with each other in the same run, not with other runs.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jar="$root/weft-bench/target/weft-bench.jar"
duration="${DURATION:-10s}"
conns="${CONNECTIONS:-256}"
port=18080
work="$(mktemp -d "${TMPDIR:-/tmp}/weft-http-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

source "$root/weft-bench/scripts/bench-lib.sh"; bench_name run-http
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"

find_java
build "$root" weft-bench "${RUN_HTTP_SKIP_BUILD:-}"

cat > "$work/pipeline.lua" <<'LUA'
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format("GET", "/") end
  req = table.concat(r)
end
request = function() return req end
LUA

# measure NAME PID [wrk args...]: prints "NAME req/s p99 us/req"
measure() {
  local name="$1" pid="$2"; shift 2
  local before after out rps p99 reqs
  before="$(cpu_ticks "$pid")"
  out="$(wrk -t1 -c"$conns" -d"$duration" --latency "$@" "http://127.0.0.1:$port/")"
  after="$(cpu_ticks "$pid")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  reqs="$(awk '/requests in/ {print $1}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  local tck; tck="$(getconf CLK_TCK)"
  awk -v n="$name" -v r="$rps" -v p="$p99" -v c="$((after - before))" -v q="$reqs" -v t="$tck" \
    'BEGIN { printf "%-22s %12.0f req/s   p99 %-9s   CPU %6.2f us/req\n", n, r, p, (c / t) * 1e6 / q }'
}

run_server() {
  local name="$1" pid="$2"
  wait_port "$port"
  wrk -t1 -c"$conns" -d3s "http://127.0.0.1:$port/" >/dev/null
  measure "$name" "$pid"
  measure "$name pipelined x16" "$pid" -s "$work/pipeline.lua"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

echo "wrk -t1 -c$conns -d$duration on 127.0.0.1, one server thread each, $(nproc) cores"
for server in weft netty; do
  "$java" "${weft_flags[@]}" -Xms256m -Xmx256m -cp "$jar" io.weft.bench.http.PlaintextServers "$server" "$port" >"$work/$server.log" 2>&1 &
  run_server "$server" $!
done

nginx_bin="$(nginx_bin)"
if [[ -n "$nginx_bin" ]]; then
  nginx_conf "$work/nginx" 1 "keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; location / { default_type text/plain; return 200 \"Hello, World!\"; } }"
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
  run_server "nginx (1 worker)" $!
else
  echo "nginx is not installed: skipped (apt-get install nginx-light)"
fi
