package io.weft.bench.macro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code /proc/PID/status} says about a process: resident memory, its peak so far (VmHWM) and thread count. */
record ProcStatus(long rssKiB, int threads, long hwmKiB) {

    /** Reads it now; zeros when the process is gone. */
    static ProcStatus of(long pid) {
        long rss = 0;
        long hwm = 0;
        int threads = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).replace("kB", "").strip());
                } else if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.substring(6).replace("kB", "").strip());
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return new ProcStatus(0, 0, 0);
        }
        return new ProcStatus(rss, threads, hwm);
    }
}
