package io.weft.cli.file;

import io.weft.cli.WeftVersion;
import io.weft.file.AsyncFile;
import io.weft.file.FileStat;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft demo list-files DIR}: lists a directory and stats every entry through
 * {@link AsyncFile#listStats} (batches on the offload pool), or with {@code --per-entry} one
 * {@link AsyncFile#stat} per entry, a window of them in flight, while a 1 ms timer on the same loop records how
 * late it fires: the loop's responsiveness during heavy metadata work. {@code --create N} makes
 * N small files in DIR first (and {@code --clean} deletes them afterwards, through the loop too).
 */
@Command(name = "list-files", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"Lists DIR and stats every entry on one loop while a 1 ms timer measures",
            "how late the loop runs (timer lag)."})
public final class ListFilesDemo implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The directory.")
    private Path dir;

    @Option(names = "--create", defaultValue = "0", description = "Create this many small files in DIR first.")
    private int create;

    @Option(names = "--clean", description = "Delete the files made by --create afterwards.")
    private boolean clean;

    @Option(names = "--per-entry", description = {"One AsyncFile.stat per entry (--window in flight) after one AsyncFile.list,",
        "instead of AsyncFile.listStats."})
    private boolean perEntry;

    @Option(names = "--window", defaultValue = "64", description = "With --per-entry: stats in flight at once (default: ${DEFAULT-VALUE}).")
    private int window;

    @Option(names = "--poller", paramLabel = "KIND", description = {"The loop's backend: nio, poll, epoll or io_uring",
        "(default: the best here). On io_uring the stats are STATX operations on the ring."})
    private String poller;

    @Option(names = "--warmup", description = {"List and stat DIR once, untimed, before the measured run: the first",
        "use of a code path loads classes and links call sites on the loop's thread."})
    private boolean warmup;

    private final List<Long> lags = new ArrayList<>();
    private boolean ticking = true;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Files.createDirectories(dir);
        for (int i = 0; i < create; i++) {
            Files.writeString(dir.resolve(String.format("f%06d", i)), "x");
        }
        try (EventLoop loop = EventLoop.create((poller == null ? LoopConfig.builder() : LoopConfig.builder().poller(io.weft.loop.PollerKind.parse(poller)))
                .threadName("list-files").build())) {
            if (warmup) {
                if (perEntry) {
                    loop.runUntilComplete(statAll(loop, loop.runUntilComplete(AsyncFile.list(loop, dir)), new long[1]));
                } else {
                    loop.runUntilComplete(AsyncFile.listStats(loop, dir));
                }
            }
            // The baseline: the same timer on an idle loop for half a second, so the lag the machine
            // itself causes (other processes on the cores, the JIT) is seen apart from the work's.
            loop.callSoon(() -> tick(loop, loop.time() + 1_000_000));
            Promise<Void> idle = loop.newPromise();
            loop.callLater(java.time.Duration.ofMillis(500), () -> idle.complete(null));
            loop.runUntilComplete(idle);
            // Only copied here: sorting it (a cold stream pipeline, 10-19 ms at load 11 by a stack
            // sampler) would run on the loop's thread just before the work and make its first
            // ticks late for the demo's own sake. Both phases are sorted after the work.
            List<Long> idleLags = new ArrayList<>(lags);
            lags.clear();
            long t0 = System.nanoTime();
            List<Path> entries;
            long listed;
            long statted;
            long[] bytes = {0};
            if (perEntry) {
                entries = loop.runUntilComplete(AsyncFile.list(loop, dir));
                listed = System.nanoTime();
                loop.runUntilComplete(statAll(loop, entries, bytes));
                statted = System.nanoTime();
            } else {
                List<FileStat> stats = loop.runUntilComplete(AsyncFile.listStats(loop, dir));
                listed = t0; // one call does both
                statted = System.nanoTime(); // before the demo's own walk over the result
                entries = stats.stream().map(FileStat::path).toList();
                stats.forEach(st -> bytes[0] += st.size());
            }
            long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray(); // the work's ticks only
            long[] baseline = idleLags.stream().mapToLong(Long::longValue).sorted().toArray();
            if (clean) {
                List<Path> made = entries.stream().filter(p -> p.getFileName().toString().matches("f\\d{6}")).toList();
                loop.runUntilComplete(deleteAll(loop, made));
            }
            ticking = false;
            if (perEntry) {
                out.printf("listed %,d entries in %.1f ms; stat'ed them in %.1f ms (%,.0f stats/s, %d in flight); %,d bytes%n",
                        entries.size(), (listed - t0) / 1e6, (statted - listed) / 1e6,
                        entries.size() / ((statted - listed) / 1e9), window, bytes[0]);
            } else {
                out.printf("listed and stat'ed %,d entries in %.1f ms with listStats (%,.0f entries/s); %,d bytes%n",
                        entries.size(), (statted - t0) / 1e6, entries.size() / ((statted - t0) / 1e9), bytes[0]);
            }
            printLag(out, "timer lag while working", sorted);
            printLag(out, "timer lag idle (baseline)", baseline);
        }
        out.flush();
        return 0;
    }

    private static void printLag(PrintWriter out, String what, long[] sorted) {
        out.printf("%s, over %,d ticks of 1 ms: median %.2f ms, p99 %.2f ms, max %.2f ms%n", what, sorted.length,
                at(sorted, 0.5) / 1e6, at(sorted, 0.99) / 1e6, sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    private static long at(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
    }

    private void tick(EventLoop loop, long deadline) {
        if (!ticking) {
            return;
        }
        long now = loop.time();
        lags.add(Math.max(0, now - deadline));
        long next = Math.max(deadline + 1_000_000, now + 1);
        loop.callAt(next, () -> tick(loop, next));
    }

    /** Stats every entry, {@code window} at a time, summing the sizes. */
    private Promise<Void> statAll(EventLoop loop, List<Path> entries, long[] bytes) {
        Promise<Void> done = loop.newPromise();
        int[] next = {0};
        int[] running = {0};
        Runnable[] more = new Runnable[1];
        more[0] = () -> {
            while (running[0] < window && next[0] < entries.size()) {
                running[0]++;
                Promise<FileStat> s = AsyncFile.stat(loop, entries.get(next[0]++));
                s.whenComplete((st, e) -> {
                    running[0]--;
                    if (e != null) {
                        done.fail(e);
                        return;
                    }
                    bytes[0] += st.size();
                    more[0].run();
                });
            }
            if (running[0] == 0 && next[0] == entries.size()) {
                done.complete(null);
            }
        };
        more[0].run();
        return done;
    }

    private Promise<Void> deleteAll(EventLoop loop, List<Path> paths) {
        List<Promise<Void>> all = new ArrayList<>();
        for (Path p : paths) {
            all.add(AsyncFile.delete(loop, p));
            if (all.size() % window == 0) {
                // bounded: wait for this batch before the next, so the pool's queue never fills
                Promise<List<Void>> batch = Promise.all(loop, List.copyOf(all));
                loop.runUntilComplete(batch);
                all.clear();
            }
        }
        return Promise.all(loop, all).map(v -> null);
    }
}
