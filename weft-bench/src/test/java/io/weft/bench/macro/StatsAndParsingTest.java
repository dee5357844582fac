package io.weft.bench.macro;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic the report stands on: medians, spreads, the generator's output, derived numbers. */
class StatsAndParsingTest {

    @Test
    void medianOfOddAndEvenCountsWithMinAndMax() {
        assertThat(Stats.of(List.of(3.0, 1.0, 2.0))).isEqualTo(new Stats(2.0, 1.0, 3.0, 3));
        assertThat(Stats.of(List.of(4.0, 1.0, 2.0, 3.0)).median()).isEqualTo(2.5);
        assertThat(Stats.of(List.of(10.0, 8.0, 12.0)).spread()).isEqualTo(0.4);
    }

    @Test
    void failedRoundsAreLeftOutAndOneRoundHasNoSpread() {
        assertThat(Stats.of(List.of(Double.NaN, 5.0)).n()).isEqualTo(1);
        assertThat(Stats.of(List.of(5.0)).spread()).isNaN();
        assertThat(Stats.of(List.of()).median()).isNaN();
    }

    @Test
    void parsesTheGeneratorsResultLineAndDerivesPerRoundTripCost() {
        Map<String, Double> m = Measurement.parse("RESULT mode=pingpong conns=1 window_s=2.000 round_trips=40000"
                + " rtt_per_s=20000.0 srv_cpu_s=0.800 gen_cpu_s=1.000");
        assertThat(m).containsEntry("round_trips", 40000.0).doesNotContainKey("mode");
        Measurement.derive(Workload.all(10_000).getFirst(), m);
        assertThat(m.get(Metric.CPU_PER_ROUND_TRIP.key)).isEqualTo(20.0);
        assertThat(m.get(Metric.SERVER_UTIL.key)).isEqualTo(0.4);
        assertThat(m.get(Metric.GENERATOR_UTIL.key)).isEqualTo(0.5);
    }

    @Test
    void bulkCostIsCpuSecondsPerGigabyte() {
        Map<String, Double> m = Measurement.parse(
                "RESULT mode=bulk window_s=1.0 bytes=2000000000 srv_cpu_s=0.5 gen_cpu_s=0.5");
        Workload bulk = Workload.all(10_000).getLast();
        Measurement.derive(bulk, m);
        assertThat(m.get(Metric.CPU_PER_GB.key)).isEqualTo(0.25);
    }

    @Test
    void jsonReadsBackWhatItWrites() {
        Map<String, Object> value = new java.util.LinkedHashMap<>();
        value.put("text", "a \"quoted\"\tline\n");
        value.put("n", 1.5);
        value.put("whole", 3.0);
        value.put("missing", Double.NaN);
        value.put("list", List.of(true, false, "x"));
        value.put("empty", Map.of());
        Object back = Json.parse(Json.write(value));
        Map<String, Object> expected = new java.util.LinkedHashMap<>(value);
        expected.put("missing", null); // NaN has no JSON form: it is written as null
        assertThat(back).isEqualTo(expected);
    }
}
