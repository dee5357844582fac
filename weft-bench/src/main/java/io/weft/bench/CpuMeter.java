package io.weft.bench;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * CPU time of the whole benchmark JVM per operation, over the measurement iterations, printed
 * at the end of a trial as a line starting with {@value #TAG}.
 *
 * <p>Why: on a shared, overloaded machine a throughput score mostly measures how much of a
 * core the scheduler gave the loop thread, and a peer with two busy threads (the wheel timer)
 * gets more of it. CPU time per operation does not depend on that share, and it counts
 * everything an operation costs: the loop thread, a timer's worker thread, the garbage
 * collector, the waiting benchmark thread. It still includes the JIT compiler and anything
 * else the JVM does meanwhile, so it is an upper bound.
 *
 * <p>Threading: the benchmark thread adds operations ({@link #add}); JMH calls the hooks.
 */
@State(Scope.Benchmark)
public class CpuMeter {
    static final String TAG = "cpu-per-op:";
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private boolean measuring;
    private long iterationStartCpu;
    private long iterationOps;
    private long cpuNanos;
    private long ops;

    /** Counts {@code n} operations done by the current invocation. */
    void add(int n) {
        iterationOps += n;
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        iterationOps = 0;
        iterationStartCpu = OS.getProcessCpuTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (measuring) {
            cpuNanos += OS.getProcessCpuTime() - iterationStartCpu;
            ops += iterationOps;
        }
    }

    @TearDown(Level.Trial)
    public void report(BenchmarkParams benchmark) {
        if (ops > 0) {
            System.out.printf("%s %s %s %.1f ns/op (process CPU time, %d ops in the measurement iterations)%n",
                    TAG, benchmark.getBenchmark(), benchmark.getParamsKeys().stream()
                            .map(k -> k + "=" + benchmark.getParam(k)).toList(),
                    (double) cpuNanos / ops, ops);
        }
    }
}
