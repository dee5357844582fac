package io.weft.bench.macro;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code ./weft bench --soak DURATION}: c10k for a long time with churn. One server (Weft by
 * default) and the load generator in soak mode: {@code conns} connections, 5% of them in ping-pong,
 * {@code churn} connections a second closed and opened again. Every second the driver reads the
 * generator's tick (round trips, latency p99, errors, churned), the server's resident memory and
 * open descriptors from {@code /proc}, and the server's loop lag (p99 and max of a 10 ms timer's
 * lateness, {@code lag} in the peer protocol). Writes {@code soak.md} (summary and a table) and
 * {@code soak.png} (RSS, descriptors and lag over time) into the run's directory.
 *
 * <p>Goals (issue 14): errors 0; RSS and descriptors flat after warm-up. "Flat" is reported as
 * the growth from the end of the first fifth of the run to the end, per connection and in all.
 *
 * <p>The server's heap ({@link #serverJvmFlags}): fixed and touched at start. With the suite's
 * {@code -Xms64m -Xmx1g} and the serial collector, churned connections are promoted (each
 * young collection finds the connections opened since the last one still open, more than the
 * 2 MiB survivor space holds) and die in the old generation, which the collector grows rather
 * than collects until it reaches {@code -Xmx}: RSS climbs a step per young collection for
 * hours (30 minutes: +65 MiB, no full collection). A heap of fixed size, pre-touched, puts the
 * heap's share of RSS in place from the start and makes the collector reclaim the old
 * generation by full collections instead; RSS then shows what can leak outside the heap
 * (native and direct memory, thread stacks), and a leak inside it shows as the old generation
 * after each full collection, which the summary reports from the GC log.
 */
final class Soak {
    /** One second of the run. */
    record Tick(double t, long rtt, double p99Us, long errors, long churned, long rssKiB, long fds, long lagP99Us,
            long lagMaxUs) {
    }

    /** Live heap per connection of the soak server, measured (about 1.2 KiB), with room for the garbage between full collections. */
    static final long HEAP_PER_CONNECTION = 6 * 1024;
    static final long MIN_HEAP = 64L << 20;

    /**
     * JVM flags of the soak's server: a fixed heap of {@link #HEAP_PER_CONNECTION} per connection
     * (at least {@link #MIN_HEAP}), touched at start, and a GC log in the run's directory.
     */
    static List<String> serverJvmFlags(int conns, Path dir) {
        long mib = Math.max(MIN_HEAP, conns * HEAP_PER_CONNECTION + (1 << 20) - 1) >> 20;
        return List.of("-Xms" + mib + "m", "-Xmx" + mib + "m", "-XX:+AlwaysPreTouch",
                "-Xlog:gc:file=" + dir.resolve(GC_LOG) + ":uptime");
    }

    static final String GC_LOG = "soak-gc.log";

    private final Path loadgen;
    private final Path dir;
    private final String serverCpus;
    private final String generatorCpus;
    private final PrintStream progress;

    Soak(Path loadgen, Path dir, String serverCpus, String generatorCpus, PrintStream progress) {
        this.loadgen = loadgen;
        this.dir = dir;
        this.serverCpus = serverCpus;
        this.generatorCpus = generatorCpus;
        this.progress = progress;
    }

    /** Runs the soak against the server {@code command} starts; returns the summary's path. */
    Path run(Peer peer, List<String> command, Duration length, int conns, int churn, String machine)
            throws IOException, Child.ChildFailure {
        Path log = dir.resolve("soak-" + peer.name() + ".log");
        List<Tick> ticks = new ArrayList<>();
        String result;
        long rssBefore;
        try (Child server = Child.start(command, serverCpus, log)) {
            String listening = server.await(60, "LISTENING");
            int port = Integer.parseInt(listening.substring("LISTENING".length()).strip());
            rssBefore = ProcStatus.of(server.pid()).rssKiB();
            lag(server); // starts the probe
            int active = Math.max(1, conns / 20);
            List<String> gen = List.of(loadgen.toString(), "--port", Integer.toString(port), "--mode", "soak",
                    "--conns", Integer.toString(conns), "--active", Integer.toString(active), "--size", "1024",
                    "--duration", Long.toString(length.toSeconds()), "--churn", Integer.toString(churn),
                    "--server-pid", Long.toString(server.pid()));
            try (Child g = Child.start(gen, generatorCpus, log)) {
                g.await(240, "CONNECTED");
                lag(server); // the connect phase's lag is not the soak's
                progress.printf("soak: %d connections open, %d active, churn %d/s, for %s%n", conns, active, churn,
                        length);
                while (true) {
                    String line = g.await(60, "TICK", "RESULT");
                    if (line.startsWith("RESULT")) {
                        result = line;
                        break;
                    }
                    Map<String, String> k = fields(line);
                    long[] lag = lag(server);
                    Tick t = new Tick(num(k, "t_s"), (long) num(k, "rtt"), num(k, "p99_us"), (long) num(k, "errors"),
                            (long) num(k, "churned"), ProcStatus.of(server.pid()).rssKiB(), fds(server.pid()), lag[0],
                            lag[1]);
                    ticks.add(t);
                    if (ticks.size() % 60 == 0) {
                        progress.printf("soak: %.0f s, %d rt/s, RSS %.1f MiB, %d fds, errors so far %d%n", t.t(),
                                t.rtt(), t.rssKiB() / 1024.0, t.fds(), ticks.stream().mapToLong(Tick::errors).sum());
                    }
                }
            }
            if (!server.alive()) {
                throw new Child.ChildFailure("the server exited during the soak (see " + log.getFileName() + ")");
            }
        }
        String png = chart(ticks, peer);
        Path md = dir.resolve("soak.md");
        Files.writeString(md, summary(peer, length, conns, churn, rssBefore, ticks, fields(result), png, machine)
                + gcSummary(dir.resolve(GC_LOG)));
        return md;
    }

    /**
     * From a {@code -Xlog:gc} log: how many young and full collections, and the heap in use after
     * each full one (a leak inside the heap makes it climb). Empty when there is no log (a peer
     * that is not a JVM).
     */
    static String gcSummary(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        java.util.regex.Pattern pause = java.util.regex.Pattern.compile(
                "^\\[([0-9.]+)s\\].*Pause (Young|Full).* (\\d+)M->(\\d+)M\\((\\d+)M\\)");
        int young = 0;
        List<String> fulls = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            java.util.regex.Matcher m = pause.matcher(line);
            if (m.find()) {
                if (m.group(2).equals("Young")) {
                    young++;
                } else {
                    fulls.add(String.format(Locale.ROOT, "%.0f s: %s MiB", Double.parseDouble(m.group(1)), m.group(4)));
                }
            }
        }
        return String.format(Locale.ROOT, "%n- GC (%s): %d young collections, %d full; heap in use after each full one: %s%n",
                log.getFileName(), young, fulls.size(), fulls.isEmpty() ? "none" : String.join(", ", fulls));
    }

    private static long[] lag(Child server) throws Child.ChildFailure {
        server.send("lag");
        Map<String, String> k = fields(server.await(10, "LAG"));
        return new long[] {(long) num(k, "p99_us"), (long) num(k, "max_us")};
    }

    private static long fds(long pid) {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    static Map<String, String> fields(String line) {
        Map<String, String> m = new HashMap<>();
        for (String part : line.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return m;
    }

    private static double num(Map<String, String> m, String key) {
        String v = m.get(key);
        return v == null ? Double.NaN : Double.parseDouble(v);
    }

    /** The text report: the verdicts first, then a row per interval (at most about 60 rows). */
    static String summary(Peer peer, Duration length, int conns, int churn, long rssBefore, List<Tick> ticks,
            Map<String, String> result, String png, String machine) {
        StringBuilder b = new StringBuilder();
        b.append("# Soak: ").append(peer.name()).append(", ").append(length.toMinutes() > 0 ? length.toMinutes() + " min" : length.toSeconds() + " s")
                .append(", ").append(conns).append(" connections, churn ").append(churn).append("/s\n\n");
        b.append(machine).append("\n\n");
        long errors = ticks.stream().mapToLong(Tick::errors).sum();
        b.append(String.format(Locale.ROOT, "- errors: %d (goal 0); round trips %s at %s/s; connections churned %s%n",
                errors, result.getOrDefault("round_trips", "?"), result.getOrDefault("rtt_per_s", "?"),
                result.getOrDefault("churned", "?")));
        if (!ticks.isEmpty()) {
            Tick warm = ticks.get(Math.min(ticks.size() - 1, ticks.size() / 5));
            Tick last = ticks.getLast();
            long peakRss = ticks.stream().mapToLong(Tick::rssKiB).max().orElse(0);
            b.append(String.format(Locale.ROOT,
                    "- RSS: %.1f MiB before connecting, %.1f MiB after warm-up (t=%.0f s), %.1f MiB at the end"
                            + " (%+.1f MiB, %+.0f B per connection since warm-up), peak %.1f MiB%n",
                    rssBefore / 1024.0, warm.rssKiB() / 1024.0, warm.t(), last.rssKiB() / 1024.0,
                    (last.rssKiB() - warm.rssKiB()) / 1024.0, (last.rssKiB() - warm.rssKiB()) * 1024.0 / conns,
                    peakRss / 1024.0));
            b.append(String.format(Locale.ROOT, "- descriptors: %d after warm-up, %d at the end, %d to %d over the run%n",
                    warm.fds(), last.fds(), ticks.stream().mapToLong(Tick::fds).min().orElse(0),
                    ticks.stream().mapToLong(Tick::fds).max().orElse(0)));
            List<Long> lagP99 = ticks.stream().map(Tick::lagP99Us).sorted().toList();
            b.append(String.format(Locale.ROOT,
                    "- loop lag (10 ms timer lateness): per-second p99 median %d us, worst %d us; max %d us%n",
                    lagP99.get(lagP99.size() / 2), lagP99.getLast(),
                    ticks.stream().mapToLong(Tick::lagMaxUs).max().orElse(0)));
            List<Double> p99 = ticks.stream().map(Tick::p99Us).sorted().toList();
            b.append(String.format(Locale.ROOT, "- round-trip p99 per second: median %.0f us, worst %.0f us%n",
                    p99.get(p99.size() / 2), p99.getLast()));
        }
        if (png != null) {
            b.append("\n![RSS, descriptors and loop lag over time](").append(png).append(")\n");
        }
        b.append("\n| t (s) | rt/s | rt p99 (us) | errors | churned | RSS (MiB) | fds | lag p99 (us) | lag max (us) |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        int step = Math.max(1, ticks.size() / 60);
        for (int i = 0; i < ticks.size(); i += step) {
            // A row sums (counts) or takes the worst (latencies) of its interval.
            List<Tick> span = ticks.subList(i, Math.min(ticks.size(), i + step));
            Tick end = span.getLast();
            b.append(String.format(Locale.ROOT, "| %.0f | %d | %.0f | %d | %d | %.1f | %d | %d | %d |%n", end.t(),
                    span.stream().mapToLong(Tick::rtt).sum() / span.size(),
                    span.stream().mapToDouble(Tick::p99Us).max().orElse(0),
                    span.stream().mapToLong(Tick::errors).sum(), span.stream().mapToLong(Tick::churned).sum(),
                    end.rssKiB() / 1024.0, end.fds(), span.stream().mapToLong(Tick::lagP99Us).max().orElse(0),
                    span.stream().mapToLong(Tick::lagMaxUs).max().orElse(0)));
        }
        return b.toString();
    }

    /** soak.png: RSS, descriptors and loop lag p99 against time, one panel each; null with nothing to draw. */
    private String chart(List<Tick> ticks, Peer peer) throws IOException {
        if (ticks.size() < 2) {
            return null;
        }
        List<Double> t = ticks.stream().map(Tick::t).toList();
        List<BufferedImage> panels = List.of(
                panel(peer.name() + ": resident memory (MiB)", t, ticks.stream().map(k -> k.rssKiB() / 1024.0).toList(),
                        new Color(0x2E, 0x6F, 0xDB)),
                panel(peer.name() + ": open descriptors", t, ticks.stream().map(k -> (double) k.fds()).toList(),
                        new Color(0x3B, 0xA5, 0x5D)),
                panel(peer.name() + ": loop lag p99 per second (ms)", t,
                        ticks.stream().map(k -> k.lagP99Us() / 1000.0).toList(), new Color(0xF2, 0xA9, 0x3B)));
        int w = 560;
        int h = 400;
        BufferedImage all = new BufferedImage(w * panels.size(), h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(panels.get(i), i * w, 0, null);
        }
        g.dispose();
        ImageIO.write(all, "png", dir.resolve("soak.png").toFile());
        return "soak.png";
    }

    private static BufferedImage panel(String title, List<Double> x, List<Double> y, Color color) {
        XYChart chart = new XYChartBuilder().width(560).height(400).title(title).xAxisTitle("time (s)").build();
        var styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setLegendVisible(false);
        styler.setYAxisMin(0.0);
        styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(13f));
        var s = chart.addSeries(title, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        styler.setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Line);
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        return BitmapEncoder.getBufferedImage(chart);
    }
}
