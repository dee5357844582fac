package io.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.Handle;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.testkit.Loopback.SocketPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;

/**
 * The readiness behaviour every backend must show through the event loop's
 * {@code addReader}/{@code addWriter}, on real TCP sockets on loopback. Written once and run on
 * every backend that works here ({@link EveryBackend}); a subclass need add nothing:
 *
 * <pre>{@code
 * class PollerContractTest extends PollerContract {
 * }
 * }</pre>
 *
 * <p>Each test makes its own loop on the test's thread, with an auto-jumping {@link ManualClock}
 * that waits {@link #QUIET} of real time for I/O first: "no callback before the data arrives"
 * is checked with the loop really blocked in the kernel, and no test waits for a timer.
 * Several tests count file descriptors, so the suite should not run in parallel with others.
 *
 * <p>The timeout runs each test on the thread of its teardown (JUnit's SAME_THREAD mode): an
 * io_uring loop's ring is bound (SINGLE_ISSUER) to the thread that first ran it, and only that
 * thread can drain it at close. Every wait in a test is bounded by {@link #LIMIT} anyway.
 */
@EveryBackend
@Timeout(value = 30)
public abstract class PollerContract {
    /** Real time an idle loop waits in the kernel for readiness that must not come. */
    protected static final Duration QUIET = Duration.ofMillis(20);
    /** Real time a test waits at most for readiness that must come. */
    protected static final Duration LIMIT = Duration.ofSeconds(10);

    private final ExceptionRecorder errors = new ExceptionRecorder();
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** The backend under test, injected by {@link EveryBackend}. */
    @Parameter
    protected PollerKind backend;

    /** The backend under test. */
    protected PollerKind pollerKind() {
        return backend;
    }

    /** The configuration of the loops the tests make; override to test a variant. */
    protected LoopConfig config() {
        return LoopConfig.builder()
                .poller(pollerKind())
                .clock(ManualClock.autoJump(QUIET))
                .exceptionHandler(errors)
                .threadName("poller-contract-" + pollerKind())
                .build();
    }

    @AfterEach
    public void closeResources() throws Exception {
        Exception failure = null;
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        resources.clear();
        if (failure != null) {
            throw failure;
        }
        errors.assertNone();
    }

    // ---- readers ----

    @Test
    public void readerFiresWhenDataArrivesAndNotBefore() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        TextReader reader = new TextReader(s.server());
        loop.addReader(s.server(), reader);

        idle(loop);
        assertThat(reader.calls).as("reader calls while no data was sent").isZero();

        write(s.client(), "ping");
        assertThat(run(loop, reader.until(loop, "ping"))).isEqualTo("ping");
        idle(loop);
        assertThat(reader.calls).as("reader calls for one read of 'ping', then nothing left to read").isEqualTo(1);
    }

    @Test
    public void readerIsCalledAgainWhileDataIsUnread() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        AtomicInteger calls = new AtomicInteger();
        Promise<Void> thirdCall = loop.newPromise();
        loop.addReader(s.server(), () -> {
            if (calls.incrementAndGet() == 3) {
                thirdCall.complete(null);
            }
        });
        write(s.client(), "unread");
        // Level-triggered: readiness that was reported and not consumed is reported again.
        run(loop, thirdCall);
        assertThat(calls.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    public void removeReaderStopsCallbacks() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean removed = new AtomicBoolean();
        Promise<Void> firstCall = loop.newPromise();
        loop.addReader(s.server(), () -> {
            calls.incrementAndGet();
            removed.set(loop.removeReader(s.server()));
            firstCall.complete(null);
        });
        write(s.client(), "unread");
        run(loop, firstCall);

        // The data is still unread: a reader still registered would end this wait at once.
        idle(loop);
        assertThat(calls).hasValue(1);
        assertThat(removed).as("removeReader() of a registered reader").isTrue();
        assertThat(loop.removeReader(s.server())).as("removeReader() a second time").isFalse();
        assertThat(loop.stats().registeredChannels()).isZero();
    }

    @Test
    public void addingAReaderAgainReplacesTheFirst() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        AtomicInteger firstCalls = new AtomicInteger();
        Handle first = loop.addReader(s.server(), firstCalls::incrementAndGet);
        TextReader second = new TextReader(s.server());
        Handle secondHandle = loop.addReader(s.server(), second);

        assertThat(first.isCancelled()).as("the replaced reader's handle is cancelled").isTrue();
        first.cancel(); // must not take the replacement with it
        write(s.client(), "x");
        assertThat(run(loop, second.until(loop, "x"))).isEqualTo("x");
        assertThat(firstCalls).hasValue(0);
        assertThat(secondHandle.isCancelled()).isFalse();
        assertThat(loop.stats().registeredChannels()).isEqualTo(1);
    }

    @Test
    public void cancellingAReaderHandleStopsCallbacks() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        AtomicInteger calls = new AtomicInteger();
        Handle h = loop.addReader(s.server(), calls::incrementAndGet);
        h.cancel();
        write(s.client(), "x");

        idle(loop);
        assertThat(calls).as("calls of a cancelled reader").hasValue(0);
        assertThat(h.isCancelled()).isTrue();
        assertThat(loop.stats().registeredChannels()).isZero();
        assertThat(loop.removeReader(s.server())).isFalse();
        // The data was there all along: a new reader sees it.
        TextReader again = new TextReader(s.server());
        loop.addReader(s.server(), again);
        assertThat(run(loop, again.until(loop, "x"))).isEqualTo("x");
    }

    @Test
    public void cancellingAReaderHandleFromAnotherThreadStopsCallbacks() throws Exception {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        AtomicInteger calls = new AtomicInteger();
        Handle h = loop.addReader(s.server(), calls::incrementAndGet);
        Thread canceller = Thread.ofPlatform().start(h::cancel);
        canceller.join();
        write(s.client(), "x");

        idle(loop);
        assertThat(calls).as("calls of a reader cancelled from another thread").hasValue(0);
        assertThat(loop.stats().registeredChannels()).isZero();
    }

    // ---- writers ----

    @Test
    public void writerFiresOnAWritableSocket() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        Promise<Integer> written = loop.newPromise();
        loop.addWriter(s.client(), () -> {
            loop.removeWriter(s.client());
            written.complete(writeSome(s.client(), "hello"));
        });
        assertThat(run(loop, written)).isEqualTo(5);
        assertThat(readBlocking(s.server(), 5)).isEqualTo("hello");
    }

    @Test
    public void removeWriterStopsCallbacks() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean removed = new AtomicBoolean();
        Promise<Void> thirdCall = loop.newPromise();
        loop.addWriter(s.client(), () -> {
            if (calls.incrementAndGet() == 3) {
                removed.set(loop.removeWriter(s.client()));
                thirdCall.complete(null);
            }
        });
        run(loop, thirdCall); // called again and again while writable
        assertThat(calls).hasValue(3);
        assertThat(removed).as("removeWriter() of a registered writer").isTrue();

        idle(loop); // an always-writable socket would end this wait at once if still watched
        assertThat(calls).as("calls after removeWriter()").hasValue(3);
        assertThat(loop.removeWriter(s.client())).as("removeWriter() a second time").isFalse();
        assertThat(loop.stats().registeredChannels()).isZero();
    }

    @Test
    public void readerAndWriterOnTheSameChannelAreIndependent() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        AtomicInteger writerCalls = new AtomicInteger();
        TextReader reader = new TextReader(s.client());
        loop.addWriter(s.client(), writerCalls::incrementAndGet);
        loop.addReader(s.client(), reader);
        assertThat(loop.stats().registeredChannels()).isEqualTo(1);

        write(s.server(), "a");
        assertThat(run(loop, reader.until(loop, "a"))).isEqualTo("a");
        assertThat(writerCalls.get()).as("writer calls while the reader waited").isPositive();

        assertThat(loop.removeWriter(s.client())).isTrue();
        int writes = writerCalls.get();
        write(s.server(), "b");
        assertThat(run(loop, reader.until(loop, "ab"))).isEqualTo("ab");
        assertThat(writerCalls).as("writer calls after removeWriter()").hasValue(writes);
        assertThat(loop.stats().registeredChannels()).isEqualTo(1);

        assertThat(loop.removeReader(s.client())).isTrue();
        assertThat(loop.stats().registeredChannels()).isZero();
    }

    // ---- accepting and connecting ----

    @Test
    public void serverChannelReaderFiresWhenAConnectionCanBeAccepted() throws IOException {
        EventLoop loop = newLoop();
        ServerSocketChannel server = track(Loopback.listen());
        AtomicInteger calls = new AtomicInteger();
        Promise<SocketChannel> accepted = loop.newPromise();
        loop.addReader(server, () -> {
            calls.incrementAndGet();
            SocketChannel c = io(server::accept);
            if (c != null) {
                track(c);
                accepted.complete(c);
            }
        });
        idle(loop);
        assertThat(calls).as("reader calls with nobody connecting").hasValue(0);

        SocketChannel client = track(SocketChannel.open(server.getLocalAddress()));
        SocketChannel peer = run(loop, accepted);
        assertThat(peer.getRemoteAddress()).isEqualTo(client.getLocalAddress());
    }

    @Test
    public void writerFiresWhenAConnectCompletes() throws IOException {
        EventLoop loop = newLoop();
        ServerSocketChannel server = track(Loopback.listen());
        SocketChannel client = track(SocketChannel.open());
        client.configureBlocking(false);
        client.connect(server.getLocalAddress()); // usually still pending on return; either way the writer fires
        Promise<Boolean> connected = loop.newPromise();
        loop.addWriter(client, () -> {
            loop.removeWriter(client);
            connected.complete(io(client::finishConnect));
        });
        assertThat(run(loop, connected)).as("finishConnect() in the writer callback").isTrue();
        assertThat(client.isConnected()).isTrue();
    }

    // ---- re-arming and end of stream ----

    @Test
    public void readerRemovedAndAddedAgainInTheSameTurnStillFires() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        TextReader second = new TextReader(s.server());
        AtomicInteger firstCalls = new AtomicInteger();
        loop.addReader(s.server(), () -> {
            // Leave the data unread, swap readers within this one callback.
            firstCalls.incrementAndGet();
            loop.removeReader(s.server());
            loop.addReader(s.server(), second);
        });
        write(s.client(), "swap");
        assertThat(run(loop, second.until(loop, "swap"))).isEqualTo("swap");
        assertThat(firstCalls).hasValue(1);
        assertThat(loop.stats().registeredChannels()).isEqualTo(1);
    }

    @Test
    public void peerCloseMakesTheReaderFireWithEndOfStream() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        TextReader reader = new TextReader(s.server());
        loop.addReader(s.server(), reader);
        write(s.client(), "bye");
        s.client().close();

        assertThat(run(loop, reader.untilEndOfStream(loop))).isEqualTo("bye");
        assertThat(reader.endOfStream).as("read() returned -1").isTrue();
    }

    // ---- scale ----

    @Test
    public void fiveHundredSocketsAtOnce() throws IOException {
        int n = 500;
        EventLoop loop = newLoop();
        List<SocketPair> pairs = Loopback.pairs(n);
        pairs.forEach(this::track);
        int[] received = new int[n];
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger remaining = new AtomicInteger(n);
        Promise<Void> all = loop.newPromise();
        for (int i = 0; i < n; i++) {
            int id = i;
            SocketChannel ch = pairs.get(i).server();
            loop.addReader(ch, () -> {
                calls.incrementAndGet();
                ByteBuffer b = ByteBuffer.allocate(1);
                if (io(() -> ch.read(b)) == 1) {
                    received[id] = b.get(0) & 0xff;
                    loop.removeReader(ch);
                    if (remaining.decrementAndGet() == 0) {
                        all.complete(null);
                    }
                }
            });
        }
        assertThat(loop.stats().registeredChannels()).isEqualTo(n);
        idle(loop);
        assertThat(calls).as("reader calls before any data was sent").hasValue(0);

        for (int i = 0; i < n; i++) {
            pairs.get(i).client().write(ByteBuffer.wrap(new byte[] {(byte) (i % 251)}));
        }
        run(loop, all);
        for (int i = 0; i < n; i++) {
            assertThat(received[i]).as("byte received on socket %d", i).isEqualTo(i % 251);
        }
        assertThat(calls).as("reader calls, one per socket").hasValue(n);
        assertThat(loop.stats().registeredChannels()).isZero();
    }

    // ---- closing ----

    @Test
    public void closeReleasesTheLoopsFileDescriptorsAndRegistrations() throws IOException {
        SocketPair s = pair();
        ServerSocketChannel server = track(Loopback.listen());
        int before = FileDescriptors.count();
        FileDescriptors.assertNoLeak(() -> {
            EventLoop loop = EventLoop.create(config());
            try {
                loop.addReader(s.server(), () -> { });
                loop.addWriter(s.client(), () -> { });
                loop.addReader(server, () -> { });
                Loops.runTurns(loop, 2);
                assertThat(FileDescriptors.count()).as("fds while the loop is open").isGreaterThan(before);
            } finally {
                loop.close();
            }
        });
        // The channels are free for another loop.
        EventLoop next = newLoop();
        TextReader reader = new TextReader(s.server());
        next.addReader(s.server(), reader);
        write(s.client(), "again");
        assertThat(run(next, reader.until(next, "again"))).isEqualTo("again");
    }

    @Test
    public void channelsClosedWhileRegisteredAreReleasedWhenTheLoopCloses() throws IOException {
        FileDescriptors.assertNoLeak(() -> {
            EventLoop loop = EventLoop.create(config());
            try (SocketPair s = Loopback.pair(); ServerSocketChannel server = Loopback.listen()) {
                loop.addReader(s.server(), () -> { });
                loop.addWriter(s.client(), () -> { });
                loop.addReader(server, () -> { });
                Loops.runTurns(loop, 2);
            } finally {
                loop.close();
            }
        });
    }

    @Test
    public void channelClosedAfterItsReaderWasRemovedIsReleasedWhileTheLoopRuns() throws IOException {
        EventLoop loop = newLoop();
        Loops.runTurns(loop, 1);
        FileDescriptors.assertNoLeak(() -> {
            try (SocketPair s = Loopback.pair()) {
                loop.addReader(s.server(), () -> { });
                loop.addWriter(s.client(), () -> { });
                Loops.runTurns(loop, 2);
                loop.removeReader(s.server());
                loop.removeWriter(s.client());
            }
            idle(loop); // the loop keeps running; its next wait in the kernel lets the closes finish
        });
    }

    @Test
    public void aChannelClosedAfterItsReaderWasRemovedIsClosedForItsPeer() throws IOException {
        EventLoop loop = newLoop();
        SocketPair s = pair();
        loop.addReader(s.server(), () -> { }); // nothing to read: the backend watches, waiting
        Loops.runTurns(loop, 2);
        assertThat(loop.removeReader(s.server())).isTrue();
        s.server().close();

        // Nothing of the backend's watch may keep the connection open: the peer reads its end.
        TextReader peer = new TextReader(s.client());
        loop.addReader(s.client(), peer);
        assertThat(run(loop, peer.untilEndOfStream(loop))).isEmpty();
        assertThat(peer.endOfStream).isTrue();
    }

    @Test
    public void channelsWatchedAndClosedOneAfterAnotherLeaveNothingBehind() throws IOException {
        EventLoop loop = newLoop();
        Loops.runTurns(loop, 1);
        FileDescriptors.assertNoLeak(() -> {
            for (int i = 0; i < 200; i++) {
                String text = "n" + i;
                try (SocketPair s = Loopback.pair()) {
                    TextReader reader = new TextReader(s.server());
                    loop.addReader(s.server(), reader);
                    loop.addWriter(s.client(), () -> { });
                    write(s.client(), text);
                    assertThat(run(loop, reader.until(loop, text))).isEqualTo(text);
                    loop.removeWriter(s.client());
                    if (i % 2 == 0) {
                        loop.removeReader(s.server()); // removed, then closed
                    } else {
                        s.server().close(); // closed (its number free for the next pair), then removed
                        assertThat(loop.removeReader(s.server())).as("removeReader() of a closed channel").isTrue();
                    }
                }
            }
            idle(loop);
        });
        assertThat(loop.stats().registeredChannels()).isZero();
    }

    // ---- helpers ----

    /** A loop for this test, closed after it. */
    protected final EventLoop newLoop() {
        return track(EventLoop.create(config()));
    }

    /** Closes {@code resource} after the test. */
    protected final <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private SocketPair pair() throws IOException {
        return track(Loopback.pair());
    }

    /**
     * Runs {@code loop} while it has nothing to do: it blocks in the kernel for {@link #QUIET}
     * of real time, then its clock jumps to a timer that ends the run. Readiness that must not
     * be reported has that long to show up.
     */
    private static void idle(EventLoop loop) {
        Promise<Void> done = loop.newPromise();
        loop.callLater(Duration.ofSeconds(1), () -> done.complete(null));
        run(loop, done);
    }

    private static <T> T run(EventLoop loop, Promise<T> p) {
        return Loops.runUntilComplete(loop, p, LIMIT);
    }

    private static void write(SocketChannel ch, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            ch.write(b); // tiny writes: a loopback socket's send buffer takes them at once
        }
    }

    private static int writeSome(SocketChannel ch, String text) {
        return io(() -> ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII))));
    }

    private static String readBlocking(SocketChannel ch, int bytes) throws IOException {
        ch.configureBlocking(true);
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining() && ch.read(b) >= 0) {
            // a blocking read returns what has arrived; loop until all of it has
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    /** Runs an I/O call inside a callback, where checked exceptions cannot go. */
    private static <T> T io(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
