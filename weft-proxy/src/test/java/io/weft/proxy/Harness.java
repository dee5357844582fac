package io.weft.proxy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.net.Relay;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** A loop on its own thread for a test, and the proxy events it saw. */
final class Harness implements AutoCloseable, ProxyEvents {
    final EventLoop loop;
    final List<ProxyHandshakeException> failures = new CopyOnWriteArrayList<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    final List<Relay> relays = new CopyOnWriteArrayList<>();
    final List<Relay> ended = new CopyOnWriteArrayList<>();

    /** On the preferred backend. */
    Harness() {
        this(null);
    }

    /** On {@code poller}; null: the preferred backend. */
    Harness(PollerKind poller) {
        LoopConfig.Builder b = LoopConfig.builder().threadName("proxy-test");
        loop = EventLoop.start((poller == null ? b : b.poller(poller)).build());
    }

    /** Runs {@code start} on the loop and waits (bounded) for its promise. */
    <T> T await(Supplier<Promise<T>> start) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> start.get().whenComplete((v, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(v);
            }
        }));
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Runs {@code r} on the loop and waits for it. */
    <T> T on(Supplier<T> r) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(r.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Waits (bounded, polling) until {@code condition} holds. */
    static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void clientRefused(SocketAddress client, String why) {
        refusals.add(why);
    }

    @Override
    public void handshakeFailed(SocketAddress client, ProxyHandshakeException error) {
        failures.add(error);
    }

    @Override
    public void tunnelOpened(SocketAddress client, SocketAddress upstream, Relay relay) {
        relays.add(relay);
    }

    @Override
    public void tunnelClosed(SocketAddress client, Relay relay) {
        ended.add(relay);
    }

    @Override
    public void close() {
        loop.close();
    }
}
