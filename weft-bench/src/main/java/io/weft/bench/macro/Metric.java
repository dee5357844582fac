package io.weft.bench.macro;

import java.util.List;

/** A number a run produces, how the report labels it, and which way is better. */
enum Metric {
    ROUND_TRIPS("rtt_per_s", "round trips/s", Better.HIGHER, "%,.0f"),
    P50("p50_us", "p50 µs", Better.LOWER, "%,.1f"),
    P99("p99_us", "p99 µs", Better.LOWER, "%,.1f"),
    P999("p999_us", "p99.9 µs", Better.LOWER, "%,.1f"),
    CPU_PER_ROUND_TRIP("cpu_us_per_rt", "server CPU µs/rt", Better.LOWER, "%,.2f"),
    SERVER_UTIL("srv_util", "server CPU", Better.NEITHER, "%.0f%%", 100),
    GENERATOR_UTIL("gen_util", "loadgen CPU", Better.NEITHER, "%.0f%%", 100),
    /** Time runnable but waiting for a CPU, summed over the server's threads, over the window. */
    SERVER_WAIT("srv_wait", "server waited for CPU", Better.NEITHER, "%.0f%%", 100),
    /** The same for the single-threaded generator alone on its core: other processes, the noise. */
    GENERATOR_WAIT("gen_wait", "loadgen waited for CPU", Better.NEITHER, "%.0f%%", 100),
    CONNECT("connect_ms", "connect + first echo, all (ms)", Better.LOWER, "%,.0f"),
    RSS_PER_CONN("rss_per_conn_kib", "RSS/conn KiB", Better.LOWER, "%,.1f"),
    HEAP_PER_CONN("heap_per_conn_kib", "heap/conn KiB", Better.LOWER, "%,.2f"),
    /** VmHWM at the end of the run minus the RSS before connecting, per connection: the peak, GC headroom included. */
    PEAK_RSS_PER_CONN("peak_rss_per_conn_kib", "peak RSS/conn KiB", Better.LOWER, "%,.1f"),
    SERVER_THREADS("threads", "server threads", Better.NEITHER, "%,.0f"),
    IDLE_FAILED("idle_failed", "idle conns not answering", Better.LOWER, "%,.0f"),
    GB_PER_S("gb_per_s", "GB/s", Better.HIGHER, "%.3f"),
    CPU_PER_GB("cpu_s_per_gb", "server CPU s/GB", Better.LOWER, "%.3f");

    enum Better { HIGHER, LOWER, NEITHER }

    final String key;
    final String label;
    final Better better;
    private final String format;
    private final double scale;

    Metric(String key, String label, Better better, String format) {
        this(key, label, better, format, 1);
    }

    Metric(String key, String label, Better better, String format, double scale) {
        this.key = key;
        this.label = label;
        this.better = better;
        this.format = format;
        this.scale = scale;
    }

    String format(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        // Latencies span 20 µs to seconds: decimals only where they carry information.
        if (format.equals("%,.1f") && Math.abs(v) >= 100) {
            return String.format("%,.0f", v * scale);
        }
        return String.format(format, v * scale);
    }

    /** The headline number of a workload kind: what "who leads" is decided on. */
    static Metric primary(Workload.Kind kind) {
        return kind == Workload.Kind.BULK ? GB_PER_S : ROUND_TRIPS;
    }

    /** The columns of a workload kind's table, the primary one first. */
    static List<Metric> columns(Workload.Kind kind) {
        return switch (kind) {
            case ECHO -> List.of(ROUND_TRIPS, P50, P99, P999, CPU_PER_ROUND_TRIP, SERVER_UTIL, GENERATOR_UTIL);
            case C10K -> List.of(ROUND_TRIPS, P99, CPU_PER_ROUND_TRIP, CONNECT, RSS_PER_CONN, PEAK_RSS_PER_CONN,
                    HEAP_PER_CONN, SERVER_THREADS, IDLE_FAILED, SERVER_UTIL);
            case BULK -> List.of(GB_PER_S, CPU_PER_GB, SERVER_UTIL, GENERATOR_UTIL);
        };
    }

    /** What the chart of a workload kind shows, one panel each. */
    static List<Metric> charted(Workload.Kind kind) {
        return switch (kind) {
            case ECHO -> List.of(ROUND_TRIPS, P99, CPU_PER_ROUND_TRIP);
            case C10K -> List.of(ROUND_TRIPS, P99, CPU_PER_ROUND_TRIP, RSS_PER_CONN);
            case BULK -> List.of(GB_PER_S, CPU_PER_GB);
        };
    }
}
