package io.weft.bench.macro;

import java.util.Map;

/**
 * One measured run: one peer, one workload, one round, in fresh processes.
 *
 * @param metrics  by {@link Metric#key}, plus the raw numbers the load generator printed
 * @param error    why the run failed, or null
 * @param load1    the machine's one-minute load average just before the run
 * @param seconds  wall time the run took, start of the server to its end
 */
record RunResult(String workload, String peer, int round, Map<String, Double> metrics, String error, double load1,
        double seconds) {

    double get(Metric m) {
        Double v = metrics.get(m.key);
        return v == null ? Double.NaN : v;
    }

    boolean ok() {
        return error == null;
    }
}
