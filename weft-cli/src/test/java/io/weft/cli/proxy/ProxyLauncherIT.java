package io.weft.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./weft proxy tcp} as a real process through the launcher, stopped with SIGTERM while a
 * tunnel is open: the tunnel keeps working through the drain, and the process exits 0 once it
 * closes. Skipped, saying why, when the jar is missing or stale (as EchoLauncherIT explains, the
 * launcher would otherwise run Maven inside this build).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyLauncherIT {
    private static final Pattern LISTENING =
            Pattern.compile("weft proxy tcp: listening on 127\\.0\\.0\\.1:(\\d+) \\((\\d+) loops?\\)");

    @Test
    void theBalancerRunsAsAProcessAndDrainsOnSigterm() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent(); // Maven runs tests in weft-cli/
        Path launcher = root.resolve("weft");
        assumeTrue(Files.isExecutable(launcher), "no executable launcher at " + launcher);
        Optional<String> stale = staleJar(root);
        assumeTrue(stale.isEmpty(), () -> stale.get());

        try (ServerSocket echo = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!echo.isClosed()) {
                    try {
                        Socket s = echo.accept();
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException ignored) {
                                // the proxy left
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Process p = new ProcessBuilder(launcher.toString(), "proxy", "tcp", "--port", "0", "--loops", "2", "--no-checks",
                    "--to", "127.0.0.1:" + echo.getLocalPort()).directory(root.toFile()).start();
            try {
                BlockingQueue<String> lines = new LinkedBlockingQueue<>();
                CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()),
                        r -> Thread.ofPlatform().daemon().start(r));
                Thread.ofPlatform().daemon().start(() -> {
                    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    try {
                        for (String line; (line = out.readLine()) != null; ) {
                            lines.add(line);
                        }
                    } catch (IOException ignored) {
                        // the process is gone
                    }
                });
                String first = lines.poll(60, TimeUnit.SECONDS);
                Matcher m = LISTENING.matcher(String.valueOf(first));
                assertThat(m.matches()).as("first line '%s' (stderr: %s)", first, errors.getNow("")).isTrue();
                assertThat(m.group(2)).isEqualTo("2");

                try (Socket s = new Socket("127.0.0.1", Integer.parseInt(m.group(1)))) {
                    s.setSoTimeout(20_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    out.write("before".getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(in.readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("before");
                    assertThat(p.toHandle().destroy()).isTrue(); // SIGTERM: drain, the tunnel stays
                    awaitRefused(Integer.parseInt(m.group(1)));
                    out.write("during the drain".getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(in.readNBytes(16), StandardCharsets.US_ASCII)).isEqualTo("during the drain");
                    assertThat(p.isAlive()).as("still draining while a tunnel is open").isTrue();
                }
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited once the tunnel closed").isTrue();
                assertThat(p.exitValue()).as("exit code (stderr: %s)", errors.get()).isZero();
                assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("weft proxy tcp stopped");
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Waits until the port refuses connections: the drain has begun (it stops accepting first). */
    private static void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                new Socket("127.0.0.1", port).close();
            } catch (IOException refused) {
                return;
            }
            assertThat(System.nanoTime()).as("the port still accepts 30 s after SIGTERM").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Why the launcher would build first (jar missing, or a pom or main source newer); empty when it would not. */
    private static Optional<String> staleJar(Path root) throws IOException {
        Path jar = root.resolve("weft-cli/target/weft.jar");
        if (!Files.exists(jar)) {
            return Optional.of("skipped: " + jar + " does not exist; run 'mvn -pl weft-cli -am verify'");
        }
        FileTime built = Files.getLastModifiedTime(jar);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> !f.startsWith(root.resolve(".git")) && !f.toString().contains("/target/"))
                    .filter(f -> f.getFileName().toString().equals("pom.xml") || f.toString().contains("/src/main/"))
                    .filter(Files::isRegularFile)
                    .filter(f -> {
                        try {
                            return Files.getLastModifiedTime(f).compareTo(built) > 0;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .findFirst()
                    .map(f -> "skipped: " + f + " is newer than " + jar + "; run 'mvn -pl weft-cli -am verify'");
        }
    }
}
