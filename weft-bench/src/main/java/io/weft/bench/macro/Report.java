package io.weft.bench.macro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a suite's report into its directory: {@code summary.md}, one PNG chart per workload,
 * and {@code results.json} with every run's raw numbers and the machine's description.
 */
final class Report {
    private Report() {
    }

    /** Writes everything; returns the summary's path. */
    static Path write(Suite.Results results) throws IOException {
        Path dir = results.config().outDir();
        Tally tally = new Tally(results);
        Map<String, String> charts = new LinkedHashMap<>();
        for (Workload w : results.config().workloads()) {
            try {
                String name = Charts.write(tally, w, dir);
                if (name != null) {
                    charts.put(w.name(), name);
                }
            } catch (IOException | RuntimeException e) {
                // A chart that cannot be drawn must not cost the numbers.
                System.err.println("could not draw the chart of " + w.name() + ": " + e);
            }
        }
        Files.writeString(dir.resolve("results.json"), Json.write(json(tally)), StandardCharsets.UTF_8);
        Path summary = dir.resolve("summary.md");
        Files.writeString(summary, new Summary(tally, charts).markdown(), StandardCharsets.UTF_8);
        return summary;
    }

    private static Map<String, Object> json(Tally tally) {
        Suite.Results r = tally.results();
        SuiteConfig c = r.config();
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("command", c.commandLine());
        config.put("quick", c.quick());
        config.put("rounds", c.rounds());
        config.put("peers", c.peers().stream().map(Peer::name).toList());
        config.put("loops", c.loops());
        config.put("warmup_s", c.warmupSec());
        config.put("measure_s", c.measureSec());
        config.put("bulk_bytes", c.bulkBytes());
        config.put("bulk_warm_bytes", c.bulkWarmBytes());
        config.put("server_cpus", c.serverCpus());
        config.put("generator_cpus", c.generatorCpus());
        config.put("java_peer_flags", String.join(" ", Launchers.PEER_JVM_FLAGS));
        config.put("started_ms", r.startedMillis());
        config.put("ended_ms", r.endedMillis());
        root.put("config", config);
        root.put("machine", r.machine().facts());
        root.put("skipped", r.skipped());
        List<Object> workloads = new ArrayList<>();
        for (Workload w : c.workloads()) {
            Map<String, Object> wj = new LinkedHashMap<>();
            wj.put("name", w.name());
            wj.put("title", w.title());
            wj.put("conns", w.conns());
            wj.put("active", w.active());
            wj.put("size", w.size());
            Map<String, Object> peers = new LinkedHashMap<>();
            for (Peer p : tally.measured(w)) {
                Map<String, Object> metrics = new LinkedHashMap<>();
                for (Metric m : Metric.columns(w.kind())) {
                    Stats s = tally.stats(w, p.name(), m);
                    metrics.put(m.key, Map.of("median", s.median(), "min", s.min(), "max", s.max(), "n", s.n()));
                }
                peers.put(p.name(), metrics);
            }
            wj.put("summary", peers);
            workloads.add(wj);
        }
        root.put("workloads", workloads);
        List<Object> runs = new ArrayList<>();
        for (RunResult run : r.runs()) {
            Map<String, Object> rj = new LinkedHashMap<>();
            rj.put("workload", run.workload());
            rj.put("peer", run.peer());
            rj.put("round", run.round());
            rj.put("load1", run.load1());
            rj.put("seconds", run.seconds());
            rj.put("error", run.error());
            rj.put("metrics", run.metrics());
            runs.add(rj);
        }
        root.put("runs", runs);
        return root;
    }
}
