# bench-lib.sh: what the benchmark scripts share, sourced by them (not run on its own).
#
#   source "$root/weft-bench/scripts/bench-lib.sh"; bench_name run-serve
#
# Gives: die MESSAGE; find_java (sets $java to a JDK >= 25's java, from JAVA_HOME or
# /usr/lib/jvm); weft_flags (the JVM flags Weft runs with, an array); build MODULE (mvn package
# of a module and what it needs, unless SKIP is set to 1 in the variable the caller names);
# cpu_ticks PID (utime+stime of PID and its child processes, in clock ticks); wait_port PORT;
# nginx_conf DIR WORKERS BLOCK (an nginx.conf in DIR that runs in the foreground with its
# temporary files under DIR and the http block's body BLOCK); median (of numbers on stdin).

bench_script="bench"
bench_name() { bench_script="$1"; }
die() { printf '%s: %s\n' "$bench_script" "$*" >&2; exit 1; }

weft_flags=(--add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED)

find_java() {
  java=""
  local home v
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [[ -n "$home" && -x "$home/bin/java" && -r "$home/release" ]] || continue
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*"$/\1/p' "$home/release")"
    if [[ -n "$v" && "$v" -ge 25 ]]; then java="$home/bin/java"; fi
  done
  [[ -n "$java" ]] || die "no JDK 25 or newer found (JAVA_HOME or /usr/lib/jvm)"
}

# build ROOT MODULE SKIP_VALUE: packages MODULE (and the modules it needs) unless SKIP_VALUE is 1.
build() {
  [[ "${3:-}" == 1 ]] && return 0
  (cd "$1" && mvn -q -B -DskipTests -pl "$2" -am package) || die "the build failed"
}

cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [[ -r "/proc/$p/stat" ]] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}

wait_port() {
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  die "nothing listens on $1"
}

# nginx_conf DIR WORKERS BLOCK: writes DIR/nginx.conf. One worker runs without a master process.
nginx_conf() {
  local dir="$1" workers="$2" block="$3" master=""
  [[ "$workers" == 1 ]] && master="master_process off;"
  mkdir -p "$dir"
  cat > "$dir/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
$master
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  $block
}
CONF
}

nginx_bin() { command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true; }

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
