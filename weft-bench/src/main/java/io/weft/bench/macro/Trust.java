package io.weft.bench.macro;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The summary's closing sections, on how far its numbers can be trusted: whether the load
 * generator kept up, how noisy the machine was, what the machine was, and how it was measured.
 */
final class Trust {
    private final Tally tally;
    private final Suite.Results results;
    private final SuiteConfig config;
    private final StringBuilder md;

    Trust(Tally tally, StringBuilder md) {
        this.tally = tally;
        this.results = tally.results();
        this.config = results.config();
        this.md = md;
    }

    void append() {
        generator();
        noise();
        machine();
        method();
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
                    .append(Summary.times(floor.median() / best.median())).append(" | ")
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
        md.append("- One-minute load average before each run: median ").append(Summary.fmt(load.median()))
                .append(" (min ").append(Summary.fmt(load.min())).append(", max ").append(Summary.fmt(load.max()))
                .append(") on ")
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
                    + " peer: median ").append(Summary.percent(spread.median())).append(", worst ")
                    .append(Summary.percent(spread.max()))
                    .append(". Ratios smaller than the spread are not a difference.\n");
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
                                .map(c -> c.name + " " + Summary.percent(c.spread)).toList()))
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

}
