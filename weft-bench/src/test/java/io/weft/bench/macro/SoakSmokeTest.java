package io.weft.bench.macro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weft bench --soak} in miniature: 6 s, 200 connections, churn 50/s against Weft. The
 * report, the table and the chart are written, a row comes every second with the server's
 * memory, descriptors and loop lag, and no connection failed (the soak's one goal that is not a
 * matter of speed). Nothing about performance is asserted.
 */
class SoakSmokeTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aShortSoakWritesItsReportAndCountsNoErrors(@TempDir Path out) throws Exception {
        assumeTrue(Exec.onPath("gcc"), "the load generator needs gcc");
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "server memory and descriptors come from /proc (Linux)");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        BenchMain main = BenchMain.run(new PrintStream(progress, true, StandardCharsets.UTF_8),
                "--out", out.toString(), "--soak", "6s", "--c10k-conns", "200", "--churn", "50");

        String md = Files.readString(main.lastReport);
        assertThat(md).as(progress.toString(StandardCharsets.UTF_8))
                .contains("# Soak: weft, 6 s, 200 connections, churn 50/s")
                .contains("- errors: 0 (goal 0)")
                .contains("- loop lag")
                .containsPattern("- GC \\(soak-gc\\.log\\): \\d+ young collections, \\d+ full");
        long rows = md.lines().filter(l -> l.matches("\\| \\d+ \\| \\d+ \\|.*")).count();
        assertThat(rows).as("a row per second").isBetween(4L, 7L);
        assertThat(main.lastReport.resolveSibling("soak.png")).isNotEmptyFile();
    }

    @Test
    void durationsReadAsThePeopleWriteThem() {
        assertThat(BenchMain.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(BenchMain.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(BenchMain.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(BenchMain.parseDuration("120")).isEqualTo(Duration.ofSeconds(120));
        assertThatThrownBy(() -> BenchMain.parseDuration("soon")).hasMessageContaining("30m, 2m, 90s");
        assertThatThrownBy(() -> BenchMain.parseDuration("2s")).hasMessageContaining("at least 5 s");
    }
}
