package io.weft.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.testkit.FileDescriptors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each fault of the proxy, with plain JDK sockets on loopback at both ends: an upstream that
 * accepts and hands each connection to the test, and clients that connect through the proxy.
 * Times are asserted only from below (a fault never makes things faster); nothing here depends
 * on the machine being quick.
 */
@Timeout(60)
class FaultProxyTest {
    private ServerSocket upstream;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private Thread acceptor;
    private int fdsBefore;

    /**
     * Once per JVM the JDK opens a socket of its own for closing sockets that another thread
     * blocks on; let it do that before the descriptors are counted.
     */
    @BeforeAll
    static void warmUp() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket c = new Socket(InetAddress.getLoopbackAddress(), s.getLocalPort());
                Socket a = s.accept()) {
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    a.getInputStream().read();
                } catch (IOException expected) {
                    // closed under it
                }
            });
            try {
                Thread.sleep(50);
                a.close();
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @BeforeEach
    void startUpstream() throws IOException {
        fdsBefore = FileDescriptors.supported() ? FileDescriptors.count() : 0;
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("test-upstream-accept").start(() -> {
            try {
                while (true) {
                    accepted.add(upstream.accept());
                }
            } catch (IOException closed) {
                // done
            }
        });
    }

    private static boolean proxyThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("fault-proxy-"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : closeLater.reversed()) {
            c.close();
        }
        upstream.close();
        acceptor.join();
        for (Socket s : accepted) {
            s.close();
        }
        // A link's thread takes itself off the proxy's list as its last step, so close() may
        // not join it, and it can be alive for a moment after: give it that moment, no more.
        long threadsDeadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        while (proxyThreadsAlive() && System.nanoTime() - threadsDeadline < 0) {
            Thread.sleep(5);
        }
        assertThat(Thread.getAllStackTraces().keySet()).as("threads left by the proxy")
                .noneMatch(t -> t.getName().startsWith("fault-proxy-"));
        if (FileDescriptors.supported()) {
            long deadline = System.nanoTime() + FileDescriptors.DEFAULT_SETTLE.toNanos();
            while (FileDescriptors.count() > fdsBefore && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            assertThat(FileDescriptors.count()).as("descriptors open, %s", FileDescriptors.open())
                    .isLessThanOrEqualTo(fdsBefore);
        }
    }

    private FaultProxy proxy(FaultProxy.Builder b) throws IOException {
        FaultProxy p = b.start();
        closeLater.add(p);
        return p;
    }

    private FaultProxy proxy() throws IOException {
        return proxy(FaultProxy.to((InetSocketAddress) upstream.getLocalSocketAddress()));
    }

    /** A client through the proxy, and the upstream's end of it. */
    private record Pair(Socket client, Socket server) {
    }

    private Pair connect(FaultProxy p) throws Exception {
        Socket c = new Socket();
        closeLater.add(c);
        c.connect(p.address(), 10_000);
        Socket s = accepted.poll(10, TimeUnit.SECONDS);
        assertThat(s).as("the proxy connected upstream").isNotNull();
        closeLater.add(s);
        return new Pair(c, s);
    }

    private static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Everything {@code in} gives until EOF (or the error, thrown). */
    private static byte[] readAll(Socket s) throws IOException {
        return s.getInputStream().readAllBytes();
    }

    /** Writes {@code data} on another thread, so that a blocking write cannot stall the test. */
    private static Thread writeLater(Socket s, byte[] data, boolean thenShutdown) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write(data);
                if (thenShutdown) {
                    s.shutdownOutput();
                }
            } catch (IOException e) {
                // the fault under test cut it off
            }
        });
    }

    @Test
    void withoutFaultsBytesPassBothWaysAndHalfClosesToo() throws Exception {
        FaultProxy p = proxy();
        Pair c = connect(p);
        byte[] up = pattern(3 << 20, 1);
        byte[] down = pattern(1 << 20, 2);
        Thread w1 = writeLater(c.client(), up, true);
        Thread w2 = writeLater(c.server(), down, true);

        assertThat(readAll(c.server())).isEqualTo(up);
        assertThat(readAll(c.client())).isEqualTo(down);
        w1.join();
        w2.join();
        assertThat(p.toUpstream().bytesForwarded()).isEqualTo(up.length);
        assertThat(p.toClient().bytesForwarded()).isEqualTo(down.length);
        assertThat(p.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void latencyHoldsEachChunkAtLeastThatLong() throws Exception {
        FaultProxy p = proxy(FaultProxy.to((InetSocketAddress) upstream.getLocalSocketAddress()).seed(7));
        p.toUpstream().latency(Duration.ofMillis(300), Duration.ofMillis(100));
        Pair c = connect(p);

        long start = System.nanoTime();
        c.client().getOutputStream().write(new byte[] {42});
        assertThat(c.server().getInputStream().read()).isEqualTo(42);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThatThrownBy(() -> p.toClient().latency(Duration.ofMillis(10), Duration.ofMillis(20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not exceed the latency");
    }

    @Test
    void bandwidthLimitsBytesPerSecondAndTheBytesArriveIntact() throws Exception {
        FaultProxy p = proxy();
        p.toClient().bandwidth(100_000);
        Pair c = connect(p);
        byte[] down = pattern(200_000, 3);

        long start = System.nanoTime();
        Thread w = writeLater(c.server(), down, true);
        assertThat(readAll(c.client())).isEqualTo(down);
        w.join();

        // The first 20 ms slice goes at once; the other 198 kB need 1.98 s at 100 kB/s.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void slowCloseDelaysTheFinNotTheData() throws Exception {
        FaultProxy p = proxy();
        p.toUpstream().slowClose(Duration.ofMillis(500));
        Pair c = connect(p);

        c.client().getOutputStream().write("last words".getBytes());
        long start = System.nanoTime();
        c.client().shutdownOutput();
        InputStream in = c.server().getInputStream();
        assertThat(new String(in.readNBytes(10))).isEqualTo("last words");
        assertThat(in.read()).as("then EOF").isEqualTo(-1);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        // The other way is still open meanwhile and after: a half-close, passed on late.
        c.server().getOutputStream().write("reply".getBytes());
        c.server().shutdownOutput();
        assertThat(new String(readAll(c.client()))).isEqualTo("reply");
    }

    @Test
    void truncationForwardsExactlyNBytesThenACleanEof() throws Exception {
        FaultProxy p = proxy();
        p.toClient().truncateAfter(70_000);
        Pair c = connect(p);
        byte[] down = pattern(500_000, 4);
        Thread w = writeLater(c.server(), down, false);

        byte[] got = readAll(c.client()); // a FIN, not a reset: readAllBytes returns

        assertThat(got).isEqualTo(Arrays.copyOf(down, 70_000));
        w.join(); // the upstream's write fails or ends: the proxy closed its side too
        assertThat(p.toClient().bytesForwarded()).isEqualTo(70_000);
    }

    @Test
    void resetAfterNBytesIsAResetAtTheClientAfterAtMostThoseBytes() throws Exception {
        FaultProxy p = proxy();
        p.toClient().resetAfter(50_000);
        Pair c = connect(p);
        byte[] down = pattern(400_000, 5);
        Thread w = writeLater(c.server(), down, false);

        InputStream in = c.client().getInputStream();
        byte[] buf = new byte[8192];
        int got = 0;
        SocketException reset = null;
        try {
            for (int n; (n = in.read(buf)) > 0; got += n) {
                assertThat(Arrays.copyOfRange(buf, 0, n)).isEqualTo(Arrays.copyOfRange(down, got, got + n));
            }
        } catch (SocketException e) {
            reset = e;
        }

        assertThat(reset).as("the client saw a reset, not EOF").isNotNull().hasMessageContaining("reset");
        assertThat(got).isLessThanOrEqualTo(50_000);
        w.join();
        assertThat(p.openConnections()).isZero();
    }

    @Test
    void blackholeSwallowsUntilTurnedOffWhileTheConnectionStaysOpen() throws Exception {
        FaultProxy p = proxy();
        p.toUpstream().blackhole(true);
        Pair c = connect(p);

        c.client().getOutputStream().write("swallowed".getBytes());
        while (p.toUpstream().bytesDropped() < 9) {
            Thread.sleep(5);
        }
        p.toUpstream().blackhole(false);
        c.client().getOutputStream().write("through".getBytes());
        c.client().shutdownOutput();

        assertThat(new String(readAll(c.server()))).isEqualTo("through");
        assertThat(p.toUpstream().bytesDropped()).isEqualTo(9);
    }

    @Test
    void toxicsChangedWhileRunningApplyToOpenConnections() throws Exception {
        FaultProxy p = proxy();
        Pair c = connect(p);
        OutputStream out = c.server().getOutputStream();
        out.write(pattern(1000, 6));
        assertThat(c.client().getInputStream().readNBytes(1000)).isEqualTo(pattern(1000, 6));

        p.toClient().truncateAfter(1500); // counts from the start of the connection
        Thread w = writeLater(c.server(), pattern(5000, 7), false);

        assertThat(readAll(c.client())).isEqualTo(Arrays.copyOf(pattern(5000, 7), 500));
        w.join();
    }

    @Test
    void connectionsOverTheLimitAreClosedOnArrival() throws Exception {
        FaultProxy p = proxy(FaultProxy.to((InetSocketAddress) upstream.getLocalSocketAddress()).maxConnections(2));
        connect(p);
        connect(p);

        Socket third = new Socket();
        closeLater.add(third);
        third.connect(p.address(), 10_000);
        try {
            assertThat(third.getInputStream().read()).as("closed at once").isEqualTo(-1);
        } catch (SocketException resetInstead) {
            // closing an accepted socket with unread data may reset it: closed all the same
        }

        assertThat(p.refusedConnections()).isEqualTo(1);
        assertThat(p.openConnections()).isEqualTo(2);
    }

    @Test
    void anUpstreamThatRefusesIsAResetAtTheClient() throws Exception {
        ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        InetSocketAddress nobody = (InetSocketAddress) gone.getLocalSocketAddress();
        gone.close();
        FaultProxy p = proxy(FaultProxy.to(nobody));

        Socket c = new Socket();
        closeLater.add(c);
        // On loopback the proxy's RST can beat the JDK's check of the connect's outcome (its
        // SO_ERROR then says reset): the reset may show at connect or at the first read, never
        // as bytes or a clean end.
        assertThatThrownBy(() -> {
            c.connect(p.address(), 10_000);
            c.getInputStream().read();
        }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }

    @Test
    void closeEndsEveryConnectionAndThreadEvenMidDelay() throws Exception {
        FaultProxy p = proxy();
        p.toUpstream().latency(Duration.ofSeconds(30), Duration.ZERO).bandwidth(10);
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pairs.add(connect(p));
        }
        for (Pair c : pairs) {
            c.client().getOutputStream().write(new byte[100]); // now sleeping in the latency
        }

        p.close();
        p.close(); // idempotent

        for (Pair c : pairs) {
            assertThat(c.client().getInputStream().read()).isEqualTo(-1);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("fault-proxy-"));
        assertThat(p.openConnections()).isZero();
        assertThatThrownBy(() -> new Socket().connect(p.address(), 1000)).isInstanceOf(IOException.class);
    }
}
