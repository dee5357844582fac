package io.weft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;

/**
 * Checks the benchmark list JMH's annotation processor generated: that the processor ran at
 * all (javac no longer runs class-path processors by default), and that every benchmark's
 * forked JVM gets exactly the flags in the parent pom's {@code weft.jvm.flags}, which an
 * annotation cannot read from the build and so repeats.
 */
@Timeout(30)
class BenchmarkListTest {

    private static List<BenchmarkListEntry> generated() throws IOException {
        try (InputStream in = BenchmarkListTest.class.getResourceAsStream(BenchmarkList.BENCHMARK_LIST)) {
            assertThat(in).as("META-INF/BenchmarkList, written by the JMH annotation processor").isNotNull();
            return BenchmarkList.readBenchmarkList(in);
        }
    }

    @Test
    void everyComparisonIsGenerated() throws IOException {
        assertThat(generated()).extracting(BenchmarkListEntry::getUsername).contains(
                "io.weft.bench.CallSoonBenchmark.weft",
                "io.weft.bench.CallSoonBenchmark.nettyExecuteInLoop",
                "io.weft.bench.TimerChurnBenchmark.weft",
                "io.weft.bench.TimerChurnBenchmark.nettyEventLoop",
                "io.weft.bench.TimerChurnBenchmark.hashedWheelTimer",
                "io.weft.bench.ExecuteLatencyBenchmark.weft",
                "io.weft.bench.ExecuteLatencyBenchmark.nettyEventLoop",
                "io.weft.bench.ExecuteLatencyBenchmark.threadPoolExecutor");
    }

    @Test
    void everyForkGetsTheBuildsJvmFlags() throws IOException {
        String flags = System.getProperty("weft.jvm.flags");
        assertThat(flags).as("weft.jvm.flags, passed in by surefire from the parent pom").isNotBlank();
        List<String> expected = Arrays.asList(flags.trim().split("\\s+"));
        for (BenchmarkListEntry e : generated()) {
            Collection<String> appended = e.getJvmArgsAppend().orElse(List.of());
            assertThat(appended).as("@Fork(jvmArgsAppend) of %s", e.getUsername()).containsExactlyElementsOf(expected);
        }
    }
}
