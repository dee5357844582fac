#!/usr/bin/env bash
# Where an idle connection's memory goes, for one bench peer: starts the peer (ServerMain PEER,
# the suite's JVM flags plus native memory tracking), opens 10,000 connections with the suite's
# load generator (each echoes once; --pause keeps them open and idle), then writes the class
# histogram (jcmd GC.class_histogram), NMT summaries before and after, and VmRSS/VmHWM.
# Needs a built weft-bench jar and a suite run before it (bench-results/.build/loadgen).
#
#   weft-bench/scripts/idle-histogram.sh PEER OUT_PREFIX     e.g.  weft-green /tmp/green
set -euo pipefail
peer=$1
out=$2
root="$(cd "$(dirname "$0")/../.." && pwd)"
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin"
ulimit -n "$(ulimit -Hn)"
srvin=$(mktemp -u) && mkfifo "$srvin"
genin=$(mktemp -u) && mkfifo "$genin"
trap 'rm -f "$srvin" "$genin"' EXIT
"$jdk/java" --add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
  --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms64m -Xmx1g -XX:NativeMemoryTracking=summary \
  -cp "$root/weft-bench/target/weft-bench.jar" io.weft.bench.macro.server.ServerMain "$peer" <"$srvin" >"$out.srv" 2>&1 &
spid=$!
exec 3>"$srvin"
for _ in $(seq 100); do grep -q LISTENING "$out.srv" && break; sleep 0.2; done
port=$(awk '/LISTENING/{print $2}' "$out.srv")
echo mem >&3 && sleep 2
grep VmRSS "/proc/$spid/status" >"$out.rss"
"$jdk/jcmd" "$spid" VM.native_memory summary >"$out.nmt-before"
"$root/bench-results/.build/loadgen" --port "$port" --conns 10000 --active 500 --pause --warmup 0.5 \
  --duration 0.5 <"$genin" >"$out.gen" 2>&1 &
gpid=$!
exec 4>"$genin"
for _ in $(seq 600); do grep -q CONNECTED "$out.gen" && break; sleep 0.2; done
echo mem >&3 && sleep 3
grep -E "VmRSS|VmHWM" "/proc/$spid/status" >>"$out.rss"
"$jdk/jcmd" "$spid" GC.class_histogram >"$out.histo"
"$jdk/jcmd" "$spid" VM.native_memory summary >"$out.nmt-after"
echo go >&4
wait "$gpid" || true
kill "$spid"
grep HEAP "$out.srv"   # live heap before and with the connections open
cat "$out.rss"
head -25 "$out.histo"
