package io.weft.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * EFBIG: a write or a copy past the process's file-size limit fails with
 * {@link FileTooLargeException} naming the path and the call, and the loop goes on serving
 * other files. The JVM ignores SIGXFSZ, so the kernel's answer reaches Weft as an errno; the
 * limit is set with the shell's {@code ulimit -f} on a child JVM, since it would bind every
 * file of this one.
 */
class FileTooLargeTest extends FileTestSupport {
    private static final int LIMIT_KIB = 1024; // ulimit -f counts 1024-byte blocks in bash

    @Test
    void writesAndCopiesPastTheFileSizeLimitFailTyped() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");
        Files.write(dir.resolve("source"), pattern(3 << 20, 7));
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of("/bin/bash", "-c",
                "ulimit -f " + LIMIT_KIB + " && exec \"$@\"", "bash", java));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("--enable-native-access")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FileTooLargeChild.class.getName(),
                poller().name(), dir.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child finished").isTrue();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(out).isZero();

        assertThat(line(out, "write")).as(out)
                .startsWith("write failed " + FileTooLargeException.class.getName())
                .contains(dir.resolve("written").toString()).contains("write");
        assertThat(line(out, "copy")).as(out)
                .startsWith("copy failed " + FileTooLargeException.class.getName())
                .contains(dir.resolve("copied").toString());
        assertThat(line(out, "small")).as(out).isEqualTo("small ok 1000");
        assertThat(Files.size(dir.resolve("written"))).isLessThanOrEqualTo(LIMIT_KIB * 1024L);
    }

    private static String line(String out, String name) {
        return out.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElse("(no line for " + name + ")");
    }
}
