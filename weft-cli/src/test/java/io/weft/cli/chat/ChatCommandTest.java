package io.weft.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.testing.CommandRun;
import io.weft.cli.testing.LineClient;
import io.weft.testkit.FileDescriptors;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/** {@code weft chat} run in-process through {@link io.weft.cli.Main}, as the launcher runs it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatCommandTest {
    private FileDescriptors.Snapshot fdsBefore;

    @BeforeEach
    void countFds() {
        fdsBefore = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
    }

    @AfterEach
    void checkFds() {
        fdsBefore.assertNoneLeaked(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"callbacks", "green", "fibers"})
    void printsWhereItListensChatsWithItsFlagsAndPrintsASummaryWhenStopped(String style) {
        // One loop: with clients on two loops, joins announced across loops may reach a client
        // after its own greeting, and which client is guest-1 depends on which loop accepts first
        // (the spread over loops has its own test, ChatServerLoopsTest).
        CommandRun run = CommandRun.start("chat", "--port", "0", "--max-line", "16", "--max-pending", "64KiB",
                "--idle-timeout", "30s", "--style", style, "--loops", "1");
        int port = Integer.parseInt(run.awaitLine("weft chat listening on 127\\.0\\.0\\.1:(\\d+) \\(poller [a-z_]+\\)").group(1));

        try (LineClient a = LineClient.connect(new InetSocketAddress("127.0.0.1", port));
                LineClient b = LineClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            a.skipUntil(ChatText.hint());
            a.line(); // b joined
            b.skipUntil(ChatText.hint());
            a.send("0123456789abcdef");
            assertThat(b.line()).isEqualTo("guest-1: 0123456789abcdef");
            a.send("0123456789abcdefg");
            assertThat(a.line()).as("--max-line 16 took effect").isEqualTo("! line too long (over 16 bytes); not sent");

            run.stop();

            assertThat(run.exitCode()).isZero();
            assertThat(b.line()).isEqualTo("* the server is shutting down");
        }
        run.awaitLine("weft chat stopped: 2 connections served, 1 line relayed, 0 dropped for not reading, 0 dropped when idle");
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void badSizesAreUsageErrorsThatSayWhatIsAccepted() {
        CommandRun run = CommandRun.start("chat", "--max-pending", "1XB");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("invalid size '1XB'").contains("8KiB, 1MiB");
    }
}
