package io.weft.green;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link GreenSocket#read(byte[], int, int)} and {@link GreenSocket#read(ByteBuffer)}: reads into
 * the caller's memory that allocate nothing per call, against a plain {@link Socket} peer on
 * another thread.
 */
@Timeout(60)
class GreenSocketReadIntoTest {
    final EventLoop loop = EventLoop.create();

    @AfterEach
    void tearDown() {
        loop.close();
    }

    /** A peer that writes {@code data} in pieces of {@code piece} bytes, then closes. */
    static CompletableFuture<Void> peer(ServerSocket ss, byte[] data, int piece, CountDownLatch go) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = ss.accept(); OutputStream out = s.getOutputStream()) {
                go.await(30, TimeUnit.SECONDS);
                for (int off = 0; off < data.length; off += piece) {
                    out.write(data, off, Math.min(piece, data.length - off));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >> 8));
        }
        return b;
    }

    @Test
    void readsIntoTheCallersArrayInOrderThenMinusOneAtEnd() throws Exception {
        byte[] data = pattern(300_000);
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Void> sent = peer(ss, data, 1000, go);
            byte[] got = loop.runUntilComplete(loop.spawn(() -> {
                try (GreenSocket s = GreenSocket.connect(ss.getLocalSocketAddress(), ConnectOptions.defaults())) {
                    go.countDown();
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    byte[] dst = new byte[4096];
                    int n;
                    while ((n = s.read(dst, 10, 777)) != -1) {
                        assertThat(n).isBetween(1, 777);
                        all.write(dst, 10, n);
                    }
                    assertThat(s.read(dst, 0, 1)).as("end of stream stays").isEqualTo(-1);
                    assertThat(s.read(dst, 0, 0)).as("nothing asked, nothing read").isZero();
                    return all.toByteArray();
                }
            }).withTimeout(Duration.ofSeconds(30)));
            sent.get(10, TimeUnit.SECONDS);
            assertThat(got).isEqualTo(data);
        }
    }

    @Test
    void readsIntoAByteBufferAndMixesWithLineReads() throws Exception {
        byte[] data = "first line\nand then some bytes".getBytes();
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Void> sent = peer(ss, data, 3, go);
            String got = loop.runUntilComplete(loop.spawn(() -> {
                try (GreenSocket s = GreenSocket.connect(ss.getLocalSocketAddress(), ConnectOptions.defaults())) {
                    go.countDown();
                    String line = s.readLine();
                    ByteBuffer dst = ByteBuffer.allocateDirect(64);
                    while (s.read(dst) != -1) {
                        assertThat(dst.hasRemaining()).isTrue();
                    }
                    dst.flip();
                    byte[] rest = new byte[dst.remaining()];
                    dst.get(rest);
                    return line + "|" + new String(rest);
                }
            }).withTimeout(Duration.ofSeconds(30)));
            sent.get(10, TimeUnit.SECONDS);
            assertThat(got).isEqualTo("first line|and then some bytes");
        }
    }

    /**
     * Green threads parked in {@code read} on one buffer shared by the loop's green threads (as
     * the echo servers do, to hold no buffer per idle connection) each get their own bytes, even
     * when both connections' bytes arrive in the same turn of the loop.
     */
    @Test
    void greenThreadsParkedInReadCanShareOneBuffer() {
        ByteBuffer shared = ByteBuffer.allocate(1024);
        String got = loop.runUntilComplete(loop.spawn(() -> {
            try (GreenServerSocket server = GreenServerSocket.listen(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))) {
                java.net.SocketAddress at = server.addresses().getFirst();
                GreenSocket a = GreenSocket.connect(at, ConnectOptions.defaults());
                GreenSocket b = GreenSocket.connect(at, ConnectOptions.defaults());
                GreenSocket[] served = {server.accept(), server.accept()};
                java.util.List<io.weft.future.Promise<String>> reads = new java.util.ArrayList<>();
                for (GreenSocket s : served) {
                    reads.add(loop.spawn(() -> {
                        int n = s.read(shared.clear());
                        return new String(shared.array(), 0, n);
                    }));
                }
                Green.yieldNow(); // both readers run up to their park
                a.write("from a");
                b.write("from b"); // the same turn: both arrive before either reader runs again
                String result = Green.await(reads.get(0)) + "|" + Green.await(reads.get(1));
                for (GreenSocket s : java.util.List.of(a, b, served[0], served[1])) {
                    s.close();
                }
                return result;
            }
        }).withTimeout(Duration.ofSeconds(30)));
        assertThat(got.split("\\|")).containsExactlyInAnyOrder("from a", "from b");
    }

    /**
     * Allocation per read, counted on the loop's thread (green threads run on it): what
     * {@code read(byte[], off, len)} allocates must be a small fraction of the bytes it reads,
     * where {@code read(max)} allocates at least a fresh array of them every time.
     */
    /**
     * Allocation per round trip, counted on the loop's thread (green threads run on it): a peer
     * sends 1 KiB and waits for a 1-byte answer, 4000 times, so every read parks and is woken.
     * {@code read(byte[], off, len)} must allocate a small fraction of the bytes it reads; at
     * the time of writing it was about 56 bytes per round trip (the park, the wake-up and the
     * 1-byte write), where {@code read(max)} allocated about 1,310 (a promise and its callbacks,
     * the read request and the fresh array).
     */
    @Test
    void readingIntoTheCallersArrayAllocatesNothingPerRead() throws Exception {
        AllocationCounter counter = AllocationCounter.find();
        assumeTrue(counter != null, "no per-thread allocation counter on this JVM");
        long loopThread = Thread.currentThread().threadId(); // runUntilComplete runs the loop right here
        assumeTrue(counter.getThreadAllocatedBytes(loopThread) >= 0, "allocation counting is off");
        int rounds = 4000;
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
                try (Socket s = ss.accept()) {
                    s.setTcpNoDelay(true);
                    byte[] msg = pattern(1024);
                    for (int i = 0; i < rounds; i++) {
                        s.getOutputStream().write(msg);
                        if (s.getInputStream().read() < 0) {
                            throw new IllegalStateException("end of stream after " + i + " rounds");
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            long allocated = loop.runUntilComplete(loop.spawn(() -> {
                try (GreenSocket s = GreenSocket.connect(ss.getLocalSocketAddress(), ConnectOptions.defaults())) {
                    byte[] dst = new byte[1024];
                    ByteBuffer answer = ByteBuffer.allocate(1);
                    long before = 0;
                    for (int i = 0; i < rounds; i++) {
                        if (i == rounds / 4) {
                            before = counter.getThreadAllocatedBytes(loopThread); // after warming up
                        }
                        for (int got = 0; got < dst.length; ) {
                            got += s.read(dst, got, dst.length - got);
                        }
                        s.write(answer.clear());
                    }
                    return counter.getThreadAllocatedBytes(loopThread) - before;
                }
            }).withTimeout(Duration.ofSeconds(30)));
            peer.get(10, TimeUnit.SECONDS);
            double perRound = allocated / (rounds * 0.75);
            assertThat(perRound).as("bytes allocated on the loop thread per 1 KiB round trip").isLessThan(256);
        }
    }

    /**
     * {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}, reached by reflection:
     * weft-core (whose module these tests are patched into) does not read java.management.
     */
    record AllocationCounter(Object bean, Method allocated) {
        static AllocationCounter find() {
            try {
                Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                        .invoke(null);
                Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
                return type.isInstance(bean) ? new AllocationCounter(bean, type.getMethod("getThreadAllocatedBytes",
                        long.class)) : null;
            } catch (ReflectiveOperationException | LinkageError e) {
                return null;
            }
        }

        long getThreadAllocatedBytes(long threadId) {
            try {
                return (long) allocated.invoke(bean, threadId);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
