package io.weft.cli.file;

import java.lang.management.ManagementFactory;

/** One measured transfer: bytes, wall time, CPU time, printed as one line. */
record Rate(String who, long bytes, long nanos, long cpuNanos, String sha256) {

    /** This process's CPU time so far (every thread), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    double seconds() {
        return nanos / 1e9;
    }

    double gigabytesPerSecond() {
        return bytes / 1e9 / seconds();
    }

    /** CPU seconds per 10^9 bytes. */
    double cpuSecondsPerGigabyte() {
        return bytes == 0 ? 0 : cpuNanos / 1e9 / (bytes / 1e9);
    }

    String line() {
        return String.format("%-8s %,d bytes in %.3f s  %.2f GB/s  cpu %.2f s/GB  sha256 %s", who, bytes, seconds(),
                gigabytesPerSecond(), cpuSecondsPerGigabyte(), sha256);
    }
}
