package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.server;
import static io.weft.net.tls.TlsFixtures.serverCert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.future.Promise;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.tls.TlsFixtures.Recorder;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weft against OpenSSL, the implementation most peers are: {@code openssl s_client} talking to
 * a Weft server, and a Weft client talking to {@code openssl s_server}. Skipped when there is
 * no {@code openssl} on the PATH.
 */
@Timeout(60)
class OpenSslInteropTest extends TlsTestBase {
    static Path openssl;
    @TempDir
    Path dir;

    @BeforeAll
    static void findOpenssl() {
        openssl = onPath("openssl");
        assumeTrue(openssl != null, "openssl is not on the PATH: skipping the s_client/s_server interop tests");
    }

    static Path onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, exe);
            if (!d.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    Path certPem() throws IOException {
        Path cert = dir.resolve("cert.pem");
        serverCert().writePem(cert, dir.resolve("key.pem"));
        return cert;
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void opensslClientTalksToAWeftServer(String version) throws Exception {
        AtomicReference<Recorder> serverSide = new AtomicReference<>();
        Server s = listen(() -> {
            Recorder r = new Recorder(loop, null) {
                @Override
                void onData(String text) {
                    t.write(text.getBytes(StandardCharsets.US_ASCII)); // echo
                }
            };
            serverSide.set(r);
            return r;
        }, server().build());
        Process p = new ProcessBuilder(openssl.toString(), "s_client", "-connect", "127.0.0.1:" + port(s),
                "-servername", "localhost", "-CAfile", certPem().toString(), "-verify_return_error",
                "-verify_hostname", "localhost", "-brief", version)
                .redirectErrorStream(true).start();
        try {
            List<String> output = new ArrayList<>();
            CompletableFuture<String> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    p.getOutputStream().write("hello from openssl\n".getBytes(StandardCharsets.US_ASCII));
                    p.getOutputStream().flush();
                    return readUntil(p, output, Pattern.compile("hello from openssl"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String line = loop.runUntilComplete(Promise.from(loop, echoed).withTimeout(Duration.ofSeconds(30)));
            assertThat(line).as("openssl output: %s", output).isEqualTo("hello from openssl");
            assertThat(String.join("\n", output)).contains("Verification: OK")
                    .contains("Protocol version: " + (version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2"));
            p.getOutputStream().close(); // s_client sends close_notify and exits
            List<String> events = loop.runUntilComplete(serverSide.get().lost.withTimeout(Duration.ofSeconds(30)));
            assertThat(events).containsExactly("made", "data:hello from openssl\n", "eof", "lost:null");
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        shutdown(s);
    }

    @Test
    void aWeftClientTalksToOpensslServer() throws Exception {
        Path cert = certPem();
        Process p = new ProcessBuilder(openssl.toString(), "s_server", "-accept", "0", "-cert", cert.toString(),
                "-key", dir.resolve("key.pem").toString(), "-rev")
                .redirectErrorStream(true).start();
        try {
            List<String> output = new ArrayList<>();
            String accept = CompletableFuture.supplyAsync(() -> readUntil(p, output, Pattern.compile("ACCEPT .*:(\\d+)")))
                    .get(30, TimeUnit.SECONDS);
            Matcher m = Pattern.compile(":(\\d+)$").matcher(accept);
            assertThat(m.find()).as("openssl output: %s", output).isTrue();
            int port = Integer.parseInt(m.group(1));
            // -rev answers each line reversed
            Recorder c = loop.runUntilComplete(Net.createConnection(loop, () -> new Recorder(loop, "hello weft\n") {
                @Override
                void onData(String text) {
                    if (String.join("", events).contains("\n")) {
                        t.close();
                    }
                }
            }, "localhost", port, ConnectOptions.builder().tls(client().build()).build())
                    .withTimeout(Duration.ofSeconds(30)));
            List<String> events = loop.runUntilComplete(c.lost.withTimeout(Duration.ofSeconds(30)));
            assertThat(String.join("", events.subList(1, events.size() - 1)).replace("data:", ""))
                    .isEqualTo("tfew olleh\n");
            assertThat(events.get(events.size() - 1)).isEqualTo("lost:null");
            assertThat(c.t.tlsSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Reads lines of the process's output until one matches; returns it. */
    static String readUntil(Process p, List<String> output, Pattern wanted) {
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                if (wanted.matcher(line).find()) {
                    return line;
                }
            }
            throw new IllegalStateException("openssl ended without printing " + wanted + ": " + output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
