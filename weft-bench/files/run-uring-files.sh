#!/usr/bin/env bash
# run-uring-files.sh: 1 GiB readAll on io_uring (ring operations) against the offload pool (an
# epoll loop) and `cat`, cached and uncached, ROUNDS rounds each (docs/benchmarks.md, "Files on
# io_uring"). Every `weft demo read-file` line pairs Weft's read with a `cat` run just before it
# in the same process. A benchmark, never a CI test. Uncached needs root (drop_caches).
#
#   weft-bench/files/run-uring-files.sh [FILE] [ROUNDS]   FILE: 1 GiB (made under /tmp if absent)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
file="${1:-/tmp/weft-uring-files.bin}"
rounds="${2:-3}"
[[ -f "$file" ]] || head -c 1073741824 /dev/urandom > "$file"
cat "$file" > /dev/null
echo "# $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
one() { # label, read-file flags...
  local label="$1"; shift
  "$root/weft" demo read-file "$file" "$@" \
    | awk -v l="$label" '/^weft.* bytes in/ { w = $5; wr = $7; c = $10 } /^cat/ { k = $5; kr = $7; kc = $10 }
        END { printf "%-24s weft %.3f s %5.2f GB/s cpu %s s/GB | cat %.3f s %5.2f GB/s cpu %s s/GB | ratio %.2f\n",
              l, w, wr, c, k, kr, kc, k / w }'
}
for r in $(seq "$rounds"); do
  echo "## round $r, load $(cut -d' ' -f1-3 /proc/loadavg)"
  for p in io_uring epoll; do
    cat "$file" > /dev/null # an uncached run before may have left it out of the cache (O_DIRECT does)
    one "cached fresh $p" --poller "$p"
    one "cached reuse $p" --poller "$p" --reuse
    one "uncached fresh $p" --poller "$p" --drop-caches
    one "uncached reuse $p" --poller "$p" --drop-caches --reuse
  done
  one "uncached direct io_uring" --poller io_uring --drop-caches --direct --reuse
  one "uncached direct epoll" --poller epoll --drop-caches --direct --reuse
done
echo "# done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
