package io.weft.testkit.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that injects faults, for tests (like toxiproxy, in-process): it
 * listens on {@code 127.0.0.1} on a port the kernel picks, opens a connection to the upstream
 * for each client it accepts, and forwards bytes both ways through the {@link Toxics} of that
 * direction: {@link #toUpstream()} for what the client sends, {@link #toClient()} for what the
 * upstream answers. Change them at any time; open connections follow at once.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(server.address())) {
 *     proxy.toClient().resetAfter(10_000);       // the answer is cut by a RST after 10 kB
 *     connect(proxy.address()) ...
 * }
 * }</pre>
 *
 * <p><b>Built on plain JDK blocking sockets, two threads per connection</b>, not on Weft: the
 * proxy is the instrument that tests Weft, so it must not share Weft's failure modes (a bug in
 * the loop under test must not stall the proxy too), and blocking I/O turns each fault into a
 * few obvious lines (sleep, then write) while passing TCP back-pressure through unchanged.
 *
 * <p><b>Bounds.</b> At most {@link Builder#maxConnections} connections at once (default 64);
 * one over that is closed as soon as it is accepted and counted in
 * {@link #refusedConnections()}. Each direction holds at most one chunk of 16 KiB.
 *
 * <p><b>Closing</b> ({@link #close()}) stops listening, closes every connection (FIN), and waits
 * for every thread the proxy started to end; afterwards the proxy holds no socket and no
 * thread. If a thread does not end within 5 seconds, close throws {@link IllegalStateException}
 * naming it. Thread-safe; {@code close} is idempotent.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(5);

    private final InetSocketAddress upstream;
    private final long seed;
    private final int maxConnections;
    private final int socketBuffer;
    private final int connectTimeoutMillis;
    private final ServerSocket server;
    private final Toxics toUpstream = new Toxics("client to upstream");
    private final Toxics toClient = new Toxics("upstream to client");
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean closed;

    private FaultProxy(Builder b) throws IOException {
        this.upstream = b.upstream;
        this.seed = b.seed;
        this.maxConnections = b.maxConnections;
        this.socketBuffer = b.socketBuffer;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, b.connectTimeout.toMillis());
        ServerSocket s = new ServerSocket();
        try {
            if (socketBuffer > 0) {
                s.setReceiveBufferSize(socketBuffer); // before bind, so accepted sockets get it from the SYN on
            }
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        this.server = s;
    }

    /** A proxy to {@code upstream} with the defaults, listening already. */
    public static FaultProxy start(InetSocketAddress upstream) throws IOException {
        return to(upstream).start();
    }

    /** A builder for a proxy to {@code upstream}. */
    public static Builder to(InetSocketAddress upstream) {
        return new Builder(upstream);
    }

    /** Where clients connect: 127.0.0.1 and the proxy's port. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The address the proxy forwards to. */
    public InetSocketAddress upstream() {
        return upstream;
    }

    /** The faults on what clients send. */
    public Toxics toUpstream() {
        return toUpstream;
    }

    /** The faults on what the upstream sends back. */
    public Toxics toClient() {
        return toClient;
    }

    /** Connections accepted and not yet ended. */
    public int openConnections() {
        return links.size();
    }

    /** Connections accepted in all, refused ones excluded. */
    public int acceptedConnections() {
        return ids.get();
    }

    /** Connections closed on arrival because {@link Builder#maxConnections} were open. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Resets (RST) every open connection now, both sides; new ones are still accepted. */
    public void resetConnections() {
        for (Link l : List.copyOf(links)) {
            l.reset();
        }
    }

    private void start() {
        Thread t = Thread.ofPlatform().daemon().name("fault-proxy-" + port() + "-accept").unstarted(this::acceptLoop);
        synchronized (threads) {
            threads.add(t);
            t.start();
        }
    }

    private void acceptLoop() {
        try {
            while (!closed) {
                Socket c;
                try {
                    c = server.accept();
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                    continue; // one client's failure (reset before accept, say) is not the proxy's
                }
                admit(c);
            }
        } finally {
            threads.remove(Thread.currentThread());
        }
    }

    private void admit(Socket c) {
        try {
            if (closed || links.size() >= maxConnections) {
                refused.incrementAndGet();
                c.close();
                return;
            }
            tune(c, socketBuffer);
        } catch (IOException e) {
            closeQuietly(c);
            return;
        }
        Link link = new Link(this, ids.getAndIncrement(), c);
        links.add(link);
        if (!startThread(() -> link.run(upstream, connectTimeoutMillis, socketBuffer, seed),
                "fault-proxy-" + port() + "-" + link.id() + "-to-upstream")) {
            link.close();
            links.remove(link);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Starts a daemon thread the proxy waits for on close; false if closing already. */
    boolean startThread(Runnable r, String name) {
        Thread t = Thread.ofPlatform().daemon().name(name).unstarted(() -> {
            try {
                r.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        synchronized (threads) { // started under the lock: close() must never find one it cannot join
            if (closed) {
                return false;
            }
            threads.add(t);
            t.start();
        }
        return true;
    }

    void linkEnded(Link link) {
        links.remove(link);
    }

    static void tune(Socket s, int socketBuffer) throws SocketException {
        s.setTcpNoDelay(true); // forward small chunks as they come, not after Nagle's wait
        if (socketBuffer > 0) {
            s.setReceiveBufferSize(socketBuffer);
            s.setSendBufferSize(socketBuffer);
        }
    }

    /**
     * Stops listening, closes every connection and waits for the proxy's threads to end.
     *
     * @throws IllegalStateException if a thread is still running after 5 seconds
     */
    @Override
    public void close() {
        synchronized (threads) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Link l : List.copyOf(links)) {
            l.close();
        }
        long deadline = System.nanoTime() + STOP_PATIENCE.toNanos();
        List<Thread> stuck = new ArrayList<>();
        for (Thread t : List.copyOf(threads)) {
            t.interrupt(); // out of a latency or bandwidth sleep; closed sockets end the reads
            try {
                if (!t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    stuck.add(t);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stuck.add(t);
                break;
            }
        }
        links.clear();
        if (!stuck.isEmpty()) {
            throw new IllegalStateException("fault proxy threads did not stop within " + STOP_PATIENCE.toSeconds()
                    + " s: " + stuck);
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + address() + " -> " + upstream + ", " + links.size() + " open, " + toUpstream + ", "
                + toClient + "]";
    }

    /** How a {@link FaultProxy} is set up. Not thread-safe; {@link #start()} once. */
    public static final class Builder {
        private final InetSocketAddress upstream;
        private long seed = 14;
        private int maxConnections = 64;
        private int socketBuffer;
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder(InetSocketAddress upstream) {
            this.upstream = Objects.requireNonNull(upstream, "upstream");
        }

        /** The seed of the random source that draws jitter (default 14): same seed, same delays. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The most connections open at once (default 64). */
        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnections must be positive, got " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /**
         * SO_RCVBUF and SO_SNDBUF of the proxy's sockets, bytes (default: the kernel's). Small
         * buffers make back-pressure reach the sender after fewer bytes, as on a slow link.
         */
        public Builder socketBufferSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("socketBufferSize must be >= 0 (0: the kernel's), got " + bytes);
            }
            this.socketBuffer = bytes;
            return this;
        }

        /** How long the proxy waits for the upstream to accept (default 10 s); then it resets the client. */
        public Builder connectTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (!timeout.isPositive()) {
                throw new IllegalArgumentException("connectTimeout must be positive, got " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** Binds and starts accepting. */
        public FaultProxy start() throws IOException {
            FaultProxy p = new FaultProxy(this);
            p.start();
            return p;
        }
    }
}
