package io.weft.bench.macro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a report's {@code results.json} back into {@link Suite.Results}, so that a finished
 * run's summary and charts can be drawn again ({@code weft bench --report DIR}) without running
 * anything.
 */
final class ResultsFile {
    private ResultsFile() {
    }

    @SuppressWarnings("unchecked")
    static Suite.Results read(Path dir) throws IOException {
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("results.json")));
        Map<String, Object> c = (Map<String, Object>) root.get("config");
        List<Map<String, Object>> workloadsJson = (List<Map<String, Object>>) root.get("workloads");
        List<Map<String, Object>> runsJson = (List<Map<String, Object>>) root.get("runs");
        Map<String, String> skipped = new LinkedHashMap<>();
        ((Map<String, Object>) root.get("skipped")).forEach((k, v) -> skipped.put(k, String.valueOf(v)));

        int c10kConns = 10_000;
        List<String> names = new ArrayList<>();
        for (Map<String, Object> w : workloadsJson) {
            names.add((String) w.get("name"));
            if ("c10k".equals(w.get("name"))) {
                c10kConns = ((Double) w.get("conns")).intValue();
            }
        }
        List<Workload> workloads = Workload.all(c10kConns).stream().filter(w -> names.contains(w.name())).toList();

        List<RunResult> runs = new ArrayList<>();
        for (Map<String, Object> r : runsJson) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            ((Map<String, Object>) r.get("metrics")).forEach((k, v) -> metrics.put(k, number(v)));
            runs.add(new RunResult((String) r.get("workload"), (String) r.get("peer"),
                    ((Double) r.get("round")).intValue(), metrics, (String) r.get("error"), number(r.get("load1")),
                    number(r.get("seconds"))));
        }
        List<Peer> peers = new ArrayList<>();
        List<String> listed = (List<String>) c.get("peers");
        for (Peer p : Peer.KNOWN) {
            boolean inRun = listed != null ? listed.contains(p.name())
                    : skipped.containsKey(p.name()) || runs.stream().anyMatch(r -> r.peer().equals(p.name()));
            if (inRun) {
                peers.add(p);
            }
        }
        SuiteConfig config = new SuiteConfig((Boolean) c.get("quick"), workloads, peers,
                ((Double) c.get("rounds")).intValue(), ((Double) c.get("loops")).intValue(), number(c.get("warmup_s")),
                number(c.get("measure_s")), ((Double) c.get("bulk_bytes")).longValue(),
                ((Double) c.get("bulk_warm_bytes")).longValue(), (String) c.get("server_cpus"),
                (String) c.get("generator_cpus"), dir, (String) c.get("command"));
        Map<String, String> facts = new LinkedHashMap<>();
        ((Map<String, Object>) root.get("machine")).forEach((k, v) -> facts.put(k, String.valueOf(v)));
        return new Suite.Results(config, new Machine(facts), runs, skipped, number(c.get("started_ms")).longValue(),
                number(c.get("ended_ms")).longValue());
    }

    private static Double number(Object o) {
        return o == null ? Double.NaN : (Double) o;
    }
}
