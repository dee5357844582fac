package io.weft.cli.info;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The process's limit on open file descriptors, as Linux reports it in
 * {@code /proc/self/limits}. Every socket is a descriptor, so this caps the connections one
 * process can hold.
 *
 * @param soft the limit in force: a number or {@code "unlimited"}
 * @param hard how far the process may raise {@code soft} itself ({@code ulimit -n})
 */
public record FdLimit(String soft, String hard) {
    private static final Path LIMITS = Path.of("/proc/self/limits");

    /** Reads this process's limit; empty where there is no {@code /proc} (not Linux). */
    public static Optional<FdLimit> ofThisProcess() throws IOException {
        try {
            return parse(Files.readString(LIMITS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Finds the "Max open files" row of a {@code /proc/<pid>/limits} text, whose columns are
     * "Limit", "Soft Limit", "Hard Limit" and "Units", padded with spaces.
     */
    static Optional<FdLimit> parse(String limits) {
        String prefix = "Max open files";
        for (String line : limits.split("\n")) {
            if (line.startsWith(prefix)) {
                String[] values = line.substring(prefix.length()).trim().split("\\s+");
                if (values.length >= 2) {
                    return Optional.of(new FdLimit(values[0], values[1]));
                }
            }
        }
        return Optional.empty();
    }
}
