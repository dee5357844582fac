package io.weft.bench.macro;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The order of runs: for each workload, rounds; in each round, every peer once, always in the
 * same order (A B C A B C …), so a slow minute of a shared machine lands on every peer rather
 * than on one. Every run gets fresh server and generator processes. A peer that cannot start
 * is skipped from then on, with the reason kept for the report.
 */
final class Suite {

    /** Everything a report needs. */
    record Results(SuiteConfig config, Machine machine, List<RunResult> runs, Map<String, String> skipped,
            long startedMillis, long endedMillis) {
    }

    private final SuiteConfig config;
    private final Launchers launchers;
    private final Measurement measurement;
    private final PrintStream progressOut;

    Suite(SuiteConfig config, Launchers launchers, Path loadgen, PrintStream progressOut) throws IOException {
        this.config = config;
        this.launchers = launchers;
        Path logs = config.outDir().resolve("logs");
        Files.createDirectories(logs);
        this.measurement = new Measurement(config, loadgen, logs);
        this.progressOut = progressOut;
    }

    Results run(Machine machine) {
        long start = System.currentTimeMillis();
        Map<String, String> skipped = new LinkedHashMap<>();
        Map<String, List<String>> commands = new LinkedHashMap<>();
        for (Peer p : config.peers()) {
            Launchers.Launch l = launchers.of(p);
            if (l.skip() != null) {
                skipped.put(p.name(), l.skip());
                progressOut.println("skipped " + p.name() + ": " + l.skip());
            } else {
                commands.put(p.name(), l.command());
            }
        }
        List<Peer> running = config.peers().stream().filter(p -> commands.containsKey(p.name())).toList();
        double planned = 0;
        for (Workload w : config.workloads()) {
            for (Peer p : running) {
                planned += config.rounds() * plannedSeconds(w, p);
            }
        }
        Progress progress = new Progress(progressOut, config.workloads().size() * config.rounds() * running.size(),
                planned);
        List<RunResult> runs = new ArrayList<>();
        for (Workload w : config.workloads()) {
            for (int round = 1; round <= config.rounds(); round++) {
                for (Peer p : running) {
                    double plan = plannedSeconds(w, p);
                    if (skipped.containsKey(p.name())) {
                        progress.dropped(plan);
                        continue;
                    }
                    progress.starting(w, p, round, config.rounds());
                    double load = Machine.loadAverage();
                    long t0 = System.nanoTime();
                    String error = null;
                    Map<String, Double> metrics = Map.of();
                    try {
                        metrics = measurement.run(w, p, round, commands.get(p.name()));
                    } catch (Measurement.StartFailure e) {
                        boolean startedBefore = runs.stream().anyMatch(r -> r.peer().equals(p.name()) && r.ok());
                        error = "did not start: " + e.getMessage();
                        if (!startedBefore) {
                            skipped.put(p.name(), "could not start here: " + e.getMessage());
                        }
                    } catch (Child.ChildFailure | IOException | RuntimeException e) {
                        error = e.getMessage() == null ? e.toString() : e.getMessage();
                    }
                    double took = (System.nanoTime() - t0) / 1e9;
                    if (!skipped.containsKey(p.name())) {
                        runs.add(new RunResult(w.name(), p.name(), round, metrics, error, load, took));
                    }
                    progress.finished(plan, took, error == null ? Measurement.headline(w, metrics)
                            : (skipped.containsKey(p.name()) ? "SKIPPED " : "FAILED ") + error);
                }
            }
        }
        return new Results(config, machine, runs, skipped, start, System.currentTimeMillis());
    }

    /** A run's planned length, for the time-left estimate; corrected as runs finish. */
    private double plannedSeconds(Workload w, Peer p) {
        double startup = p.jvm() ? 1.0 : 0.2;
        return switch (w.kind()) {
            case ECHO -> startup + config.warmupSec() + config.measureSec() + 0.3;
            case C10K -> startup + config.warmupSec() + config.measureSec() + 5 + (p.jvm() ? 1 : 0);
            case BULK -> startup + (config.bulkBytes() + config.bulkWarmBytes()) / 0.5e9 + 0.3;
        };
    }
}
