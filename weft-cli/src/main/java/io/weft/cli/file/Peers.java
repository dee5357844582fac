package io.weft.cli.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The comparison runs: a shell command (cat, cp) timed by bash, with its CPU time from bash's
 * {@code times} (the children's user and system time), and dropping the page cache.
 */
final class Peers {
    private Peers() {
    }

    /**
     * Runs {@code script} (a bash command line, with the paths as {@code $1}, {@code $2}) and
     * measures it. Fails if it exits non-zero.
     */
    static Rate run(String who, String script, long bytes, Path... args) throws IOException, InterruptedException {
        String wrapped = "s=$(date +%s%N); " + script + " || exit 9; e=$(date +%s%N); echo $((e - s)); times";
        String[] cmd = new String[3 + 1 + args.length];
        cmd[0] = "bash";
        cmd[1] = "-c";
        cmd[2] = wrapped;
        cmd[3] = "peer";
        for (int i = 0; i < args.length; i++) {
            cmd[4 + i] = args[i].toString();
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || out.size() < 3) {
            throw new IOException(who + " failed: " + String.join(" / ", out));
        }
        long nanos = Long.parseLong(out.get(0).trim());
        // times: line 1 the shell's own user/sys, line 2 its children's, as "0m0.012s 0m0.140s"
        String[] children = out.get(2).trim().split("\\s+");
        long cpu = minutesSeconds(children[0]) + minutesSeconds(children[1]);
        return new Rate(who, bytes, nanos, cpu, "-");
    }

    private static long minutesSeconds(String s) {
        int m = s.indexOf('m');
        double minutes = Double.parseDouble(s.substring(0, m));
        double seconds = Double.parseDouble(s.substring(m + 1, s.length() - 1));
        return (long) ((minutes * 60 + seconds) * 1e9);
    }

    /** {@code sync; echo 3 > /proc/sys/vm/drop_caches}: needs root; says so otherwise. */
    static void dropCaches() throws IOException, InterruptedException {
        Process sync = new ProcessBuilder("sync").start();
        sync.waitFor(60, TimeUnit.SECONDS);
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException e) {
            throw new IOException("cannot drop the page cache (it needs root): " + e.getMessage(), e);
        }
    }
}
