package io.weft.bench.macro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite end to end in a tiny configuration: Weft and the JDK-threads peer only (no Go, Node
 * or Netty needed), every workload kind, short windows. It checks that the report gets written
 * and that the numbers are there and sane. It never asserts anything about performance.
 */
class BenchSmokeTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void runsEndToEndAndWritesTheReport(@TempDir Path out) throws Exception {
        assumeTrue(Exec.onPath("gcc"), "the load generator needs gcc");
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "server CPU and memory come from /proc (Linux)");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        BenchMain main = BenchMain.run(new PrintStream(progress, true, StandardCharsets.UTF_8),
                "--out", out.toString(), "--peers", "weft,jdk-threads", "--only", "echo-1k-c1,c10k,bulk",
                "--rounds", "1", "--warmup", "0.2", "--duration", "0.3", "--c10k-conns", "100", "--bulk-mib", "8");

        Suite.Results results = main.lastResults;
        assertThat(results.runs()).as(progress.toString(StandardCharsets.UTF_8)).hasSize(6)
                .allSatisfy(r -> assertThat(r.error()).isNull());
        for (RunResult r : results.runs()) {
            switch (r.workload()) {
                case "echo-1k-c1" -> {
                    assertThat(r.get(Metric.ROUND_TRIPS)).isPositive();
                    assertThat(r.get(Metric.P99)).isPositive().isGreaterThanOrEqualTo(r.get(Metric.P50));
                    assertThat(r.metrics().get("srv_cpu_s")).isGreaterThanOrEqualTo(0.0);
                }
                case "c10k" -> {
                    assertThat(r.get(Metric.ROUND_TRIPS)).isPositive();
                    assertThat(r.metrics().get("idle_total")).isEqualTo(95.0);
                    assertThat(r.get(Metric.IDLE_FAILED)).isZero();
                    assertThat(r.metrics().get("rss_open_kib")).isPositive();
                    assertThat(r.get(Metric.SERVER_THREADS)).isPositive();
                }
                case "bulk" -> {
                    assertThat(r.get(Metric.GB_PER_S)).isPositive();
                    assertThat(r.metrics().get("bytes")).isEqualTo(8.0 * (1 << 20));
                }
                default -> throw new AssertionError("unexpected workload " + r.workload());
            }
        }

        Path dir = main.lastReport.getParent();
        String summary = Files.readString(main.lastReport);
        assertThat(summary).contains("# Weft macro benchmarks", "## Weft ÷ each peer", "jdk-threads",
                "## echo-1k-c1", "## c10k", "## bulk", "## Machine");
        String json = Files.readString(dir.resolve("results.json"));
        assertThat(json).contains("\"rtt_per_s\"", "\"gb_per_s\"", "\"machine\"", "\"CPU\"");
        for (String chart : List.of("echo-1k-c1.png", "c10k.png", "bulk.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(chart).toFile());
            assertThat(image).as(chart).isNotNull();
            assertThat(image.getWidth()).isGreaterThan(image.getHeight());
        }
        // The report can be drawn again from results.json alone, to the same summary.
        Files.delete(dir.resolve("c10k.png"));
        BenchMain redrawn = BenchMain.run(new PrintStream(progress, true, StandardCharsets.UTF_8),
                "--report", dir.toString());
        assertThat(Files.readString(redrawn.lastReport)).isEqualTo(summary);
        assertThat(dir.resolve("c10k.png")).isNotEmptyFile();

        // No server or load generator outlives the suite.
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }
}
