package io.weft.bench.macro;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The suite's runs summed up: for each workload, peer and metric, the {@link Stats} over its
 * successful rounds, and the comparisons the report makes (Weft against each peer, the leader).
 */
final class Tally {
    /** The peer whose numbers the ratios are of. */
    static final String WEFT = "weft";

    private final Suite.Results results;

    Tally(Suite.Results results) {
        this.results = results;
    }

    Suite.Results results() {
        return results;
    }

    /**
     * A round is quiet when the load generator, alone on its core, waited for that core at most
     * this share of the window: no other process got in the way to speak of.
     */
    static final double QUIET = 0.10;

    Stats stats(Workload w, String peer, Metric m) {
        return stats(w, peer, m, false);
    }

    /** Over the quiet rounds only (see {@link #QUIET}). */
    Stats quietStats(Workload w, String peer, Metric m) {
        return stats(w, peer, m, true);
    }

    private Stats stats(Workload w, String peer, Metric m, boolean quietOnly) {
        List<Double> values = new ArrayList<>();
        for (RunResult r : results.runs()) {
            if (r.ok() && r.workload().equals(w.name()) && r.peer().equals(peer)
                    && (!quietOnly || r.get(Metric.GENERATOR_WAIT) <= QUIET)) {
                values.add(r.get(m));
            }
        }
        return Stats.of(values);
    }

    /** Peers with at least one successful run of {@code w}, in the suite's order. */
    List<Peer> measured(Workload w) {
        return results.config().peers().stream()
                .filter(p -> results.runs().stream().anyMatch(r -> r.ok() && r.workload().equals(w.name())
                        && r.peer().equals(p.name())))
                .toList();
    }

    /** Failed runs of {@code w} (a peer that started but broke during the run). */
    List<RunResult> failures(Workload w) {
        return results.runs().stream().filter(r -> !r.ok() && r.workload().equals(w.name())).toList();
    }

    /**
     * Weft's median over {@code peer}'s for metric {@code m}: above 1 means Weft's number is the
     * larger (ahead on throughput, behind on latency). NaN when either is missing.
     */
    double ratio(Workload w, String peer, Metric m) {
        double weft = stats(w, WEFT, m).median();
        double other = stats(w, peer, m).median();
        return weft / other;
    }

    /** The competitor (not Weft, not the C floor) with the best median on {@code m}. */
    Optional<Peer> bestCompetitor(Workload w, Metric m) {
        Peer best = null;
        double bestValue = Double.NaN;
        for (Peer p : measured(w)) {
            if (!p.competitor()) {
                continue;
            }
            double v = stats(w, p.name(), m).median();
            if (Double.isNaN(v)) {
                continue;
            }
            boolean better = m.better == Metric.Better.LOWER ? v < bestValue : v > bestValue;
            if (best == null || better) {
                best = p;
                bestValue = v;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The leader on {@code m} among everyone but the C floor, Weft included. */
    Optional<Peer> leader(Workload w, Metric m) {
        Optional<Peer> best = bestCompetitor(w, m);
        double weft = stats(w, WEFT, m).median();
        if (Double.isNaN(weft)) {
            return best;
        }
        if (best.isEmpty()) {
            return Optional.of(Peer.named(WEFT));
        }
        double other = stats(w, best.get().name(), m).median();
        boolean weftBetter = m.better == Metric.Better.LOWER ? weft <= other : weft >= other;
        return weftBetter ? Optional.of(Peer.named(WEFT)) : best;
    }

    boolean hasWeft(Workload w) {
        return measured(w).stream().anyMatch(p -> p.name().equals(WEFT));
    }

    /** Spreads of the primary metric over every measured cell: the suite's noise, summed up. */
    Stats spreads() {
        List<Double> s = new ArrayList<>();
        for (Workload w : results.config().workloads()) {
            for (Peer p : measured(w)) {
                s.add(stats(w, p.name(), Metric.primary(w.kind())).spread());
            }
        }
        return Stats.of(s);
    }

    Stats loadAverages() {
        return Stats.of(results.runs().stream().map(RunResult::load1).toList());
    }
}
