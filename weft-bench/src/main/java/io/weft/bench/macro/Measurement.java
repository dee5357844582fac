package io.weft.bench.macro;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run: a fresh server process, the load generator against it, and the numbers. For c10k the
 * server's memory is read twice, idle before any connection and with every connection open (the
 * generator pauses there), after a full collection each time for the peers that have a heap.
 */
final class Measurement {

    /** The server did not come up: the peer cannot run here (the message says why). */
    static final class StartFailure extends Exception {
        StartFailure(String message) {
            super(message);
        }
    }

    private final SuiteConfig config;
    private final Path loadgen;
    private final Path logs;

    Measurement(SuiteConfig config, Path loadgen, Path logs) {
        this.config = config;
        this.loadgen = loadgen;
        this.logs = logs;
    }

    /** Runs {@code w} against the server {@code command} starts; the metrics, or throws why not. */
    Map<String, Double> run(Workload w, Peer peer, int round, List<String> command)
            throws StartFailure, Child.ChildFailure, IOException {
        Path log = logs.resolve(String.format("%s-%s-r%d.log", w.name(), peer.name(), round));
        try (Child server = Child.start(command, config.serverCpus(), log)) {
            String listening;
            try {
                listening = server.await(60, "LISTENING");
            } catch (Child.ChildFailure e) {
                throw new StartFailure(e.getMessage());
            }
            int port = Integer.parseInt(listening.substring("LISTENING".length()).strip());
            Map<String, Double> m = new LinkedHashMap<>();
            long heapBase = 0;
            ProcStatus base = null;
            if (w.kind() == Workload.Kind.C10K) {
                heapBase = heap(server);
                base = ProcStatus.of(server.pid());
            }
            try (Child gen = Child.start(generatorCommand(w, port, server.pid()), config.generatorCpus(), log)) {
                if (w.kind() == Workload.Kind.C10K) {
                    gen.await(240, "CONNECTED");
                    long heap = heap(server);
                    ProcStatus open = ProcStatus.of(server.pid());
                    m.put(Metric.RSS_PER_CONN.key, (open.rssKiB() - base.rssKiB()) / (double) w.conns());
                    m.put(Metric.HEAP_PER_CONN.key, heap < 0 ? Double.NaN : (heap - heapBase) / 1024.0 / w.conns());
                    m.put(Metric.SERVER_THREADS.key, (double) open.threads());
                    m.put("rss_base_kib", (double) base.rssKiB());
                    m.put("rss_open_kib", (double) open.rssKiB());
                    gen.send("go");
                }
                String result = gen.await(config.warmupSec() + config.measureSec() + 240, "RESULT");
                m.putAll(parse(result));
                if (w.kind() == Workload.Kind.C10K) {
                    ProcStatus end = ProcStatus.of(server.pid());
                    m.put(Metric.PEAK_RSS_PER_CONN.key, (end.hwmKiB() - base.rssKiB()) / (double) w.conns());
                    m.put("rss_hwm_kib", (double) end.hwmKiB());
                }
            }
            if (!server.alive()) {
                throw new Child.ChildFailure("the server exited during the run (see " + log.getFileName() + ")");
            }
            derive(w, m);
            return m;
        }
    }

    private static long heap(Child server) throws Child.ChildFailure {
        server.send("mem");
        String line = server.await(60, "HEAP");
        return Long.parseLong(line.substring(4).strip());
    }

    private List<String> generatorCommand(Workload w, int port, long serverPid) {
        List<String> c = new ArrayList<>(List.of(loadgen.toString(), "--port", Integer.toString(port), "--server-pid",
                Long.toString(serverPid), "--size", Integer.toString(w.size())));
        switch (w.kind()) {
            case BULK -> c.addAll(List.of("--mode", "bulk", "--bulk-bytes", Long.toString(config.bulkBytes()),
                    "--warm-bytes", Long.toString(config.bulkWarmBytes())));
            case ECHO, C10K -> {
                c.addAll(List.of("--conns", Integer.toString(w.conns()), "--active", Integer.toString(w.active()),
                        "--warmup", Double.toString(config.warmupSec()), "--duration",
                        Double.toString(config.measureSec())));
                if (w.kind() == Workload.Kind.C10K) {
                    c.addAll(List.of("--pause", "--check-idle"));
                }
            }
        }
        return c;
    }

    /** "RESULT k=v k=v ..." into numbers (non-numeric values, like the mode, are left out). */
    static Map<String, Double> parse(String line) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String kv : line.substring("RESULT".length()).strip().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                m.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
            } catch (NumberFormatException e) {
                // A word, not a number.
            }
        }
        return m;
    }

    /** The report's numbers from the generator's raw ones. */
    static void derive(Workload w, Map<String, Double> m) {
        double window = m.getOrDefault("window_s", Double.NaN);
        double srvCpu = m.getOrDefault("srv_cpu_s", Double.NaN);
        if (srvCpu < 0) {
            srvCpu = Double.NaN;
        }
        m.put(Metric.SERVER_UTIL.key, srvCpu / window);
        m.put(Metric.GENERATOR_UTIL.key, m.getOrDefault("gen_cpu_s", Double.NaN) / window);
        double srvWait = m.getOrDefault("srv_wait_s", Double.NaN);
        double genWait = m.getOrDefault("gen_wait_s", Double.NaN);
        m.put(Metric.SERVER_WAIT.key, srvWait < 0 ? Double.NaN : srvWait / window);
        m.put(Metric.GENERATOR_WAIT.key, genWait < 0 ? Double.NaN : genWait / window);
        if (w.kind() == Workload.Kind.BULK) {
            m.put(Metric.CPU_PER_GB.key, srvCpu / (m.getOrDefault("bytes", Double.NaN) / 1e9));
        } else {
            m.put(Metric.CPU_PER_ROUND_TRIP.key, srvCpu * 1e6 / m.getOrDefault("round_trips", Double.NaN));
        }
        if (w.kind() == Workload.Kind.C10K) {
            m.put(Metric.IDLE_FAILED.key, m.getOrDefault("idle_total", 0.0) - m.getOrDefault("idle_ok", 0.0));
        }
    }

    static String headline(Workload w, Map<String, Double> m) {
        Metric p = Metric.primary(w.kind());
        String s = p.format(m.getOrDefault(p.key, Double.NaN)) + " " + p.label;
        if (w.kind() != Workload.Kind.BULK) {
            s += ", p99 " + Metric.P99.format(m.getOrDefault(Metric.P99.key, Double.NaN)) + " µs";
        }
        if (w.kind() == Workload.Kind.C10K) {
            s += String.format(Locale.ROOT, ", %.1f KiB RSS/conn, %.0f idle failed",
                    m.getOrDefault(Metric.RSS_PER_CONN.key, Double.NaN), m.getOrDefault(Metric.IDLE_FAILED.key, 0.0));
        }
        return s;
    }
}
