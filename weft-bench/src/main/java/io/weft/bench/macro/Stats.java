package io.weft.bench.macro;

import java.util.Arrays;
import java.util.Collection;

/**
 * The rounds of one metric, one peer, one workload: median with min and max. The spread,
 * (max − min) / median, is the report's noise indicator.
 */
record Stats(double median, double min, double max, int n) {

    static final Stats NONE = new Stats(Double.NaN, Double.NaN, Double.NaN, 0);

    static Stats of(Collection<Double> values) {
        double[] v = values.stream().filter(d -> d != null && !d.isNaN()).mapToDouble(Double::doubleValue).toArray();
        if (v.length == 0) {
            return NONE;
        }
        Arrays.sort(v);
        int m = v.length / 2;
        double median = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
        return new Stats(median, v[0], v[v.length - 1], v.length);
    }

    double spread() {
        return n < 2 || median == 0 ? Double.NaN : (max - min) / Math.abs(median);
    }
}
