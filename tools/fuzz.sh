#!/usr/bin/env bash
# Fuzzes one Jazzer @FuzzTest for a number of inputs (default 10 million), niced.
#
#   tools/fuzz.sh TARGET [RUNS]
#
# TARGET is one of the names below (or module:Class#method). Findings (a failing input) are
# written by Jazzer into the test's inputs directory under src/test/resources, where the plain
# build then runs them as regression tests: commit the ones that show a bug, with the fix.
# The corpus Jazzer grows while fuzzing stays in <module>/.cifuzz-corpus/ (not committed).
#
# Stopping a run by a signal leaves a crash-<hash> file of the input it was on: a run that ends
# by itself names a real finding in its output; delete the ones a kill left.
#
# FUZZ_MAX_DURATION=10m (say) stops it after that long instead, whichever comes first.
#
# A plain `mvn verify` runs the same tests in regression mode: each committed input once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

targets=(
  "line-splitter=weft-cli:io.weft.cli.chat.LineSplitterFuzzTest#splitsAsTheWholeInputWould"
  "stream-reader=weft-tests:io.weft.stream.StreamReaderFuzzTest#framesAsTheWholeInputWould"
  "tls-stash=weft-tests:io.weft.internal.net.tls.StashFuzzTest#recordsAsTheWholeInputWould"
  "pem-certificates=weft-tests:io.weft.net.PemFuzzTest#readCertificates"
  "pem-private-key=weft-tests:io.weft.net.PemFuzzTest#readPrivateKey"
  "http-request-head=weft-http:io.weft.http.internal.parse.ParserFuzzTest#requestHead"
  "http-chunked=weft-http:io.weft.http.internal.parse.ParserFuzzTest#chunkedBody"
  "http-response=weft-http:io.weft.http.internal.parse.ParserFuzzTest#response"
  "socks=weft-proxy:io.weft.proxy.internal.SocksReaderFuzzTest#readsAsTheWholeInputWould"
  "proxy-target=weft-proxy:io.weft.proxy.internal.http.ProxyTargetFuzzTest#targetsAsTheWholeHeadWould"
)

usage() {
  echo "usage: tools/fuzz.sh TARGET [RUNS]   (RUNS defaults to 10000000)" >&2
  echo "targets:" >&2
  for t in "${targets[@]}"; do echo "  ${t%%=*}  (${t#*=})" >&2; done
  exit 2
}

[[ $# -ge 1 ]] || usage
spec=""
for t in "${targets[@]}"; do
  [[ "${t%%=*}" == "$1" ]] && spec="${t#*=}"
done
[[ -n "$spec" ]] || { [[ "$1" == *:*#* ]] && spec="$1"; } || usage
[[ -n "$spec" ]] || usage
module="${spec%%:*}"
test="${spec#*:}"
runs="${2:-10000000}"

# One fuzz test per JVM (Jazzer fuzzes a single test per run); no time limit, the run count
# decides (24h is only a backstop). -am builds the modules the target's module needs; only the
# named test runs.
JAZZER_FUZZ=1 exec nice -n 10 mvn -B -pl "$module" -am verify \
  -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -DskipITs \
  -Djazzer.max_executions="$runs" -Djazzer.max_duration="${FUZZ_MAX_DURATION:-24h}"
