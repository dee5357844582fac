package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.serverCert;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** One {@code openssl s_client}, its output collected line by line by a thread of its own. */
final class SClient implements AutoCloseable {
    private final EventLoop loop;
    final Process process;

    /** Starts {@code openssl s_client} against {@code s}, trusting the test server certificate. */
    static SClient start(EventLoop loop, Path openssl, Path dir, Server s, String... args) throws IOException {
        Path cert = dir.resolve("cert.pem");
        serverCert().writePem(cert, dir.resolve("key.pem"));
        List<String> cmd = new ArrayList<>(List.of(openssl.toString(), "s_client", "-connect",
                "127.0.0.1:" + TlsTestBase.port(s), "-servername", "localhost", "-CAfile", cert.toString(), "-brief"));
        cmd.addAll(List.of(args));
        return new SClient(loop, new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Every line so far; guarded by itself, notified on each line and at the end. */
    final List<String> output = new ArrayList<>();
    private boolean ended;
    final OutputStream in;

    SClient(EventLoop loop, Process process) {
        this.loop = loop;
        this.process = process;
        this.in = process.getOutputStream();
        Thread.ofPlatform().daemon().name("s_client output").start(this::collect);
    }

    private void collect() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process was killed: what was read is all there is
        } finally {
            synchronized (output) {
                ended = true;
                output.notifyAll();
            }
        }
    }

    void send(String text) throws IOException {
        in.write(text.getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /** Runs the loop until a line of output matches (failing if s_client ends first); returns it. */
    String await(Pattern wanted) {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            synchronized (output) {
                for (int i = 0; ; i++) {
                    while (i >= output.size()) {
                        if (ended) {
                            throw new IllegalStateException("s_client ended without printing " + wanted + ": " + output);
                        }
                        try {
                            output.wait();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    if (wanted.matcher(output.get(i)).find()) {
                        return output.get(i);
                    }
                }
            }
        });
        return loop.runUntilComplete(Promise.from(loop, line).withTimeout(Duration.ofSeconds(30)));
    }

    /** Runs the loop until s_client exits; returns its exit code. */
    int awaitExit() {
        return loop.runUntilComplete(Promise.from(loop, process.onExit()).withTimeout(Duration.ofSeconds(30)))
                .exitValue();
    }

    /** All the output, once s_client has exited and its output is read. */
    String all() throws InterruptedException {
        synchronized (output) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ended && System.nanoTime() < deadline) {
                output.wait(1000);
            }
            return String.join("\n", output);
        }
    }

    /** The output so far. */
    String sofar() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
