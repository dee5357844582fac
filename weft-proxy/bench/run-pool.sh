#!/usr/bin/env bash
# run-pool.sh: what the HTTP proxy's origin pool buys. One client sends N sequential GETs of a
# 1 KiB file on one kept-alive connection, straight to nginx ("direct"), through
# `weft proxy http --loops 1` with the pool ("pool"), and with --pool-idle 0 ("no-pool": a new
# origin connection per request). Req/s per round; compare within a run, never across runs.
#
#   weft-proxy/bench/run-pool.sh            8 rounds of 2000 requests (needs nginx and weft.jar)
#   N=5000 ROUNDS=7 weft-proxy/bench/run-pool.sh
# Keep N x ROUNDS well below the ephemeral port range: no-pool leaves a TIME_WAIT socket per request.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
jar="$root/weft-cli/target/weft.jar"
n="${N:-2000}" rounds="${ROUNDS:-8}"
java=""
for home in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [[ -n "$home" && -x "$home/bin/java" && -r "$home/release" ]] || continue
  v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*"$/\1/p' "$home/release")"
  if [[ -n "$v" && "$v" -ge 25 ]]; then java="$home/bin"; fi
done
[[ -n "$java" ]] || { echo "run-pool: no JDK 25" >&2; exit 1; }
[[ -r "$jar" ]] || { echo "run-pool: build $jar first (mvn -B -DskipTests -pl weft-cli -am package)" >&2; exit 1; }
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || { echo "run-pool: nginx is not installed" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/weft-pool-bench.XXXXXX")"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/www" && head -c 1024 /dev/urandom > "$work/www/small.bin" && chmod -R a+rX "$work"
origin=19481 pool=19482 nopool=19483
cat > "$work/nginx.conf" <<CFG
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/body; proxy_temp_path $work/proxy; fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$origin; root $work/www; }
}
CFG
"$(command -v nginx || echo /usr/sbin/nginx)" -c "$work/nginx.conf" -p "$work" & pids+=($!)
flags=(--add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED)
"$java/java" "${flags[@]}" -jar "$jar" proxy http --port $pool --loops 1 --max-per-client 0 > "$work/pool.out" 2>&1 & pids+=($!)
"$java/java" "${flags[@]}" -jar "$jar" proxy http --port $nopool --loops 1 --max-per-client 0 --pool-idle 0 > "$work/nopool.out" 2>&1 & pids+=($!)
"$java/javac" -d "$work" "$root/weft-proxy/bench/PoolLoad.java"
for port in $origin $pool $nopool; do
  for _ in $(seq 1 400); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
done
echo "# run-pool $(date -u +%FT%TZ): $rounds rounds of $n requests; load before: $(uptime)"
for r in $(seq 1 "$rounds"); do
  d=$("$java/java" -cp "$work" PoolLoad 0 $origin "$n")
  p=$("$java/java" -cp "$work" PoolLoad $pool $origin "$n")
  np=$("$java/java" -cp "$work" PoolLoad $nopool $origin "$n")
  echo "round $r: direct $d req/s, pool $p req/s, no-pool $np req/s"
done
echo "# load after: $(uptime)"
