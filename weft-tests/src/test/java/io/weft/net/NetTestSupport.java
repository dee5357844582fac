package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.testkit.Backends;
import io.weft.testkit.EveryBackend;
import io.weft.testkit.FileDescriptors;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;

/**
 * What every transport test shares: a fresh loop per test whose exception handler records
 * instead of logging, protocols wrapped in {@link CheckedProtocol}, and a teardown that closes
 * what the test left open, then fails the test if any protocol saw calls out of order, any
 * callback threw, or any socket, pipe or epoll descriptor outlived the test.
 */
@EveryBackend
@Timeout(60)
abstract class NetTestSupport {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-watchdog");
        t.setDaemon(true);
        return t;
    });
    static final Duration AWAIT_LIMIT = Duration.ofSeconds(20);

    EventLoop loop;
    /** What reached the loop's exception handler: "context: error". */
    final List<String> reports = Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> reportedErrors = Collections.synchronizedList(new ArrayList<>());
    private final List<CheckedProtocol<?>> checked = new ArrayList<>();
    private final java.util.Set<CheckedProtocol<?>> handedOut = new java.util.HashSet<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private volatile boolean watchdogFired;
    private FileDescriptors.Snapshot ioFdsBefore;

    /** The backend under test, injected by {@link EveryBackend}. */
    @Parameter
    PollerKind backend;

    /** Override to configure the loop further (a clock). */
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b;
    }

    private static boolean warmedUp;

    /**
     * Once per JVM, before the first descriptor count: the JDK keeps a few descriptors for the
     * life of the process once some code path first needs them (the NIO dispatcher's
     * "pre-close" socket pair, for one). A round trip on each poller and a blocking socket makes
     * it open them now, so no test is blamed for them.
     */
    private static synchronized void warmUp() throws Exception {
        if (warmedUp) {
            return;
        }
        warmedUp = true;
        for (PollerKind kind : Backends.list()) {
            try (EventLoop l = EventLoop.create(LoopConfig.builder().poller(kind).build())) {
                Server s = l.runUntilComplete(Net.createServer(l, () -> new Recorder(l) {
                    @Override
                    public void dataReceived(java.nio.ByteBuffer data) {
                        t.write(data);
                        t.close();
                    }
                }, new InetSocketAddress("127.0.0.1", 0), ServerOptions.defaults()));
                Recorder c = l.runUntilComplete(Net.createConnection(l, () -> new Recorder(l) {
                    @Override
                    public void connectionMade(Transport transport) {
                        super.connectionMade(transport);
                        transport.write("warm".getBytes());
                    }
                }, address(s), ConnectOptions.defaults()));
                l.runUntilComplete(c.lost);
                l.runUntilComplete(s.shutdown(Duration.ZERO));
            }
            try (RawPeer ignored = RawPeer.connect(new InetSocketAddress("127.0.0.1", 9))) {
                // the discard port is almost certainly closed: the attempt is what matters
            } catch (java.io.IOException expected) {
                // refused
            }
        }
    }

    @BeforeEach
    final void openLoop() throws Exception {
        warmUp();
        ioFdsBefore = ioFds();
        loop = EventLoop.create(configure(LoopConfig.builder().poller(backend))
                .exceptionHandler((l, context, error) -> {
                    reports.add(context + ": " + error);
                    reportedErrors.add(error);
                })
                .build());
    }

    @AfterEach
    final void closeLoop() throws Exception {
        try {
            if (!loop.isClosed() && !watchdogFired) {
                List<Promise<?>> gone = new ArrayList<>();
                for (Server s : servers) {
                    gone.add(s.shutdown(Duration.ZERO));
                }
                for (CheckedProtocol<?> c : checked) {
                    if (c.transport() != null && !c.isLost()) {
                        c.transport().abort();
                    }
                    if (c.transport() != null) {
                        gone.add(c.lost());
                    }
                }
                await(Promise.all(loop, gone), Duration.ofSeconds(10));
            }
        } finally {
            for (AutoCloseable c : closeables) {
                c.close();
            }
            loop.close();
        }
        List<String> problems = new ArrayList<>();
        for (CheckedProtocol<?> c : checked) {
            if (c.transport() == null) {
                problems.add(c + ": created but never got connectionMade");
            }
            problems.addAll(c.problems().stream().map(p -> c + ": " + p).toList());
        }
        assertThat(problems).as("protocol call order").isEmpty();
        assertThat(reports).as("exceptions reported to the loop's handler").isEmpty();
        assertNoLeak(ioFdsBefore);
    }

    /**
     * The open sockets, pipes, epoll, eventfd and other descriptors that are not files: what a
     * transport, server or loop can leak. Files are left out because the JVM opens jars lazily
     * as classes load.
     */
    static FileDescriptors.Snapshot ioFds() {
        return FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
    }

    /** Fails if a socket/pipe/epoll descriptor is open that was not in {@code before}. */
    static void assertNoLeak(FileDescriptors.Snapshot before) {
        // A descriptor closed on another thread (a raw peer's reader) can take a moment.
        before.assertNoneLeaked(Duration.ofMillis(500));
    }

    // ---- helpers for tests ----

    /** A factory whose protocols are checked for call order and registered for teardown. */
    <P extends Protocol> Supplier<CheckedProtocol<P>> checked(Supplier<P> factory) {
        return () -> {
            CheckedProtocol<P> c = new CheckedProtocol<>(loop, factory.get());
            checked.add(c);
            return c;
        };
    }

    /** Every checked protocol made so far, in creation order. */
    List<CheckedProtocol<?>> checkedProtocols() {
        return List.copyOf(checked);
    }

    /**
     * Completes with the next checked protocol wrapping a {@code type} that got connectionMade
     * and was not handed out by an earlier call (polling once per loop turn: for server-side
     * protocols the test cannot otherwise reach).
     */
    @SuppressWarnings("unchecked")
    <P extends Protocol> Promise<CheckedProtocol<P>> made(Class<P> type) {
        Promise<CheckedProtocol<P>> p = loop.newPromise();
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            for (CheckedProtocol<?> c : checked) {
                if (type.isInstance(c.inner()) && c.transport() != null && handedOut.add(c)) {
                    p.complete((CheckedProtocol<P>) c);
                    return;
                }
            }
            loop.callSoon(poll[0]);
        };
        loop.callSoon(poll[0]);
        return p;
    }

    /**
     * Completes once {@code condition} holds, checking every few milliseconds of the loop's
     * clock: for state outside the loop (the kernel's socket table, another thread).
     */
    Promise<Void> until(java.util.function.BooleanSupplier condition) {
        Promise<Void> p = loop.newPromise();
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            if (condition.getAsBoolean()) {
                p.complete(null);
            } else {
                loop.callLater(Duration.ofMillis(2), check[0]);
            }
        };
        loop.callSoon(check[0]);
        return p;
    }

    /** A blocking call, run on a thread of its own while the loop goes on. */
    <T> Promise<T> offLoop(BlockingCall<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("test-blocking-call").start(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return Promise.from(loop, f);
    }

    interface BlockingCall<T> {
        T call() throws Exception;
    }

    /** A server on 127.0.0.1, any port, shut down at teardown. */
    Server server(Supplier<? extends Protocol> factory, ServerOptions options) {
        Server s = await(Net.createServer(loop, factory, new InetSocketAddress("127.0.0.1", 0), options));
        servers.add(s);
        return s;
    }

    static InetSocketAddress address(Server s) {
        return (InetSocketAddress) s.addresses().get(0);
    }

    /** Closes {@code c} at teardown (after the loop's connections, before the loop). */
    <C extends AutoCloseable> C closeLater(C c) {
        closeables.add(c);
        return c;
    }

    /** Runs the loop until {@code p} is done and returns its value (or throws its failure). */
    <T> T await(Promise<T> p) {
        return await(p, AWAIT_LIMIT);
    }

    /**
     * Like {@link #await(Promise)}, but stops the loop and fails after {@code limit} of real time,
     * whatever the loop's clock says.
     */
    <T> T await(Promise<T> p, Duration limit) {
        ScheduledFuture<?> dog = WATCHDOG.schedule(() -> {
            watchdogFired = true;
            loop.stop();
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return loop.runUntilComplete(p);
        } catch (IllegalStateException e) {
            if (watchdogFired) {
                throw new AssertionError("still waiting after " + limit.toSeconds() + " s for " + p, e);
            }
            throw e;
        } finally {
            dog.cancel(false);
        }
    }

    /** Runs the loop until {@code p} fails, and returns the failure. */
    Throwable awaitFailure(Promise<?> p) {
        try {
            Object v = await(p);
            throw new AssertionError("expected a failure, got " + v);
        } catch (CompletionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    /** Runs {@code turns} turns of the loop (a bounded chance for something wrong to happen). */
    void spin(int turns) {
        Promise<Void> done = loop.newPromise();
        spinThen(turns, done);
        await(done);
    }

    private void spinThen(int turns, Promise<Void> done) {
        if (turns == 0) {
            done.complete(null);
        } else {
            loop.callSoon(() -> spinThen(turns - 1, done));
        }
    }

    /** A promise completed on the loop after {@code d} of the loop's clock. */
    Promise<Void> after(Duration d) {
        Promise<Void> p = loop.newPromise();
        loop.callLater(d, () -> p.complete(null));
        return p;
    }

    /** Takes the reports so far (so teardown does not count them as unexpected). */
    List<String> takeReports() {
        synchronized (reports) {
            List<String> r = List.copyOf(reports);
            reports.clear();
            reportedErrors.clear();
            return r;
        }
    }

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }
}
