#!/usr/bin/env bash
# syscalls-per-rt.sh [JAR]: system calls per round trip of weft (splice on), weft-copy, weft-uring and
# HAProxy (mode tcp) during 100-connection ping-pong of 64 B, by perf stat on syscall tracepoints, with
# user and system CPU per round trip. Proxies on cpu 1, load on cpu 0; BASE=29500 sets the ports.
set -u
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
jar="${1:-$root/weft-cli/target/weft.jar}"; base="${BASE:-29500}"; work=$(mktemp -d)
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
F=(--add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED)
gcc -O2 -o $work/pl $root/weft-bench/proxy/proxyload.c || exit 1
echo_port=$((base+2))
taskset -c 0 $work/pl echo $echo_port > /dev/null & E=$!
sleep 0.5
taskset -c 1 $J -Dweft.relay.splice=true "${F[@]}" -jar $jar proxy tcp --loops 1 --port $((base+11)) --to 127.0.0.1:$echo_port --no-checks --max-per-client 0 >/dev/null 2>&1 & P1=$!
taskset -c 1 $J -Dweft.relay.splice=false "${F[@]}" -jar $jar proxy tcp --loops 1 --port $((base+12)) --to 127.0.0.1:$echo_port --no-checks --max-per-client 0 >/dev/null 2>&1 & P2=$!
taskset -c 1 $J "${F[@]}" -jar $jar proxy tcp --loops 1 --port $((base+13)) --to 127.0.0.1:$echo_port --no-checks --max-per-client 0 --poller io_uring >/dev/null 2>&1 & P4=$!
cat > $work/h.cfg <<CFG
global
  maxconn 4096
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
listen pp
  bind 127.0.0.1:$((base+14))
  server s 127.0.0.1:$echo_port
CFG
taskset -c 1 haproxy -f $work/h.cfg -db >/dev/null 2>&1 & P3=$!
for p in $((base+11)) $((base+12)) $((base+13)) $((base+14)); do for i in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.2; done; done
EV=$(for s in recvfrom sendto read write readv writev epoll_wait epoll_pwait epoll_pwait2 epoll_ctl splice io_uring_enter futex sched_yield; do printf 'syscalls:sys_enter_%s,' $s; done)
EV=${EV%,}
for pair in "weft:$P1:$((base+11))" "weft-copy:$P2:$((base+12))" "weft-uring:$P4:$((base+13))" "haproxy:$P3:$((base+14))"; do
  IFS=: read name pid port <<<"$pair"
  taskset -c 0 $work/pl pingpong $port 100 3 64 >/dev/null   # warm-up
  taskset -c 0 $work/pl pingpong $port 100 3 64 >/dev/null
  perf stat -x, -e "$EV" -p $pid -o $work/$name.perf &
  PS=$!
  sleep 0.3
  read -r u0 s0 < <(awk '{print $14, $15}' /proc/$pid/stat)
  out=$(taskset -c 0 $work/pl pingpong $port 100 3 64)
  read -r u1 s1 < <(awk '{print $14, $15}' /proc/$pid/stat)
  kill -INT $PS; wait $PS
  trips=$(awk '{print $2}' <<<"$out")
  echo "== $name: $out"
  awk -v u=$((u1-u0)) -v s=$((s1-s0)) -v n="$trips" 'BEGIN { printf "  CPU per rt: user %.2f us, sys %.2f us (proxy busy over the run incl. perf)\n", u*1e4/n, s*1e4/n }'
  awk -F, -v n="$trips" '$1 ~ /^[0-9]+$/ && $1 > 0 { sub("syscalls:sys_enter_", "", $3); printf "  %-16s %10d  %.3f per rt\n", $3, $1, $1 / n }' $work/$name.perf
done
kill $P1 $P2 $P3 $P4 $E; wait 2>/dev/null; rm -rf $work
