package io.weft.internal.net;

import io.weft.future.Promise;
import io.weft.internal.io.Drivers;
import io.weft.internal.loop.Loop;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import io.weft.net.Protocol;
import io.weft.net.GroupServer;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One server spread over a {@link LoopGroup}: a {@link SocketServer} per loop.
 *
 * <p>Where the kernel has SO_REUSEPORT (Linux, the BSDs), every loop listens on its own socket
 * bound to the same port and the kernel spreads incoming connections over them: no loop hands
 * anything to another. Elsewhere (or for Unix domain sockets), the first loop accepts and hands
 * each socket to the next loop round robin. Either way a connection stays on the loop that got
 * it for its whole life. Methods may be called from any thread.
 */
public final class SpreadServer implements GroupServer {
    private final List<SocketServer> members;
    private final List<SocketAddress> addresses;
    private final Promise<Void> closed;
    private final boolean reusePort;

    private SpreadServer(List<SocketServer> members, List<SocketAddress> addresses, Promise<Void> closed,
            boolean reusePort) {
        this.members = members;
        this.addresses = addresses;
        this.closed = closed;
        this.reusePort = reusePort;
    }

    /**
     * Binds on every loop of {@code group}; blocks the calling thread (not a loop thread) until
     * all are listening, or fails with the first error after closing what was bound.
     */
    public static SpreadServer listen(LoopGroup group, Supplier<? extends Protocol> factory, SocketAddress address,
            ServerOptions options) throws IOException {
        return listen(group, loop -> factory, address, options);
    }

    /** Like {@link #listen(LoopGroup, Supplier, SocketAddress, ServerOptions)}, with a factory made per loop. */
    public static SpreadServer listen(LoopGroup group,
            Function<EventLoop, ? extends Supplier<? extends Protocol>> perLoop, SocketAddress address,
            ServerOptions options) throws IOException {
        List<EventLoop> loops = group.loops();
        boolean reusePort = address instanceof InetSocketAddress && Drivers.reusePortSupported();
        List<SocketServer> members = new ArrayList<>();
        try {
            if (reusePort) {
                ServerOptions shared = options.toBuilder().reusePort(true).build();
                SocketAddress bound = address;
                for (EventLoop loop : loops) {
                    SocketAddress at = bound;
                    SocketServer s = onLoop(loop, () -> SocketServer.listen(Loop.of(loop), perLoop.apply(loop), List.of(at), shared));
                    members.add(s);
                    bound = s.addresses().get(0); // port 0: the others take the port the first got
                }
            } else {
                for (int i = 1; i < loops.size(); i++) {
                    EventLoop loop = loops.get(i);
                    members.add(onLoop(loop, () -> SocketServer.listen(Loop.of(loop), perLoop.apply(loop), List.of(), options)));
                }
                EventLoop first = loops.get(0);
                SocketServer acceptor = onLoop(first, () -> SocketServer.listen(Loop.of(first), perLoop.apply(first), List.of(address),
                        options));
                members.add(0, acceptor);
                List<SocketServer> homes = List.copyOf(members);
                int[] turn = {0};
                onLoop(first, () -> {
                    acceptor.handOffTo(c -> {
                        int i = turn[0]++ % homes.size();
                        SocketServer home = homes.get(i);
                        if (i == 0) {
                            home.adopt(c);
                        } else {
                            loops.get(i).execute(() -> home.adopt(c));
                        }
                    });
                    return null;
                });
            }
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < members.size(); i++) {
                SocketServer s = members.get(i);
                loops.get(Math.min(i, loops.size() - 1)).execute(s::close);
            }
            throw e;
        }
        List<SocketAddress> addresses = members.get(0).addresses();
        Promise<Void> closed = loops.get(0).newPromise();
        List<Promise<Void>> each = new ArrayList<>();
        for (SocketServer s : members) {
            each.add(s.closed());
        }
        whenAllDone(each, () -> closed.complete(null));
        return new SpreadServer(List.copyOf(members), addresses, closed, reusePort);
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    /** Runs {@code call} on {@code loop}'s thread and waits for it. */
    private static <T> T onLoop(EventLoop loop, IoCall<T> call) throws IOException {
        // A promise rather than a CompletableFuture: under a simulation, whose one thread runs
        // every loop, its join runs the loops instead of blocking that thread.
        Promise<T> f = loop.submit(call::call);
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** Promises of different loops complete on different threads: count them atomically. */
    private static void whenAllDone(List<Promise<Void>> promises, Runnable then) {
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(promises.size());
        for (Promise<Void> p : promises) {
            p.whenComplete((v, e) -> {
                if (left.decrementAndGet() == 0) {
                    then.run();
                }
            });
        }
    }

    @Override
    public boolean usesReusePort() {
        return reusePort;
    }

    @Override
    public List<Integer> connectionCounts() {
        List<Integer> out = new ArrayList<>();
        for (SocketServer s : members) {
            out.add(s.connectionCount());
        }
        return out;
    }

    @Override
    public List<Long> acceptedTotals() {
        List<Long> out = new ArrayList<>();
        for (SocketServer s : members) {
            out.add(s.acceptedTotal());
        }
        return out;
    }

    @Override
    public List<SocketAddress> addresses() {
        return addresses;
    }

    @Override
    public int connectionCount() {
        int n = 0;
        for (SocketServer s : members) {
            n += s.connectionCount();
        }
        return n;
    }

    @Override
    public long bufferedBytes() {
        long n = 0;
        for (SocketServer s : members) {
            n += s.bufferedBytes();
        }
        return n;
    }

    @Override
    public void close() {
        for (SocketServer s : members) {
            s.loop().execute(s::close);
        }
    }

    @Override
    public Promise<Void> shutdown(Duration deadline) {
        for (SocketServer s : members) {
            s.loop().execute(() -> s.shutdown(deadline));
        }
        return closed;
    }

    @Override
    public Promise<Void> closed() {
        return closed;
    }

    @Override
    public String toString() {
        return "GroupServer" + addresses + (reusePort ? " (SO_REUSEPORT)" : " (one acceptor)") + " on "
                + members.size() + " loops";
    }
}
