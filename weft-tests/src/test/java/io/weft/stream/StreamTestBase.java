package io.weft.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.testkit.EveryBackend;
import io.weft.testkit.FileDescriptors;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A loop per test, descriptor counting around it, and the pieces the stream tests share. */
@EveryBackend
abstract class StreamTestBase {
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final byte ACK = 6;

    EventLoop loop;
    final List<Throwable> reported = new CopyOnWriteArrayList<>();
    final List<String> reportedContexts = new CopyOnWriteArrayList<>();
    final List<Server> servers = new ArrayList<>();
    private FileDescriptors.Snapshot fdsBefore;

    /** The poller the loop runs on; the *PollTest subclasses run everything again on poll(2). */
    /** The backend under test, injected by {@link EveryBackend}. */
    @Parameter
    PollerKind backend;

    PollerKind poller() {
        return backend;
    }

    @BeforeEach
    void openLoop() {
        fdsBefore = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
        loop = EventLoop.create(LoopConfig.builder().poller(poller()).exceptionHandler((l, context, error) -> {
            reportedContexts.add(context);
            reported.add(error);
        }).build());
    }

    @AfterEach
    void closeLoop() throws InterruptedException {
        try {
            for (Server s : servers) {
                run(s.shutdown(Duration.ofSeconds(5)));
            }
        } finally {
            loop.close();
        }
        fdsBefore.assertNoneLeaked(Duration.ofSeconds(2));
    }

    /** Runs the loop until {@code p} is done; its value, or its failure thrown. */
    <T> T run(Promise<T> p) {
        return loop.runUntilComplete(p.withTimeout(PATIENCE));
    }

    /** Runs the loop until {@code p} is done and returns its failure; fails if it succeeded. */
    Throwable failureOf(Promise<?> p) {
        Promise<Throwable> outcome = loop.newPromise();
        p.whenComplete((v, e) -> outcome.complete(e));
        Throwable e = run(outcome);
        assertThat(e).as("expected %s to fail", p).isNotNull();
        return e;
    }

    /**
     * Runs the loop until {@code condition} holds, checking it every millisecond; for waiting
     * on I/O done by another thread. Fails after {@link #PATIENCE}.
     */
    void until(java.util.function.BooleanSupplier condition) {
        Promise<Void> done = loop.newPromise();
        check(condition, done);
        run(done);
    }

    private void check(java.util.function.BooleanSupplier condition, Promise<Void> done) {
        if (done.isDone()) {
            return;
        }
        if (condition.getAsBoolean()) {
            done.complete(null);
        } else {
            loop.callLater(Duration.ofMillis(1), () -> check(condition, done));
        }
    }

    /** Runs {@code n} loop turns: lets I/O that is ready happen. Not a wait for time. */
    void turns(int n) {
        Promise<Void> done = loop.newPromise();
        hop(n, done);
        run(done);
    }

    private void hop(int left, Promise<Void> done) {
        if (left == 0) {
            done.complete(null);
        } else {
            loop.callSoon(() -> hop(left - 1, done));
        }
    }

    Server listen(java.util.function.Supplier<? extends Protocol> factory) {
        Server s = run(Net.createServer(loop, factory, LOCAL, ServerOptions.defaults()));
        servers.add(s);
        return s;
    }

    Server serve(ServerOptions options, StreamHandler handler) {
        Server s = run(Streams.serve(loop, LOCAL, options, handler));
        servers.add(s);
        return s;
    }

    static InetSocketAddress address(Server s) {
        return (InetSocketAddress) s.addresses().get(0);
    }

    static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A server-side {@link StreamProtocol} with a probe around it: it acknowledges each read
     * with one byte (so a peer that waits for the ack delivers each segment as its own read),
     * and records the reader's largest buffer.
     */
    static final class Probe implements Protocol {
        final StreamProtocol inner;
        final boolean ack;
        final Promise<Probe> made;
        Transport transport;
        int reads;
        int peakBuffered;

        Probe(StreamProtocol inner, boolean ack, Promise<Probe> made) {
            this.inner = inner;
            this.ack = ack;
            this.made = made;
        }

        StreamReader reader() {
            return inner.reader();
        }

        StreamWriter writer() {
            return inner.writer();
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            inner.connectionMade(t);
            made.complete(this);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            reads++;
            inner.dataReceived(data);
            peakBuffered = Math.max(peakBuffered, inner.reader().bufferedBytes());
            if (ack && !transport.isClosing()) {
                transport.write(new byte[] {ACK});
            }
        }

        @Override
        public boolean eofReceived() {
            return inner.eofReceived();
        }

        @Override
        public void connectionLost(Throwable cause) {
            inner.connectionLost(cause);
        }

        @Override
        public void pauseWriting() {
            inner.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            inner.resumeWriting();
        }
    }

    /** Listens with a {@link Probe} around a default {@link StreamProtocol}; the promise is the first connection's. */
    Promise<Probe> probeServer(boolean ack, java.util.function.Consumer<Server> bound) {
        Promise<Probe> made = loop.newPromise();
        Server s = listen(() -> new Probe(new StreamProtocol(), ack, made));
        bound.accept(s);
        return made;
    }

    /**
     * A blocking client on its own thread: sends each segment and waits for the probe's ack
     * before the next, then optionally shuts its output, then reads what else the server sends
     * until EOF. The promise holds those bytes.
     */
    Promise<byte[]> segmentedPeer(InetSocketAddress to, List<byte[]> segments, boolean eof) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("segmented-peer").start(() -> {
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.connect(to);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (byte[] seg : segments) {
                    out.write(seg);
                    out.flush();
                    int a = in.read();
                    if (a != ACK) {
                        throw new AssertionError("expected an ack, got " + a);
                    }
                }
                if (eof) {
                    s.shutdownOutput();
                }
                f.complete(in.readAllBytes());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return Promise.from(loop, f);
    }

    static List<byte[]> split(byte[] all, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < all.length; i += size) {
            out.add(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + size)));
        }
        return out;
    }
}
