#!/usr/bin/env bash
# run-first-use.sh: the cold first file operation, with and without FirstUse (the thread a
# process's first loop starts to make the offload pool, link sys.Io and load the file backend
# before the program asks; -Dweft.firstUse=false turns it off). docs/benchmarks.md, "Files, stop 19".
#
#   weft-bench/files/run-first-use.sh [DIR] [ROUNDS]   DIR: scratch (default /tmp); ROUNDS: 5
#
# 1. Per poller, ROUNDS fresh processes each way, on and off alternating: `weft demo list-files
#    --create 10000 --clean` (AsyncFile.listStats of 10,000 files while a 1 ms timer runs on the
#    same loop), and the median over the processes of the timer's p99 lag while working.
# 2. The cost to a program that opens a loop and never touches a file (FirstUseCost.java): the
#    weft-first-use thread's CPU, the process's CPU from the loop's opening to a second later, and
#    the offload threads then alive; medians of ROUNDS, each way.
# A benchmark, never a CI test.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
source "$root/weft-bench/scripts/bench-lib.sh"; bench_name run-first-use
dir="$(mktemp -d "${1:-/tmp}/weft-first-use.XXXXXX")"
rounds="${2:-5}"
trap 'rm -rf "$dir"' EXIT
find_java
"$root/weft" --version > /dev/null # builds weft.jar if stale, outside the measured runs
jar="$root/weft-cli/target/weft.jar"

echo "# $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for p in epoll nio io_uring; do
  on=(); off=()
  for r in $(seq "$rounds"); do
    for mode in on off; do
      opts=""; [[ "$mode" == off ]] && opts="-Dweft.firstUse=false"
      lag=$(WEFT_JAVA_OPTS="$opts" "$root/weft" demo list-files "$dir/meta" --create 10000 --clean --poller "$p" \
        | awk '/timer lag while working/ { print $(NF-4) }')
      if [[ "$mode" == on ]]; then on+=("$lag"); else off+=("$lag"); fi
    done
  done
  printf '%-8s cold p99 lag, median of %d: firstUse on %s ms (%s), off %s ms (%s); load %s\n' "$p" "$rounds" \
    "$(printf '%s\n' "${on[@]}" | median)" "${on[*]}" "$(printf '%s\n' "${off[@]}" | median)" "${off[*]}" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
done
for p in epoll nio; do
  for mode in on off; do
    opts=""; [[ "$mode" == off ]] && opts="-Dweft.firstUse=false"
    own=(); proc=(); last=""
    for r in $(seq "$rounds"); do
      last=$("$java" "${weft_flags[@]}" $opts -cp "$jar" "$root/weft-bench/files/FirstUseCost.java" "$p")
      own+=("$(awk '{print $2}' <<<"$last")"); proc+=("$(awk '{print $6}' <<<"$last")")
    done
    printf '%-8s idle loop, firstUse %-3s: its thread cpu median %s ms (%s); process cpu median %s ms (%s); %s\n' \
      "$p" "$mode" "$(printf '%s\n' "${own[@]}" | median)" "${own[*]}" "$(printf '%s\n' "${proc[@]}" | median)" \
      "${proc[*]}" "${last##*, }"
  done
done
echo "# done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
