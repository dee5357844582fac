package io.weft.cli.info;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code weft info}, run in-process through {@link Main} as the launcher runs it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InfoCommandTest {

    @Test
    void infoReportsThisMachineAndExitsZero() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("info");

        String text = out.toString();
        assertThat(exit).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(text).containsPattern("(?m)^jdk\\s+" + java.util.regex.Pattern.quote(Runtime.version().toString()));
        assertThat(text).containsPattern("(?m)^cores\\s+" + Runtime.getRuntime().availableProcessors() + "$");
        // Tests run with the launcher's JVM flags (weft.jvm.flags), so both pollers must open.
        assertThat(text).containsPattern("(?m)^pollers\\s+nio\\s+ok");
        assertThat(text).containsPattern("(?m)^\\s+poll\\s+ok$");
        // Every backend has a row: ok (io_uring: with the setup flags the kernel took), or the reason it cannot run.
        if (io.weft.internal.io.Drivers.status(io.weft.loop.PollerKind.IO_URING).ok()) {
            // then what the probe found missing or present beyond them ("; close and shutdown through the ring")
            assertThat(text).containsPattern("(?m)^\\s+io_uring\\s+ok \\(setup flags \\S+; features \\S+(; .+)?\\)$");
        } else {
            assertThat(text).containsPattern("(?m)^\\s+io_uring\\s+unavailable: \\S");
        }
        if (io.weft.internal.sys.Sys.probe().ok()) {
            assertThat(text).containsPattern("(?m)^\\s+epoll\\s+ok$");
        } else {
            assertThat(text).containsPattern("(?m)^\\s+epoll\\s+unavailable: " + java.util.regex.Pattern.quote(
                    io.weft.internal.sys.Sys.probe().reason()));
        }
        assertThat(text).containsPattern("(?m)^default\\s+\\S");
        if (Files.exists(Path.of("/proc/self/limits"))) {
            FdLimit mine = FdLimit.ofThisProcess().orElseThrow();
            assertThat(text).containsPattern("(?m)^fd limit\\s+" + mine.soft() + " \\(hard " + mine.hard() + "\\)$");
        }
    }

    @Test
    void fdLimitIsReadFromTheMaxOpenFilesRow() {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units    \s
                Max cpu time              unlimited            unlimited            seconds  \s
                Max open files            1024                 524288               files    \s
                Max locked memory         8388608              8388608              bytes    \s
                """;

        assertThat(FdLimit.parse(limits)).contains(new FdLimit("1024", "524288"));
    }

    @Test
    void fdLimitMayBeUnlimitedOrMissing() {
        assertThat(FdLimit.parse("Max open files            unlimited            unlimited            files\n"))
                .contains(new FdLimit("unlimited", "unlimited"));
        assertThat(FdLimit.parse("Limit  Soft Limit  Hard Limit  Units\n")).isEmpty();
    }
}
