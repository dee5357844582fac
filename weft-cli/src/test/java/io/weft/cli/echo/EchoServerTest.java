package io.weft.cli.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.cli.serve.ServeOptions;
import io.weft.cli.serve.StartException;
import io.weft.cli.serve.Style;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.net.SelfSignedCertificate;
import io.weft.net.ServerOptions;
import io.weft.testkit.Backends;
import io.weft.testkit.FileDescriptors;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The echo server over real loopback sockets, on each poller: what comes back is exactly what
 * went in, for one client, a thousand at once and 8 MiB in one connection; a client that does
 * not read is held back by flow control rather than buffered for; shutdown flushes and then
 * cuts. No descriptor outlives a test. Run once per {@link Style}: {@link EchoServerCallbacksTest}
 * and {@link EchoServerGreenTest} are the same tests against the two ways of writing the server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class EchoServerTest {
    private static final int HIGH_WATER = 64 * 1024;
    /** The loop's shared read buffer: the most one read can add before reading pauses. */
    private static final int ONE_READ = 64 * 1024;

    private FileDescriptors.Snapshot fdsBefore;
    private EchoServer server;

    @BeforeEach
    void countFds() {
        fdsBefore = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
    }

    @AfterEach
    void stopAndCheckFds() {
        if (server != null) {
            server.stop();
        }
        fdsBefore.assertNoneLeaked(Duration.ofSeconds(5));
    }

    private EchoServer start(PollerKind poller) throws StartException {
        return start(ServeOptions.builder(0).loop(LoopConfig.builder().poller(poller).threadName("weft-echo-test").build()));
    }

    /** The style every test here runs its server in. */
    abstract Style style();

    /** Every backend that works here (the others cannot open a loop), narrowed by -Dweft.backends. */
    static java.util.stream.Stream<PollerKind> backends() {
        return Backends.available();
    }

    private EchoServer start(ServeOptions.Builder options) throws StartException {
        server = EchoServer.start(options.style(style()).build());
        return server;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void oneClientGetsItsBytesBackAndEndOfStreamAfterItsOwn(PollerKind poller) throws Exception {
        start(poller);
        try (Socket s = new Socket()) {
            s.connect(server.address());
            s.getOutputStream().write("hello, echo".getBytes());
            s.shutdownOutput();

            assertThat(new String(s.getInputStream().readAllBytes())).isEqualTo("hello, echo");
        }

        EchoServer.Summary summary = server.stop();
        assertThat(summary.connections()).isEqualTo(1);
        assertThat(summary.bytes()).isEqualTo(11);
        assertThat(summary.cut()).isZero();
        assertThat(summary.describe()).isEqualTo(
                "weft echo stopped: 1 connection served, 11 bytes echoed, reading paused 0 times for slow readers");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aThousandConcurrentClientsEachGetTheirOwnBytes(PollerKind poller) throws Exception {
        start(poller);
        int clients = 1000;
        int size = 4096;
        CountDownLatch allConnected = new CountDownLatch(clients);
        List<Future<byte[][]>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    byte[] sent = pattern(id, size);
                    try (Socket s = new Socket()) {
                        s.connect(server.address());
                        allConnected.countDown();
                        allConnected.await(); // all thousand are open at once before anyone writes
                        s.getOutputStream().write(sent);
                        s.shutdownOutput();
                        return new byte[][] {sent, s.getInputStream().readAllBytes()};
                    }
                }));
            }
            for (Future<byte[][]> r : results) {
                byte[][] sentAndReceived = r.get();
                assertThat(sentAndReceived[1]).isEqualTo(sentAndReceived[0]);
            }
        }

        EchoServer.Summary summary = server.stop();
        assertThat(summary.connections()).isEqualTo(clients);
        assertThat(summary.bytes()).isEqualTo((long) clients * size);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void eightMebibytesThroughOneConnectionComeBackByteExact(PollerKind poller) throws Exception {
        start(poller);
        byte[] sent = new byte[8 << 20];
        new Random(42).nextBytes(sent);
        try (Socket s = new Socket()) {
            s.connect(server.address());
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeAll(s, sent, 100_000), EchoServerTest::thread);

            byte[] received = s.getInputStream().readNBytes(sent.length);

            writer.join();
            s.shutdownOutput();
            assertThat(s.getInputStream().read()).as("end of stream after the echo").isEqualTo(-1);
            assertThat(received.length).isEqualTo(sent.length);
            assertThat(Arrays.mismatch(received, sent)).as("first differing byte").isEqualTo(-1);
        }
        assertThat(server.stop().bytes()).isEqualTo(sent.length);
    }

    @Test
    void tlsEchoesAMebibyteByteExact() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("127.0.0.1");
        start(ServeOptions.builder(0).server(ServerOptions.builder().tls(cert.serverOptions()).build()));
        byte[] sent = new byte[1 << 20];
        new Random(3).nextBytes(sent);
        try (SSLSocket s = (SSLSocket) cert.clientContext().getSocketFactory()
                .createSocket(server.address().getAddress(), server.address().getPort())) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeAll(s, sent, 16 * 1024), EchoServerTest::thread);

            byte[] received = s.getInputStream().readNBytes(sent.length);

            writer.join();
            assertThat(Arrays.mismatch(received, sent)).as("first differing byte").isEqualTo(-1);
        }
        assertThat(server.stop().bytes()).as("plaintext bytes echoed").isEqualTo(sent.length);
    }

    @Test
    void aClientThatDoesNotReadIsHeldBackByFlowControlNotBufferedFor() throws Exception {
        start(PollerKind.NIO);
        byte[] sent = new byte[8 << 20];
        new Random(7).nextBytes(sent);
        try (Socket s = new Socket()) {
            s.connect(server.address());
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeAll(s, sent, 64 * 1024), EchoServerTest::thread);

            // Not reading: the server's socket fills, its buffer passes the high-water mark, it
            // stops reading, and the writer above blocks. Without flow control it never pauses
            // and buffers megabytes instead.
            awaitReadPause();
            for (int i = 0; i < 20; i++) {
                assertThat(server.bufferedBytes()).isLessThanOrEqualTo(HIGH_WATER + ONE_READ);
            }

            byte[] received = s.getInputStream().readNBytes(sent.length);
            writer.join();
            assertThat(Arrays.mismatch(received, sent)).as("first differing byte").isEqualTo(-1);
        }
    }

    @Test
    void shutdownFlushesIdleConnectionsAndCutsOnlyThoseStillOwedOutputAtTheDeadline() throws Exception {
        // A zero deadline cuts whatever is still buffered on the next turn: deterministic, no waiting.
        start(ServeOptions.builder(0).shutdownDeadline(Duration.ZERO));
        try (Socket idle = new Socket(); Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096); // so that the kernel cannot take the server's output off its hands
            idle.connect(server.address());
            idle.getOutputStream().write("x".getBytes());
            assertThat(idle.getInputStream().read()).isEqualTo('x');
            stuck.connect(server.address());
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    // More than loopback's kernel buffers take (the server's send buffer grows
                    // to 4 MiB, its receive buffer to 6): the rest must wait in the server.
                    writeAll(stuck, new byte[64 << 20], 64 * 1024);
                } catch (RuntimeException e) {
                    // expected: the server cuts this connection while it writes
                }
            }, EchoServerTest::thread);
            // Polling a condition: output is owed to 'stuck', and stays owed. One look above the
            // high-water mark is not enough (a turn's writes wait in the buffer until the end of
            // the turn, then may all fit in the kernel); once the kernel's buffers are full the
            // server holds output for good, paused between its water marks (measured: 31 KiB).
            for (int owed = 0; owed < 10; ) {
                owed = server.bufferedBytes() > 0 ? owed + 1 : 0;
                Thread.sleep(5);
            }

            EchoServer.Summary summary = server.stop();

            assertThat(summary.cut()).isEqualTo(1);
            assertThat(summary.describe()).endsWith(", 1 cut at the shutdown deadline");
            assertThat(idle.getInputStream().read()).as("the idle client sees a clean end of stream").isEqualTo(-1);
            writer.join();
        }
    }

    @Test
    void aTakenPortFailsToStartWithTheReasonAndLeavesNothingRunning() throws Exception {
        start(PollerKind.NIO);
        int port = server.address().getPort();

        LoopConfig named = LoopConfig.builder().threadName("weft-echo-second").build();
        assertThatThrownBy(() -> EchoServer.start(ServeOptions.builder(port).loop(named).style(style()).build()))
                .isInstanceOf(StartException.class)
                .hasMessageContaining("cannot listen on")
                .hasMessageContaining(String.valueOf(port))
                .hasMessageContaining("in use");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("weft-echo-second")) {
                t.join(10_000); // closed already; its thread may still be returning
                assertThat(t.isAlive()).as("the failed server's loop thread").isFalse();
            }
        }
    }

    @Test
    void stopIsIdempotentAndStatsAreReadableWhileRunning() throws Exception {
        start(PollerKind.NIO);
        try (Socket s = new Socket()) {
            s.connect(server.address());
            s.getOutputStream().write(new byte[100]);
            s.getInputStream().readNBytes(100);
            assertThat(server.stats().bytes()).isEqualTo(100);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
        EchoServer.Summary first = server.stop();
        assertThat(server.stop()).isSameAs(first);
    }

    private void awaitReadPause() throws InterruptedException {
        while (server.stats().readPauses() == 0) {
            Thread.sleep(5); // polling a condition, not waiting for a timer
        }
    }

    /** A thread per writer: the common pool may have a single worker on a small machine. */
    private static void thread(Runnable r) {
        Thread.ofPlatform().daemon().start(r);
    }

    private static byte[] pattern(int id, int size) {
        byte[] b = new byte[size];
        new Random(id).nextBytes(b);
        return b;
    }

    /** Writes in chunks, so the echo runs while writing goes on (a partial write on the server). */
    private static void writeAll(Socket s, byte[] data, int chunk) {
        try {
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < data.length; off += chunk) {
                out.write(data, off, Math.min(chunk, data.length - off));
            }
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
