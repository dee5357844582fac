package io.weft.cli.http.get;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Shows downloads: on a terminal, one bar per file (bytes, rate, ETA) redrawn in place; else a
 * plain line when each file starts, finishes or fails. Loop thread only.
 */
final class Progress {
    private final PrintWriter out;
    private final boolean terminal;
    private int drawn;

    Progress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    boolean terminal() {
        return terminal;
    }

    /** Plain-mode events; on a terminal the bars say it all. */
    void event(Download d, long now) {
        if (terminal) {
            return;
        }
        switch (d.state) {
            case RUNNING -> out.println("get " + d.uri + " -> " + d.file + (d.resumed ? " (resuming at " + d.offset + " bytes)" : ""));
            case DONE -> out.println("done " + d.file + " " + d.have() + " bytes in " + seconds(d.endedNanos - d.startedNanos)
                    + " (" + rate(d.received, d.endedNanos - d.startedNanos) + ")");
            case FAILED -> out.println("failed " + d.uri + ": " + d.failure);
            default -> {
            }
        }
        out.flush();
    }

    /** Redraws every bar (terminal mode). */
    void draw(List<Download> all, long now) {
        if (!terminal) {
            return;
        }
        StringBuilder b = new StringBuilder();
        if (drawn > 0) {
            b.append("\033[").append(drawn).append('F'); // back to the first bar's line
        }
        for (Download d : all) {
            b.append("\033[2K").append(line(d, now)).append('\n');
        }
        drawn = all.size();
        out.print(b);
        out.flush();
    }

    static String line(Download d, long now) {
        String name = d.file.getFileName().toString();
        if (name.length() > 24) {
            name = name.substring(0, 21) + "...";
        }
        long elapsed = (d.state == Download.State.DONE || d.state == Download.State.FAILED ? d.endedNanos : now) - d.startedNanos;
        String bar;
        String tail;
        if (d.total > 0) {
            int width = 24;
            int filled = (int) Math.min(width, d.have() * width / d.total);
            bar = "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + String.format(Locale.ROOT, "%3d%%", d.have() * 100 / d.total);
        } else {
            bar = "[" + " ".repeat(24) + "]  ?%";
        }
        double r = d.received / Math.max(1e-9, elapsed / 1e9);
        switch (d.state) {
            case WAITING -> tail = "waiting";
            case DONE -> tail = "done in " + seconds(elapsed);
            case FAILED -> tail = "FAILED: " + d.failure;
            default -> tail = d.total > 0 && r > 0 ? "ETA " + seconds((long) ((d.total - d.have()) / r * 1e9)) : "";
        }
        return String.format(Locale.ROOT, "%-24s %s %10s %10s/s %s", name, bar, bytes(d.have()), bytes((long) r), tail);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
    }

    static String rate(long bytes, long nanos) {
        return bytes(bytes * 1_000_000_000L / Math.max(1, nanos)) + "/s";
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }
}
