package io.weft.bench.macro;

import java.nio.file.Path;
import java.util.List;

/**
 * What one invocation of the suite runs, settled from the command line.
 *
 * @param quick        the short form (about 3 minutes): one round, short windows, smaller bulk
 * @param workloads    in the order they run
 * @param peers        in the order each round visits them
 * @param rounds       rounds per workload, interleaved across peers (A B C A B C …)
 * @param loops        event loops (threads) for Weft and Netty
 * @param warmupSec    load before each measurement, not measured (the JIT compiles here)
 * @param measureSec   the measured window of a ping-pong run
 * @param bulkBytes    bytes echoed in the measured bulk transfer
 * @param bulkWarmBytes bytes echoed before it, not measured
 * @param serverCpus   taskset CPU list for servers, or null when not pinning
 * @param generatorCpus taskset CPU list for the load generator, or null
 * @param outDir       this run's report directory
 * @param commandLine  as typed, for the report
 */
record SuiteConfig(boolean quick, List<Workload> workloads, List<Peer> peers, int rounds, int loops, double warmupSec,
        double measureSec, long bulkBytes, long bulkWarmBytes, String serverCpus, String generatorCpus, Path outDir,
        String commandLine) {

    boolean pinned() {
        return serverCpus != null;
    }
}
