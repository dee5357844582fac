package io.weft.bench.macro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the suite ran on, for the report: hardware, kernel, and every runtime's version. */
record Machine(Map<String, String> facts) {

    static Machine describe(Natives natives) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("CPU", cpuModel());
        f.put("cores (online)", Integer.toString(Runtime.getRuntime().availableProcessors()));
        f.put("memory", memory());
        f.put("kernel", firstLine(Exec.run(List.of("uname", "-srm"), null, 10).output()));
        f.put("OS", osName());
        f.put("virtualisation", virtualisation());
        f.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + ")");
        f.put("Netty", nettyVersion());
        f.put("Go", natives.goVersion() == null ? "not installed" : natives.goVersion());
        f.put("Node", natives.nodeVersion() == null ? "not installed" : natives.nodeVersion());
        f.put("gcc (load generator, C floor)", natives.gccVersion());
        f.put("load average at start", String.format("%.2f", loadAverage()));
        return new Machine(f);
    }

    /** The one-minute load average, or NaN off Linux. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // Fall through.
        }
        return System.getProperty("os.arch");
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Fall through.
        }
        return "unknown";
    }

    private static String osName() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring(12).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // Fall through.
        }
        return System.getProperty("os.name");
    }

    private static String virtualisation() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return line.contains(" hypervisor") ? "virtual machine (hypervisor flag set)" : "none detected";
                }
            }
        } catch (IOException e) {
            // Fall through.
        }
        return "unknown";
    }

    private static String nettyVersion() {
        try {
            var v = io.netty.util.Version.identify().get("netty-common");
            return v == null ? "unknown" : v.artifactVersion();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }

    private static String firstLine(String s) {
        s = s.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
