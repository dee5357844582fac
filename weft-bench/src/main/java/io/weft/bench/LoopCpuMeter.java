package io.weft.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * CPU time per operation over the measurement iterations, split three ways and printed at the
 * end of a trial as a line starting with {@value #TAG}:
 * <ul>
 *   <li><b>process</b>: the whole JVM, as {@link CpuMeter} reports it;</li>
 *   <li><b>loops</b>: the event-loop threads of the implementation under test (threads whose
 *       name contains {@value #LOOP_MARK}), i.e. what the transport itself costs;</li>
 *   <li><b>peer</b>: the plain blocking-socket threads on the other end of a connection
 *       (names containing {@value #PEER_MARK}), identical for every implementation.</li>
 * </ul>
 * Why the split: a streaming benchmark has a counterpart that does the same work for every
 * peer, and the machine is shared, so the loop threads' own CPU time is the fairest figure of
 * what Weft or Netty spends per message. Also reported per KiB, for the streaming benchmarks.
 *
 * <p>Threading: the benchmark thread adds operations ({@link #add}); JMH calls the hooks. The
 * thread CPU clocks are read at iteration boundaries only, outside the measured time.
 */
@State(Scope.Benchmark)
public class LoopCpuMeter {
    static final String TAG = "cpu-split:";
    static final String LOOP_MARK = "bench-loop";
    static final String PEER_MARK = "bench-peer";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private boolean measuring;
    private long startProcess;
    private long startLoops;
    private long startPeers;
    private long iterationOps;
    private long iterationBytes;
    private long process;
    private long loops;
    private long peers;
    private long ops;
    private long bytes;

    /** Counts {@code n} operations moving {@code byteCount} bytes, done by the current invocation. */
    void add(long n, long byteCount) {
        iterationOps += n;
        iterationBytes += byteCount;
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        iterationOps = 0;
        iterationBytes = 0;
        startLoops = threadsCpu(LOOP_MARK);
        startPeers = threadsCpu(PEER_MARK);
        startProcess = OS.getProcessCpuTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (measuring) {
            process += OS.getProcessCpuTime() - startProcess;
            loops += threadsCpu(LOOP_MARK) - startLoops;
            peers += threadsCpu(PEER_MARK) - startPeers;
            ops += iterationOps;
            bytes += iterationBytes;
        }
    }

    @TearDown(Level.Trial)
    public void report(BenchmarkParams benchmark) {
        if (ops == 0) {
            return;
        }
        String params = benchmark.getParamsKeys().stream().map(k -> k + "=" + benchmark.getParam(k)).toList().toString();
        System.out.printf("%s %s %s per op: process %.0f ns, loops %.0f ns, peer %.0f ns (%d ops)%n",
                TAG, benchmark.getBenchmark(), params, (double) process / ops, (double) loops / ops,
                (double) peers / ops, ops);
        if (bytes > 0) {
            double kib = bytes / 1024.0;
            System.out.printf("%s %s %s per KiB: process %.0f ns, loops %.0f ns, peer %.0f ns (%d bytes)%n",
                    TAG, benchmark.getBenchmark(), params, process / kib, loops / kib, peers / kib, bytes);
        }
    }

    /** The CPU time of the live threads whose name contains {@code mark}. */
    private static long threadsCpu(String mark) {
        long sum = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(mark)) {
                long t = THREADS.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    sum += t;
                }
            }
        }
        return sum;
    }
}
