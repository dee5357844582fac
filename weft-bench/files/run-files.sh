#!/usr/bin/env bash
# run-files.sh: the file benchmarks of docs/benchmarks.md ("Files"), each beside its peer in the
# same run. A benchmark, never a CI test. Needs root for --drop-caches (uncached reads).
#
#   weft-bench/files/run-files.sh [DIR]     DIR holds the 1 GiB test file (default /tmp); deleted after
#
# 1. cached 1 GiB: `cat > /dev/null`, then AsyncFile.readAll into a fresh buffer, then into a reused one
# 2. uncached (caches dropped before each reader): the same three
# 3. copy 1 GiB, three rounds of `cp` then `weft copy` (AsyncFile.copy: copy_file_range), each after
#    `sync`; then once `weft copy --read-write` (async positional reads and writes, 4 MiB x 4)
# 4. 10,000 files listed and stat'ed on one loop with a 1 ms timer's lag, beside the idle lag:
#    AsyncFile.listStats, then one AsyncFile.stat per entry (--per-entry, 64 in flight)
#
#   RUN_SKIP_BUILD=1 weft-bench/files/run-files.sh   uses weft-cli/target/weft.jar as it is
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
source "$root/weft-bench/scripts/bench-lib.sh"; bench_name run-files
[[ "$(id -u)" == 0 ]] || die "the uncached reads drop the page cache, which needs root"
build "$root" weft-cli "${RUN_SKIP_BUILD:-}"
dir="$(mktemp -d "${1:-/tmp}/weft-files-bench.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
weft="$root/weft"
big="$dir/1g.bin"

echo "# $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
head -c 1073741824 /dev/urandom > "$big"
cat "$big" > /dev/null

echo "## cached"
"$weft" demo read-file "$big"
"$weft" demo read-file "$big" --reuse
echo "## uncached"
"$weft" demo read-file "$big" --drop-caches
"$weft" demo read-file "$big" --drop-caches --reuse
"$weft" demo read-file "$big" --drop-caches --direct --reuse
echo "## copy"
cat "$big" > /dev/null
cp_run() {
  local s e cpu
  s=$(date +%s%N); cpu=$(bash -c 'cp "$1" "$2"; times' _ "$big" "$dir/cp.bin" | tail -1); e=$(date +%s%N)
  awk -v ns=$((e - s)) -v cpu="$cpu" 'BEGIN { split(cpu, c, " "); u = c[1]; k = c[2];
    sub(/m/, " ", u); sub(/s/, "", u); split(u, uu, " "); sub(/m/, " ", k); sub(/s/, "", k); split(k, kk, " ");
    t = uu[1] * 60 + uu[2] + kk[1] * 60 + kk[2];
    printf "cp       1,073,741,824 bytes in %.3f s  %.2f GB/s  cpu %.2f s/GB\n", ns / 1e9, 1.073741824 / (ns / 1e9), t / 1.073741824 }'
  rm -f "$dir/cp.bin"
}
for round in 1 2 3; do
  sync; cp_run
  sync; "$weft" copy "$big" "$dir/weft.bin" | tail -1
  cmp "$big" "$dir/weft.bin" && echo "weft copy: cmp-identical"
  rm -f "$dir/weft.bin"
done
sync; "$weft" copy --read-write "$big" "$dir/weft.bin" | tail -1
cmp "$big" "$dir/weft.bin" && echo "weft copy --read-write: cmp-identical"
rm -f "$dir/weft.bin" "$big"
echo "## 10,000 files"
"$weft" demo list-files "$dir/meta" --create 10000 --clean
"$weft" demo list-files "$dir/meta" --create 10000 --clean --per-entry
