package io.weft.bench.macro;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
        generator();
        noise();
        machine();
        method();
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

    /** Evidence that the generator outruns the servers: the C floor, and CPU on each side. */
    private void generator() {
        md.append("## Is the load generator the bottleneck?\n\n");
        md.append("One C epoll client (`weft-bench/src/main/c/loadgen.c`) drives every peer. Its CPU use over"
                + " the measured window is in each table (\"loadgen CPU\") beside the server's; pinned to a core"
                + " of its own it cannot be starved by the server it measures. Against the C floor (the plainest"
                + " epoll echo in C, no peer) it shows how far the generator goes when the server costs next to"
                + " nothing:\n\n");
        md.append("| workload | C floor | fastest peer or Weft | floor ÷ fastest | loadgen CPU vs fastest |\n"
                + "|---|---:|---|---:|---:|\n");
        boolean any = false;
        for (Workload w : config.workloads()) {
            Metric m = Metric.primary(w.kind());
            Stats floor = tally.stats(w, "c-epoll", m);
            Optional<Peer> top = tally.leader(w, m);
            if (floor.n() == 0 || top.isEmpty()) {
                continue;
            }
            any = true;
            Stats best = tally.stats(w, top.get().name(), m);
            md.append("| ").append(w.name()).append(" | ").append(m.format(floor.median())).append(" | ")
                    .append(top.get().name()).append(' ').append(m.format(best.median())).append(" | ")
                    .append(times(floor.median() / best.median())).append(" | ")
                    .append(Metric.GENERATOR_UTIL.format(tally.stats(w, top.get().name(), Metric.GENERATOR_UTIL)
                            .median()))
                    .append(" |\n");
        }
        if (!any) {
            md.append("| (the C floor was not run: add `c-epoll` to --peers) | | | | |\n");
        }
        md.append("\nOn one connection neither side is CPU-bound: each waits for the other's reply through the"
                + " kernel, so the round-trip time is mostly wake-up latency.\n\n");
        List<RunResult> busy = results.runs().stream()
                .filter(r -> r.ok() && r.get(Metric.GENERATOR_UTIL) > 0.9).toList();
        long measured = results.runs().stream().filter(RunResult::ok).count();
        md.append("Runs in which the generator itself used more than 90% of its core, so that it may have been"
                + " the limit rather than the server: ").append(busy.size()).append(" of ").append(measured);
        if (!busy.isEmpty()) {
            md.append(" (").append(String.join(", ", busy.stream()
                    .map(r -> r.workload() + "/" + r.peer() + " r" + r.round()).toList())).append(')');
        }
        md.append(". Per round trip the generator makes about the same system calls as a lean server, and on"
                + " loopback the sender of each message pays for the receiver's TCP processing, so a server as"
                + " cheap as the C floor and the generator saturate together: between such servers the suite"
                + " cannot tell differences of a few percent apart, and their CPU per round trip says more than"
                + " their throughput.\n\n");
    }

    private void noise() {
        md.append("## Noise\n\n");
        Stats load = tally.loadAverages();
        Stats spread = tally.spreads();
        md.append("- One-minute load average before each run: median ").append(fmt(load.median())).append(" (min ")
                .append(fmt(load.min())).append(", max ").append(fmt(load.max())).append(") on ")
                .append(results.machine().facts().get("cores (online)"))
                .append(" cores. Above the core count, other processes were competing for the CPUs.\n");
        Stats genWait = Stats.of(results.runs().stream().map(r -> r.get(Metric.GENERATOR_WAIT)).toList());
        md.append("- Time the load generator spent runnable but waiting for its CPU (schedstat), as a share of the"
                + " measured window: median ").append(Metric.GENERATOR_WAIT.format(genWait.median()))
                .append(", worst ").append(Metric.GENERATOR_WAIT.format(genWait.max()))
                .append(". It is one thread on a core the server never runs on, so any waiting is another"
                        + " process holding that core: the cleanest probe of how busy the machine was. Near 0% on a"
                        + " quiet machine; each workload table shows it per peer. (The servers' own wait, summed over"
                        + " their threads, is in results.json as srv_wait_s; with a thread per connection it mostly"
                        + " counts the server's threads waiting for each other.)\n");
        if (config.rounds() > 1) {
            md.append("- Spread of rounds, (max − min) ÷ median of the headline number, over every workload and"
                    + " peer: median ").append(percent(spread.median())).append(", worst ")
                    .append(percent(spread.max())).append(". Ratios smaller than the spread are not a difference.\n");
            record Cell(String name, double spread) {
            }
            List<Cell> cells = new ArrayList<>();
            for (Workload w : config.workloads()) {
                for (Peer p : tally.measured(w)) {
                    double s = tally.stats(w, p.name(), Metric.primary(w.kind())).spread();
                    if (s > 0.25) {
                        cells.add(new Cell(w.name() + "/" + p.name(), s));
                    }
                }
            }
            cells.sort((a, b) -> Double.compare(b.spread, a.spread));
            if (!cells.isEmpty()) {
                md.append("- ").append(cells.size()).append(" of ").append(spread.n())
                        .append(" cells spread above 25%; the worst: ")
                        .append(String.join(", ", cells.stream().limit(8)
                                .map(c -> c.name + " " + percent(c.spread)).toList()))
                        .append(".\n");
            }
        } else {
            md.append("- One round only: no spread to show.\n");
        }
        md.append('\n');
    }

    private void machine() {
        md.append("## Machine\n\n| | |\n|---|---|\n");
        results.machine().facts().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append('\n');
    }

    private void method() {
        md.append("## Method\n\n");
        md.append("- Every peer serves the same echo on 127.0.0.1 in a process of its own, started fresh for each run;"
                + " the load generator is another process. Servers: Weft (one loop, a `Protocol` that pauses"
                + " reading while its write buffer is above the high-water mark), Weft green threads (one loop,"
                + " a green thread per connection doing blocking-style `GreenSocket` read and write), Netty 4.2"
                + " (one event loop"
                + " group thread for accept and I/O, write on read, flush on read-complete, autoRead off while"
                + " unwritable), JDK thread per connection (blocking `java.net.Socket`, 16 KiB buffer;"
                + " platform threads, or virtual threads on the default scheduler), Go (goroutine per"
                + " connection, 16 KiB buffer), Node (`net`, pause on a full write buffer until `drain`).\n");
        md.append("- Java peers run with `").append(String.join(" ", Launchers.PEER_JVM_FLAGS))
                .append("` plus Weft's JVM flags, on the JDK of the driver.\n");
        md.append("- Closed loop: each active connection sends a message, waits for all of it to come back"
                + " (checked byte for byte), and sends the next. Latency per round trip goes into a log-bucketed"
                + " histogram (under 1% error). The JIT warms up under the same load before the measured window.\n");
        md.append("- Server CPU is utime+stime from /proc/PID/stat over the measured window; \"server CPU\""
                + " 100% is one core busy. Memory is VmRSS from /proc/PID/status; heap is what the peer"
                + " reports in process after a full collection.\n");
        md.append("- Timers (one idle timeout per connection, reset on every request) are measured by the JMH"
                + " suite (`TimerChurnBenchmark`, `weft-bench/run-jmh.sh`), not here.\n");
    }

    static String times(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "–" : String.format("%.2f×", r);
    }

    static String percent(double f) {
        return Double.isNaN(f) ? "–" : String.format("%.0f%%", f * 100);
    }

    private static String fmt(double d) {
        return Double.isNaN(d) ? "–" : d == Math.rint(d) ? Long.toString((long) d) : String.format("%.2f", d);
    }

    private static String mib(long bytes) {
        return bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}
