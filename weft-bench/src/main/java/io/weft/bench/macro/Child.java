package io.weft.bench.macro;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process of the suite (a peer or the load generator) that talks in lines: the driver writes
 * requests to its stdin and reads its stdout line by line, with deadlines; its stderr goes to a
 * log file.
 *
 * <p>It is started through {@code bash -c 'ulimit -n <hard>; exec ...'}: the soft limit on open
 * files goes up to the hard one (c10k needs 10,000 sockets on each side), and {@code exec}
 * keeps the process id, so {@link #pid()} is the program's own, the one whose
 * {@code /proc/PID/stat} says how much CPU it used. With {@code cpus} it runs under
 * {@code taskset -c cpus}.
 */
final class Child implements AutoCloseable {
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private Child(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::pump, "child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(List<String> command, String cpus, Path log) throws IOException {
        List<String> full = new ArrayList<>(
                List.of("bash", "-c", "ulimit -n \"$(ulimit -Hn)\" && exec \"$@\"", "bash"));
        if (cpus != null) {
            full.addAll(List.of("taskset", "-c", cpus));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new Child(p);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // The process is gone: same as end of output.
        } finally {
            lines.add(EOF);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /**
     * The next stdout line that starts with one of {@code prefixes} or with {@code ERROR}, waiting
     * at most {@code seconds}; other lines are kept for {@link #unexpectedOutput()}. Throws
     * {@link ChildFailure} on an {@code ERROR} line, on exit, or when the time is up.
     */
    String await(double seconds, String... prefixes) throws ChildFailure {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            long left = deadline - System.nanoTime();
            String line;
            try {
                line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChildFailure("interrupted");
            }
            if (line == null) {
                throw new ChildFailure("no " + String.join("/", prefixes) + " line within " + seconds + " s");
            }
            if (line.equals(EOF)) {
                lines.add(EOF);
                throw new ChildFailure("exited" + exitStatus() + " before printing " + String.join("/", prefixes));
            }
            if (line.startsWith("ERROR")) {
                throw new ChildFailure(line.substring(5).strip());
            }
            for (String p : prefixes) {
                if (line.startsWith(p)) {
                    return line;
                }
            }
            seen.add(line);
        }
    }

    private String exitStatus() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return " (status " + process.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    List<String> unexpectedOutput() {
        return List.copyOf(seen);
    }

    void send(String line) throws ChildFailure {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new ChildFailure("could not write to it: " + e.getMessage());
        }
    }

    /** Closes stdin (every process of the suite exits on that), then terminates what lingers. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // Already gone.
        }
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A child did not do what the protocol says; the message says what happened instead. */
    static final class ChildFailure extends Exception {
        ChildFailure(String message) {
            super(message);
        }
    }
}
