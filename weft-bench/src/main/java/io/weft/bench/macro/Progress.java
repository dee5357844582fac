package io.weft.bench.macro;

import java.io.PrintStream;

/**
 * Progress lines on stderr as the suite goes: which run, which round, and the time left. The
 * estimate starts from each run's planned length and is corrected by how long the runs so far
 * actually took against their plan.
 */
final class Progress {
    private final PrintStream out;
    private final int total;
    private double plannedLeft;
    private double plannedDone;
    private double actualDone;
    private int done;

    Progress(PrintStream out, int totalRuns, double plannedSeconds) {
        this.out = out;
        this.total = totalRuns;
        this.plannedLeft = plannedSeconds;
    }

    void starting(Workload w, Peer p, int round, int rounds) {
        out.printf("[%3d/%d] %-15s %-14s round %d/%d   ~%s left%n", done + 1, total, w.name(), p.name(), round, rounds,
                duration(left()));
        out.flush();
    }

    void finished(double planned, double actual, String outcome) {
        done++;
        plannedLeft -= planned;
        plannedDone += planned;
        actualDone += actual;
        out.printf("          %s (%.1f s)%n", outcome, actual);
        out.flush();
    }

    /** A planned run that will not happen (its peer was skipped after the plan was made). */
    void dropped(double planned) {
        done++;
        plannedLeft -= planned;
    }

    private double left() {
        double factor = plannedDone > 0 ? actualDone / plannedDone : 1;
        return Math.max(0, plannedLeft * factor);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
