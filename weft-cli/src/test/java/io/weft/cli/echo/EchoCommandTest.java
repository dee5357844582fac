package io.weft.cli.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.testing.CommandRun;
import io.weft.net.SelfSignedCertificate;
import io.weft.testkit.FileDescriptors;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code weft echo} run in-process through {@link io.weft.cli.Main}, as the launcher runs it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoCommandTest {
    private static final String LISTENING = "weft echo listening on 127\\.0\\.0\\.1:(\\d+) \\(poller (nio|poll|epoll|io_uring)\\)";

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
    @CsvSource({"nio,callbacks", "poll,callbacks", "nio,green", "poll,green", "nio,fibers"})
    void printsWhereItListensEchoesAndPrintsASummaryWhenStopped(String poller, String style) throws Exception {
        CommandRun run = CommandRun.start("echo", "--port", "0", "--poller", poller, "--style", style);
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

    @ParameterizedTest
    @ValueSource(strings = {"callbacks", "green"})
    void onTwoLoopsItPrintsEachLoopsConnectionsWhenStopped(String style) throws Exception {
        CommandRun run = CommandRun.start("echo", "--port", "0", "--loops", "2", "--style", style);
        int port = Integer.parseInt(run.awaitLine(LISTENING).group(1));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("ping".getBytes());
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes())).isEqualTo("ping");
        }
        run.stop();

        assertThat(run.exitCode()).isZero();
        run.awaitLine("weft echo stopped: 1 connection served, 4 bytes echoed, reading paused 0 times for slow readers");
        run.awaitLine("per loop: (1, 0|0, 1) connections");
    }

    @Test
    void tlsWithASelfSignedCertificateSaysWhatItServes() {
        CommandRun run = CommandRun.start("echo", "--port", "0", "--tls");

        run.awaitLine("weft echo listening on 127\\.0\\.0\\.1:\\d+ \\(poller [a-z_]+, TLS with a self-signed certificate"
                + " for localhost, 127\\.0\\.0\\.1, ::1\\)");
        run.stop();
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void tlsWithPemFilesEchoesToAClientThatVerifiesTheCertificate(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("127.0.0.1");
        Path certFile = dir.resolve("cert.pem");
        Path keyFile = dir.resolve("key.pem");
        cert.writePem(certFile, keyFile);
        CommandRun run = CommandRun.start("echo", "--port", "0", "--tls", "--cert", certFile.toString(), "--key", keyFile.toString());
        Matcher listening = run.awaitLine("weft echo listening on 127\\.0\\.0\\.1:(\\d+) \\(poller [a-z_]+, TLS with certificate .*\\)");

        try (SSLSocket s = (SSLSocket) cert.clientContext().getSocketFactory()
                .createSocket("127.0.0.1", Integer.parseInt(listening.group(1)))) {
            SSLParameters verifyName = s.getSSLParameters();
            verifyName.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name 127.0.0.1
            s.setSSLParameters(verifyName);
            s.getOutputStream().write("secret".getBytes());
            assertThat(new String(s.getInputStream().readNBytes(6))).isEqualTo("secret");
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        run.stop();

        assertThat(run.exitCode()).isZero();
        run.awaitLine("weft echo stopped: 1 connection served, 6 bytes echoed, reading paused 0 times for slow readers");
    }

    @Test
    void tlsWithAMissingKeyFileExitsOneNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope.pem");
        CommandRun run = CommandRun.start("echo", "--port", "0", "--tls", "--cert", missing.toString(), "--key", missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("weft echo: cannot read " + missing + ": no such file" + System.lineSeparator());
        assertThat(run.stdout()).isEmpty();
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

    @ParameterizedTest
    @ValueSource(strings = {"echo", "chat"})
    void aPortOutOfRangeOrNoLoopsAreUsageErrorsOfEitherServer(String command) {
        CommandRun badPort = CommandRun.start(command, "--port", "65536");
        assertThat(badPort.exitCode()).isEqualTo(2);
        assertThat(badPort.stderr()).contains("--port must be 0 to 65535, not 65536");

        CommandRun noLoops = CommandRun.start(command, "--loops", "0");
        assertThat(noLoops.exitCode()).isEqualTo(2);
        assertThat(noLoops.stderr()).contains("--loops must be at least 1, not 0");
    }
}
