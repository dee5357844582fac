package io.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The top command, run in-process: what a user typing {@code weft ...} sees. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MainTest {

    /** Runs {@code weft args} and captures both streams. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF)); // plain text, even on a terminal
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    record Run(int exit, String out, String err) {
    }

    @Test
    void helpListsEveryRegisteredCommand() {
        Run r = run("--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: weft");
        for (Class<?> c : Commands.ALL) {
            String name = c.getAnnotation(CommandLine.Command.class).name();
            assertThat(r.out()).containsPattern("(?m)^\\s+" + name + "\\s");
        }
    }

    @Test
    void versionNamesWeftAndTheJdk() {
        Run r = run("--version");

        assertThat(r.exit()).isZero();
        // Filled in by Maven's resource filtering; "unknown" would mean the build lost it.
        assertThat(r.out()).containsPattern("^weft \\d+\\.\\d+\\.\\d+");
        assertThat(r.out()).contains("JDK " + Runtime.version());
    }

    @Test
    void everyCommandWithAVersionOptionPrintsWeftsVersion() {
        CommandLine cli = Main.commandLine();
        for (var sub : cli.getSubcommands().entrySet()) {
            if (sub.getValue().getCommandSpec().mixinStandardHelpOptions()) {
                Run r = run(sub.getKey(), "--version");

                assertThat(r.exit()).as(sub.getKey()).isZero();
                assertThat(r.out()).as(sub.getKey()).startsWith("weft " + WeftVersion.version());
            }
        }
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = run();

        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("Missing command").contains("info").contains("Usage: weft");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownCommandIsAUsageError() {
        Run r = run("frobnicate");

        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("frobnicate");
    }
}
