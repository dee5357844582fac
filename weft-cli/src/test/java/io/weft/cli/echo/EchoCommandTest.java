package io.weft.cli.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.serve.TlsSupport;
import io.weft.cli.testing.CommandRun;
import io.weft.cli.testing.OpenFds;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code weft echo} run in-process through {@link io.weft.cli.Main}, as the launcher runs it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoCommandTest {
    private static final String LISTENING = "weft echo listening on 127\\.0\\.0\\.1:(\\d+) \\(poller (nio|poll)\\)";

    private int fdsBefore;

    @BeforeEach
    void countFds() {
        fdsBefore = OpenFds.count();
    }

    @AfterEach
    void checkFds() {
        OpenFds.assertNoneLeaked(fdsBefore);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "poll"})
    void printsWhereItListensEchoesAndPrintsASummaryWhenStopped(String poller) throws Exception {
        CommandRun run = CommandRun.start("echo", "--port", "0", "--poller", poller);
        Matcher listening = run.awaitLine(LISTENING);
        int port = Integer.parseInt(listening.group(1));
        assertThat(port).isPositive();
        assertThat(listening.group(2)).isEqualTo(poller);

        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("ping".getBytes());
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes())).isEqualTo("ping");
        }
        run.stop();

        assertThat(run.exitCode()).isZero();
        run.awaitLine("weft echo stopped: 1 connection served, 4 bytes echoed, reading paused 0 times for slow readers");
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void tlsEitherServesOrSaysClearlyWhyNot() {
        CommandRun run = CommandRun.start("echo", "--port", "0", "--tls");
        if (TlsSupport.available()) {
            run.awaitLine("weft echo listening on .* \\(poller nio, TLS with a self-signed certificate for 127\\.0\\.0\\.1\\)");
            run.stop();
            assertThat(run.exitCode()).isZero();
        } else {
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).startsWith("weft echo: --tls is not available: this build of Weft has no TLS layer yet");
            assertThat(run.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(run.stdout()).isEmpty();
        }
    }

    @Test
    void aTakenPortExitsOneWithTheReasonAndNoStackTrace() throws Exception {
        try (EchoServer taken = EchoServer.start(io.weft.cli.serve.ServeOptions.builder(0).build())) {
            CommandRun run = CommandRun.start("echo", "--port", String.valueOf(taken.address().getPort()));

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).startsWith("weft echo: cannot listen on ").contains("in use").doesNotContain("\tat ");
        }
    }

    @Test
    void badFlagsAreUsageErrorsThatSayWhatIsWrong() {
        CommandRun badDuration = CommandRun.start("echo", "--idle-timeout", "5x");
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.stderr()).contains("invalid duration '5x'");

        CommandRun certAlone = CommandRun.start("echo", "--tls", "--cert", "server.pem");
        assertThat(certAlone.exitCode()).isEqualTo(2);
        assertThat(certAlone.stderr()).contains("--cert and --key go together");

        CommandRun badPoller = CommandRun.start("echo", "--poller", "kqueue");
        assertThat(badPoller.exitCode()).isEqualTo(2);
        assertThat(badPoller.stderr()).contains("unknown poller 'kqueue'");
    }
}
