package io.weft.bench.macro;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Markdown summary of a suite: ratios first, then each workload's table and chart, then how it was run. */
final class Summary {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final Tally tally;
    private final Suite.Results results;
    private final SuiteConfig config;
    private final Map<String, String> charts;
    private final StringBuilder md = new StringBuilder();

    Summary(Tally tally, Map<String, String> charts) {
        this.tally = tally;
        this.results = tally.results();
        this.config = results.config();
        this.charts = charts;
    }

    String markdown() {
        header();
        ratios();
        quiet();
        goals();
        for (Workload w : config.workloads()) {
            workload(w);
        }
        new Trust(tally, md).append();
        return md.toString();
    }

    private void header() {
        md.append("# Weft macro benchmarks\n\n");
        if (config.quick()) {
            md.append("**Quick run (`--quick`): indicative only.** One round, short windows; the full run"
                    + " (`./weft bench`) has the numbers to quote.\n\n");
        }
        long minutes = Math.round((results.endedMillis() - results.startedMillis()) / 60000.0);
        line("Run", WHEN.format(Instant.ofEpochMilli(results.startedMillis())) + ", took " + minutes + " min");
        line("Command", "`" + config.commandLine() + "`");
        line("Rounds", config.rounds() + " per workload, interleaved across peers; " + fmt(config.warmupSec())
                + " s warm-up then " + fmt(config.measureSec()) + " s measured per ping-pong run; bulk echoes "
                + mib(config.bulkWarmBytes()) + " unmeasured, then " + mib(config.bulkBytes()) + " measured");
        line("Pinning", config.pinned() ? "servers on CPU " + config.serverCpus() + ", load generator on CPU "
                + config.generatorCpus() + " (taskset)" : "none (taskset missing, one CPU, or --no-pin)");
        line("Loops", config.loops() + " event loop thread(s) for Weft and Netty");
        if (!results.skipped().isEmpty()) {
            md.append("\n**Skipped:**\n\n");
            results.skipped().forEach((peer, why) -> md.append("- ").append(peer).append(": ").append(why)
                    .append('\n'));
        }
        md.append('\n');
    }

    private void line(String label, String text) {
        md.append("- **").append(label).append(":** ").append(text).append('\n');
    }

    /** Weft over each competitor, same suite: throughput (>1: Weft ahead) and p99 (<1: Weft lower). */
    private void ratios() {
        // Weft's green-thread style is no competitor, but how the two styles of Weft compare is worth a column.
        List<Peer> competitors = config.peers().stream().filter(p -> p.competitor() || p.name().equals("weft-green"))
                .filter(p -> !results.skipped().containsKey(p.name())).toList();
        if (competitors.isEmpty() || config.workloads().stream().noneMatch(tally::hasWeft)) {
            return;
        }
        md.append("## Weft ÷ each peer\n\n");
        md.append("Weft is Weft with callbacks. Medians of the same suite. Throughput (round trips/s; GB/s for"
                + " bulk): above 1× Weft is ahead. p99 latency: below 1× Weft is lower (better). Server CPU per"
                + " unit (CPU time per round trip; per GB for bulk): below 1× Weft does the same work with less"
                + " CPU. On a busy machine the last is the steadiest of the three: a server starved of CPU by"
                + " other processes serves fewer round trips, but each still costs about the same.\n\n");
        md.append("| workload | metric |");
        competitors.forEach(p -> md.append(' ').append(p.name()).append(" |"));
        md.append("\n|---|---|");
        competitors.forEach(p -> md.append("---:|"));
        md.append('\n');
        for (Workload w : config.workloads()) {
            if (!tally.hasWeft(w)) {
                continue;
            }
            List<Metric> ms = w.kind() == Workload.Kind.BULK ? List.of(Metric.GB_PER_S, Metric.CPU_PER_GB)
                    : List.of(Metric.ROUND_TRIPS, Metric.P99, Metric.CPU_PER_ROUND_TRIP);
            for (Metric m : ms) {
                String what = switch (m) {
                    case P99 -> "p99";
                    case CPU_PER_ROUND_TRIP, CPU_PER_GB -> "server CPU per unit";
                    default -> "throughput";
                };
                md.append("| ").append(w.name()).append(" | ").append(what).append(" |");
                for (Peer p : competitors) {
                    md.append(' ').append(times(tally.ratio(w, p.name(), m))).append(" |");
                }
                md.append('\n');
            }
        }
        md.append("\n**Who leads** (Weft included, the C floor not):\n\n");
        for (Workload w : config.workloads()) {
            Metric primary = Metric.primary(w.kind());
            Optional<Peer> top = tally.leader(w, primary);
            if (top.isEmpty()) {
                continue;
            }
            md.append("- ").append(w.name()).append(": ").append(top.get().name()).append(" on ")
                    .append(primary.label);
            if (w.kind() != Workload.Kind.BULK) {
                tally.leader(w, Metric.P99).ifPresent(p -> md.append(", ").append(p.name()).append(" on p99"));
            }
            md.append('\n');
        }
        md.append('\n');
    }

    /**
     * The rounds no other process disturbed, on their own: on a shared machine the fairer
     * comparison, since a noisy minute can land on one peer's rounds and not another's.
     */
    private void quiet() {
        List<Peer> peers = config.peers().stream().filter(p -> !results.skipped().containsKey(p.name())).toList();
        long quietRuns = results.runs().stream()
                .filter(r -> r.ok() && r.get(Metric.GENERATOR_WAIT) <= Tally.QUIET).count();
        long all = results.runs().stream().filter(RunResult::ok).count();
        if (quietRuns == all || quietRuns == 0) {
            md.append(quietRuns == 0 ? "No round was quiet (the load generator waited for its CPU more than "
                    + percent(Tally.QUIET) + " of every window): every number here carries the machine's noise.\n\n"
                    : "");
            return;
        }
        md.append("## Quiet rounds only\n\n");
        md.append(quietRuns).append(" of ").append(all).append(" rounds were quiet: the load generator, on a core"
                + " no server runs on, waited for it at most ").append(percent(Tally.QUIET))
                .append(" of the window. Their medians, with the number of quiet rounds in brackets; a dash"
                        + " where a peer had none (workloads without any are left out). Throughput (round trips/s;"
                        + " GB/s for bulk), then p99 in µs:\n\n");
        md.append("| workload |");
        peers.forEach(p -> md.append(' ').append(p.name()).append(" |"));
        md.append("\n|---|");
        peers.forEach(p -> md.append("---:|"));
        md.append('\n');
        for (Workload w : config.workloads()) {
            List<Metric> ms = w.kind() == Workload.Kind.BULK ? List.of(Metric.GB_PER_S)
                    : List.of(Metric.ROUND_TRIPS, Metric.P99);
            for (Metric m : ms) {
                if (peers.stream().allMatch(p -> tally.quietStats(w, p.name(), m).n() == 0)) {
                    continue;
                }
                md.append("| ").append(w.name()).append(m == Metric.P99 ? " p99" : "").append(" |");
                for (Peer p : peers) {
                    Stats q = tally.quietStats(w, p.name(), m);
                    md.append(' ').append(q.n() == 0 ? "–" : m.format(q.median()) + " (" + q.n() + ")").append(" |");
                }
                md.append('\n');
            }
        }
        md.append('\n');
    }

    /** The goals, reported against (never a gate). */
    private void goals() {
        md.append("## Goals of the benchmark issue\n\n");
        md.append("| goal | workload | Weft | best peer | ratio | met |\n|---|---|---:|---|---:|:-:|\n");
        boolean any = false;
        for (Workload w : config.workloads()) {
            if (w.kind() == Workload.Kind.BULK || !tally.hasWeft(w)) {
                continue;
            }
            Optional<Peer> best = tally.bestCompetitor(w, Metric.ROUND_TRIPS);
            if (best.isPresent()) {
                double r = tally.ratio(w, best.get().name(), Metric.ROUND_TRIPS);
                goalRow("throughput ≥ 1.1× best peer", w, Metric.ROUND_TRIPS, best.get(), r, r >= 1.1);
                any = true;
            }
            Optional<Peer> lowest = tally.bestCompetitor(w, Metric.P99);
            if (lowest.isPresent()) {
                double r = tally.ratio(w, lowest.get().name(), Metric.P99);
                goalRow("p99 ≤ best peer's", w, Metric.P99, lowest.get(), r, r <= 1.0);
                any = true;
            }
            if (w.kind() == Workload.Kind.C10K) {
                for (Metric m : List.of(Metric.RSS_PER_CONN, Metric.HEAP_PER_CONN)) {
                    Optional<Peer> netty = tally.measured(w).stream().filter(p -> p.name().startsWith("netty"))
                            .min((a, b) -> Double.compare(tally.stats(w, a.name(), m).median(),
                                    tally.stats(w, b.name(), m).median()));
                    if (netty.isPresent()) {
                        double r = tally.ratio(w, netty.get().name(), m);
                        goalRow("idle " + m.label + " ≤ 0.9× Netty's (its leanest transport)", w, m, netty.get(), r,
                                r <= 0.9);
                        any = true;
                    }
                }
            }
        }
        if (!any) {
            md.append("| (needs Weft and at least one peer measured) | | | | | |\n");
        }
        md.append('\n');
    }

    private void goalRow(String goal, Workload w, Metric m, Peer peer, double ratio, boolean met) {
        md.append("| ").append(goal).append(" | ").append(w.name()).append(" | ")
                .append(m.format(tally.stats(w, Tally.WEFT, m).median())).append(" | ").append(peer.name())
                .append(' ').append(m.format(tally.stats(w, peer.name(), m).median())).append(" | ")
                .append(times(ratio)).append(" | ").append(Double.isNaN(ratio) ? "–" : met ? "yes" : "no")
                .append(" |\n");
    }

    private void workload(Workload w) {
        md.append("## ").append(w.name()).append(": ").append(w.title()).append("\n\n");
        if (w.kind() == Workload.Kind.BULK) {
            md.append(mib(config.bulkBytes())).append(" echoed through one connection, written in 64 KiB writes."
                    + " GB/s counts the bytes that came back (10^9 bytes).\n\n");
        }
        if (w.kind() == Workload.Kind.C10K) {
            md.append("Memory per connection: the server's resident set (and Java/Go/V8 heap after a full"
                    + " collection) with every connection open and each having echoed once, minus the same"
                    + " before the first connection, divided by the connection count. At the end every idle"
                    + " connection sends one message; \"idle conns not answering\" counts those that did not"
                    + " answer within 30 s.\n\n");
        }
        String chart = charts.get(w.name());
        if (chart != null) {
            md.append("![").append(w.name()).append("](").append(chart).append(")\n\n");
        }
        List<Peer> peers = tally.measured(w);
        if (peers.isEmpty()) {
            md.append("No successful runs.\n\n");
        } else {
            List<Metric> cols = Metric.columns(w.kind());
            Metric primary = cols.getFirst();
            md.append("| peer | ").append(primary.label).append(" median (min–max) | spread |");
            cols.subList(1, cols.size()).forEach(m -> md.append(' ').append(m.label).append(" |"));
            md.append(" loadgen waited for CPU | Weft ÷ peer |\n|---|---:|---:|");
            cols.subList(1, cols.size()).forEach(m -> md.append("---:|"));
            md.append("---:|---:|\n");
            for (Peer p : peers) {
                Stats s = tally.stats(w, p.name(), primary);
                md.append("| ").append(p.weft() ? "**" + p.title() + "**" : p.title()).append(" | ")
                        .append(primary.format(s.median()));
                if (s.n() > 1) {
                    md.append(" (").append(primary.format(s.min())).append("–").append(primary.format(s.max()))
                            .append(')');
                }
                md.append(" | ").append(percent(s.spread())).append(" |");
                for (Metric m : cols.subList(1, cols.size())) {
                    md.append(' ').append(m.format(tally.stats(w, p.name(), m).median())).append(" |");
                }
                md.append(' ').append(Metric.GENERATOR_WAIT.format(tally.stats(w, p.name(), Metric.GENERATOR_WAIT)
                        .median())).append(" |");
                md.append(' ').append(p.name().equals(Tally.WEFT) ? "" : times(tally.ratio(w, p.name(), primary)))
                        .append(" |\n");
            }
            md.append('\n');
        }
        for (RunResult f : tally.failures(w)) {
            md.append("- failed: ").append(f.peer()).append(" round ").append(f.round()).append(": ")
                    .append(f.error()).append('\n');
        }
        if (!tally.failures(w).isEmpty()) {
            md.append('\n');
        }
    }

    static String times(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "–" : String.format("%.2f×", r);
    }

    static String percent(double f) {
        return Double.isNaN(f) ? "–" : String.format("%.0f%%", f * 100);
    }

    static String fmt(double d) {
        return Double.isNaN(d) ? "–" : d == Math.rint(d) ? Long.toString((long) d) : String.format("%.2f", d);
    }

    private static String mib(long bytes) {
        return bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}
