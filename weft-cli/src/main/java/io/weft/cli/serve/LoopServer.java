package io.weft.cli.serve;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import io.weft.net.GroupServer;
import io.weft.loop.TimerHandle;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A {@link Server} on an event loop with a thread of its own (or on a {@link LoopGroup} of
 * {@link ServeOptions#loops()} loops, each listening with SO_REUSEPORT), behind a blocking start/stop API
 * for commands and tests: {@link #start} returns once the server listens, {@link #shutdown}
 * once its connections are gone, {@link #close} once the loop thread has ended.
 *
 * <p>Threads: every method may be called from any thread except the loop's own, because they
 * wait for the loop. The example's state stays on the loop thread; {@link #onLoop} is how
 * another thread looks at it.
 */
public final class LoopServer implements AutoCloseable {
    /** Resolving the host happens off the loop and may be slow, but not this slow. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** How long past the shutdown deadline a stop waits for the loop before giving up. */
    private static final Duration STOP_SLACK = Duration.ofSeconds(5);

    private final EventLoop loop; // the first of loops
    private final List<EventLoop> loops;
    private final LoopGroup group; // null when serving on one loop
    private final Server server;
    private final ServeOptions options;
    private Shutdown shutdown; // guarded by this

    /** What a graceful shutdown found: connections open when it began, and how many of them it cut. */
    public record Shutdown(int open, int cut) {
    }

    /** Runs on the loop thread before the server listens, and makes the protocol factory. */
    @FunctionalInterface
    public interface SetUp {
        Supplier<? extends Protocol> onLoop(EventLoop loop) throws StartException;
    }

    /**
     * Runs on the loop thread and starts listening however it likes (a green thread with a
     * {@link io.weft.green.GreenServerSocket}, say): the promise completes with the server once
     * it listens.
     */
    @FunctionalInterface
    public interface Listen {
        Promise<? extends Server> onLoop(EventLoop loop) throws Exception;
    }

    private LoopServer(EventLoop loop, Server server, ServeOptions options) {
        this(List.of(loop), null, server, options);
    }

    private LoopServer(List<EventLoop> loops, LoopGroup group, Server server, ServeOptions options) {
        this.loop = loops.getFirst();
        this.loops = loops;
        this.group = group;
        this.server = server;
        this.options = options;
    }

    /**
     * Starts a loop on its own thread, runs {@code setUp} there, and listens with the protocols it
     * makes. Returns once listening; on failure nothing is left running.
     *
     * @throws StartException the poller does not open, the host does not resolve, the address is
     *                        taken, or {@code setUp} refused
     */
    public static LoopServer start(ServeOptions options, SetUp setUp) throws StartException {
        if (options.loops() > 1) {
            return startGroup(options, setUp);
        }
        return listen(options, loop -> Net.createServer(loop, setUp.onLoop(loop), options.host(), options.port(), options.server()));
    }

    /**
     * Starts a loop on its own thread and runs {@code listen} there. Returns once listening; on
     * failure nothing is left running.
     *
     * @throws StartException as {@link #start}
     */
    public static LoopServer listen(ServeOptions options, Listen listen) throws StartException {
        EventLoop loop;
        try {
            loop = EventLoop.start(options.loop());
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StartException("cannot start an event loop with the " + options.loop().poller().configName()
                    + " poller: " + cause.getMessage(), e);
        }
        CompletableFuture<Server> listening = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                listen.onLoop(loop).whenComplete((s, e) -> {
                            if (e == null) {
                                listening.complete(s);
                            } else {
                                listening.completeExceptionally(e);
                            }
                        });
            } catch (Throwable e) {
                listening.completeExceptionally(e);
            }
        });
        try {
            return new LoopServer(loop, listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), options);
        } catch (ExecutionException e) {
            loop.close();
            throw asStartException(options, e.getCause());
        } catch (TimeoutException e) {
            loop.close();
            throw new StartException("not listening on " + options.host() + " after " + Durations.format(START_TIMEOUT)
                    + ": is resolving '" + options.host() + "' hanging?");
        } catch (InterruptedException e) {
            loop.close();
            Thread.currentThread().interrupt();
            throw new StartException("interrupted while starting", e);
        }
    }

    /**
     * {@code options.loops()} loops, each listening on its own SO_REUSEPORT socket, {@code setUp}
     * run once on each: a connection gets the protocol of the loop it lands on, and stays there.
     */
    private static LoopServer startGroup(ServeOptions options, SetUp setUp) throws StartException {
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(options.host()), options.port());
        } catch (UnknownHostException e) {
            throw asStartException(options, e);
        }
        LoopGroup group;
        try {
            group = LoopGroup.start(options.loops(), options.loop());
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StartException("cannot start " + options.loops() + " event loops with the "
                    + options.loop().poller().configName() + " poller: " + cause.getMessage(), e);
        }
        List<EventLoop> loops = group.loops();
        try {
            List<Supplier<? extends Protocol>> factories = new ArrayList<>();
            for (EventLoop l : loops) {
                factories.add(onLoop(l, () -> setUp.onLoop(l)));
            }
            Supplier<Protocol> factory = () -> {
                for (int i = 0; i < loops.size(); i++) {
                    if (loops.get(i).inLoop()) {
                        return factories.get(i).get();
                    }
                }
                throw new WrongThreadException("a protocol is asked for outside the group's loops");
            };
            return new LoopServer(loops, group, Net.createServer(group, factory, address, options.server()), options);
        } catch (IOException | RuntimeException e) {
            group.close();
            throw asStartException(options, e instanceof IllegalStateException && e.getCause() != null ? e.getCause() : e);
        }
    }

    private static StartException asStartException(ServeOptions options, Throwable cause) {
        if (cause instanceof StartException s) {
            return s;
        }
        if (cause instanceof UnknownHostException) {
            return new StartException("cannot listen on '" + options.host() + "': no such host", cause);
        }
        if (cause instanceof IOException) {
            return new StartException(cause.getMessage(), cause);
        }
        return new StartException("cannot listen on " + options.host() + ":" + options.port() + ": " + cause, cause);
    }

    /** The loop the server runs on. */
    public EventLoop loop() {
        return loop;
    }

    /** Every address listened on, with the real port when port 0 was asked for. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (SocketAddress a : server.addresses()) {
            if (a instanceof InetSocketAddress i) {
                out.add(i);
            }
        }
        return out;
    }

    /** The first address listened on: where a client on this machine should connect. */
    public InetSocketAddress address() {
        return addresses().getFirst();
    }

    /** The addresses for people: {@code 127.0.0.1:7007}, {@code [::1]:7007}, comma-separated. */
    public String describeAddresses() {
        List<String> parts = new ArrayList<>();
        for (InetSocketAddress a : addresses()) {
            String host = a.getAddress().getHostAddress();
            parts.add((host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
        }
        return String.join(", ", parts);
    }

    /** Connections open now. */
    public int connectionCount() {
        return server.connectionCount();
    }

    /** Bytes buffered for output across all connections now (read on the loop). */
    public long bufferedBytes() {
        return onLoop(server::bufferedBytes);
    }

    /** Runs {@code task} on the (first) loop thread and returns its result, waiting for it. */
    public <T> T onLoop(Callable<T> task) {
        return onLoop(loop, task);
    }

    /** Runs {@code task} on every loop, one after the other, and returns their results in loop order. */
    public <T> List<T> onEachLoop(Callable<T> task) {
        List<T> out = new ArrayList<>();
        for (EventLoop l : loops) {
            out.add(onLoop(l, task));
        }
        return out;
    }

    /** The loops serving, in a fixed order (one unless {@link ServeOptions#loops()} says more). */
    public List<EventLoop> loops() {
        return loops;
    }

    /**
     * Connections accepted per loop so far, in loop order: a single number with one loop.
     * For the summary's "per loop" line.
     */
    public List<Long> acceptedPerLoop() {
        if (server instanceof GroupServer g) {
            return g.acceptedTotals();
        }
        return List.of();
    }

    private static <T> T onLoop(EventLoop loop, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("task on " + loop + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(loop + " did not run a task within " + Durations.format(START_TIMEOUT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + loop, e);
        }
    }

    /**
     * Graceful shutdown: runs {@code lastWords} on every loop (a goodbye to clients, say), stops
     * accepting, closes every connection after flushing it, and cuts those still open at the
     * shutdown deadline. Returns when no connection is left, or a few seconds past the deadline
     * if the loop is stuck. The loop keeps running; {@link #close()} ends it. Later calls return
     * the first call's result.
     */
    public synchronized Shutdown shutdown(Runnable lastWords) {
        if (shutdown != null) {
            return shutdown;
        }
        Duration deadline = options.shutdownDeadline();
        CompletableFuture<Shutdown> done = new CompletableFuture<>();
        for (EventLoop other : loops.subList(1, loops.size())) {
            // Before the shutdown below reaches that loop: execute is FIFO per loop.
            other.execute(() -> {
                try {
                    lastWords.run();
                } catch (RuntimeException e) {
                    other.reportException("last words before shutting down " + server, e);
                }
            });
        }
        loop.execute(() -> {
            try {
                lastWords.run();
            } catch (RuntimeException e) {
                loop.reportException("last words before shutting down " + server, e);
            }
            int open = server.connectionCount();
            int[] cut = {0};
            // Scheduled before Server.shutdown schedules its own deadline timer: timers due at
            // the same time run in scheduling order, so this one still sees who is about to be cut.
            TimerHandle count = loop.callLater(deadline, () -> cut[0] = server.connectionCount());
            server.shutdown(deadline).whenComplete((v, e) -> {
                count.cancel();
                done.complete(new Shutdown(open, cut[0]));
            });
        });
        try {
            shutdown = done.get(deadline.plus(STOP_SLACK).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            int left = server.connectionCount();
            shutdown = new Shutdown(left, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            int left = server.connectionCount();
            shutdown = new Shutdown(left, left);
        }
        return shutdown;
    }

    /** {@link #shutdown} if that has not happened, then stops the loop and waits for its thread. */
    @Override
    public void close() {
        shutdown(() -> { });
        if (group != null) {
            group.close();
        } else {
            loop.close();
        }
    }
}
