#!/usr/bin/env bash
# run-jmh.sh: build Weft's JMH benchmarks and run them on a JDK >= 25.
#
#   weft-bench/run-jmh.sh                         every benchmark, as annotated (1 fork)
#   weft-bench/run-jmh.sh TimerChurn -f 1 -wi 3 -i 5 -r 2s
#   weft-bench/run-jmh.sh -l                      list them; -h for JMH's options
#
# Every argument goes to JMH (org.openjdk.jmh.Main). The forked JVMs get Weft's JVM flags from
# the benchmarks' @Fork annotations. Set RUN_JMH_SKIP_BUILD=1 to reuse the jar as it is.
#
# The JDK: $JAVA_HOME, then `java` on PATH, then the newest under /usr/lib/jvm; the first whose
# `release` file (or `java -version`) says 25 or later. Maven may run on an older Java: the
# build compiles with JDK 25 through the toolchains plugin.
set -euo pipefail

readonly MIN_FEATURE=25
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jar="$root/weft-bench/target/benchmarks.jar"

die() {
  printf 'run-jmh: %s\n' "$*" >&2
  exit 1
}

# The feature release (25 for 25.0.1, 8 for 1.8.0_392) of the JDK at $1, or 0.
feature_of_jdk() {
  local home="$1" v=""
  [[ -x "$home/bin/java" ]] || { echo 0; return; }
  [[ -r "$home/release" ]] && v="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$home/release")"
  [[ -n "$v" ]] || v="$("$home/bin/java" -version 2>&1 | sed -n '1s/^[^"]*"\([^"]*\)".*$/\1/p')" || true
  [[ "$v" == 1.* ]] && v="${v#1.}"
  v="${v%%[!0-9]*}"
  echo "${v:-0}"
}

find_jdk() {
  local candidates=() home
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  if home="$(command -v java)"; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$home")")")")
  fi
  # Newest first: version-sort the directory names, then let `release` decide.
  while IFS= read -r home; do
    candidates+=("$home")
  done < <(ls -d /usr/lib/jvm/*/ 2>/dev/null | sed 's:/$::' | sort -V -r)
  for home in "${candidates[@]}"; do
    if (( $(feature_of_jdk "$home") >= MIN_FEATURE )); then
      echo "$home"
      return
    fi
  done
  return 1
}

java_home="$(find_jdk)" || die "no JDK ${MIN_FEATURE} or later found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm/*).
Install one (e.g. Temurin 25) or point JAVA_HOME at it."

if [[ "${RUN_JMH_SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$root" && mvn -B -q -pl weft-bench -am package -DskipTests) || die "the build failed (mvn -pl weft-bench -am package)"
fi
[[ -f "$jar" ]] || die "$jar is missing; run without RUN_JMH_SKIP_BUILD"

echo "run-jmh: $("$java_home/bin/java" -version 2>&1 | head -1) at $java_home" >&2
exec "$java_home/bin/java" -jar "$jar" "$@"
