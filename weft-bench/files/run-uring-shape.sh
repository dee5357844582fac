#!/usr/bin/env bash
# run-uring-shape.sh: the measurement behind the io_uring readAll's chunk size, depth and
# IOSQE_ASYNC threshold (docs/benchmarks.md, "Files on io_uring"). A benchmark, never a CI test.
# Cached 1 GiB readAll into a reused buffer (--reuse), each beside `cat` in the same JVM run.
#
#   weft-bench/files/run-uring-shape.sh [FILE] [ROUNDS]   FILE: 1 GiB (made under /tmp if absent)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
file="${1:-/tmp/weft-uring-shape.bin}"
rounds="${2:-3}"
[[ -f "$file" ]] || head -c 1073741824 /dev/urandom > "$file"
cat "$file" > /dev/null
echo "# $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
run() { # label, poller, java options
  local label="$1" poller="$2"; shift 2
  for r in $(seq "$rounds"); do
    WEFT_JAVA_OPTS="$*" "$root/weft" demo read-file "$file" --reuse --poller "$poller" \
      | awk -v l="$label" '/^weft.* bytes in/ { w = $5; c = $10 } /^cat/ { k = $5; kc = $10 }
          END { printf "%-28s weft %.3f s cpu %s s/GB  cat %.3f s cpu %s s/GB  ratio %.2f\n", l, w, c, k, kc, k / w }'
  done
}
run "pool 4MiBx4 (epoll loop)" epoll
run "ring inline 4MiBx4" io_uring -Dweft.uring.asyncFrom=2000000000
for chunk in 1 2 4; do
  for depth in 2 4 8; do
    run "ring async ${chunk}MiBx${depth}" io_uring -Dweft.file.readChunk=$((chunk << 20)) -Dweft.file.readDepth=$depth
  done
done
echo "# done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
