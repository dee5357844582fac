package io.weft.cli.proxy;

import io.weft.cli.serve.Foreground;
import io.weft.future.Promise;
import io.weft.loop.LoopConfig;
import io.weft.loop.LoopGroup;
import io.weft.net.Relay;
import io.weft.proxy.ProxyEvents;
import io.weft.proxy.ProxyHandshakeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs one proxy in the foreground on a {@link LoopGroup} of {@code --loops} loops (each
 * accepting its own clients): starts it, prints where it listens, logs refusals and failed
 * handshakes (and, verbose, every tunnel) on stderr, and on SIGINT or SIGTERM drains it: no new
 * clients, open tunnels get the shutdown deadline to finish.
 */
final class ProxyRunner {
    /** What the runner needs of a started proxy: where it listens, and how to drain it. */
    record Started(InetSocketAddress address, java.util.function.Function<Duration, Promise<Void>> drainer) {
        Promise<Void> drain(Duration deadline) {
            return drainer.apply(deadline);
        }
    }

    /** Starts a proxy on the context's group (blocking, from the command's thread). */
    interface Start {
        Started start(Context ctx) throws IOException;
    }

    private ProxyRunner() {
    }

    static int run(String name, ProxyFlags flags, Foreground foreground, PrintWriter out, PrintWriter err, Start start) {
        Context ctx;
        int loops;
        try {
            loops = flags.loops();
            ctx = new Context(flags, new InetSocketAddress(flags.host, flags.port), new Log(name, err, flags.verbose));
            flags.policy().checkListen(ctx.address);
        } catch (IllegalArgumentException e) {
            err.println("weft proxy " + name + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        LoopGroup group = LoopGroup.start(loops, LoopConfig.builder().poller(flags.poller()).threadName("weft-proxy").build());
        ctx.group = group;
        Started proxy;
        try {
            proxy = start.start(ctx);
        } catch (IOException | RuntimeException e) {
            group.close();
            err.println("weft proxy " + name + ": cannot start on " + flags.host + ":" + flags.port + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        InetSocketAddress bound = proxy.address();
        out.println("weft proxy " + name + ": listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort()
                + " (" + loops + (loops == 1 ? " loop)" : " loops)"));
        out.flush();
        foreground.run(flags.shutdownDeadline, () -> {
            try {
                proxy.drain(flags.shutdownDeadline).toCompletableFuture()
                        .get(flags.shutdownDeadline.toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                err.println("weft proxy " + name + ": the drain did not finish: " + e);
            }
            group.close();
            out.println("weft proxy " + name + " stopped");
            out.flush();
        });
        return 0;
    }

    /** What a kind's start function gets. */
    static final class Context {
        final ProxyFlags flags;
        final InetSocketAddress address;
        final ProxyEvents events;
        LoopGroup group;

        Context(ProxyFlags flags, InetSocketAddress address, ProxyEvents events) {
            this.flags = flags;
            this.address = address;
            this.events = events;
        }
    }

    /**
     * The log on stderr. Called on every loop's thread; PrintWriter's println holds its lock for
     * the line, so lines from different loops do not interleave.
     */
    private record Log(String name, PrintWriter err, boolean verbose) implements ProxyEvents {
        @Override
        public void clientRefused(SocketAddress client, String why) {
            line(client + " refused: " + why);
        }

        @Override
        public void handshakeFailed(SocketAddress client, ProxyHandshakeException error) {
            line(client + " " + error.reason().name().toLowerCase() + ": " + error.getMessage());
        }

        @Override
        public void tunnelOpened(SocketAddress client, SocketAddress upstream, Relay relay) {
            if (verbose) {
                line(client + " -> " + upstream + " open");
            }
        }

        @Override
        public void tunnelClosed(SocketAddress client, Relay relay) {
            if (verbose) {
                line(client + " closed: " + relay.bytesAToB() + " bytes up, " + relay.bytesBToA() + " down, "
                        + relay.bytesSpliced() + " spliced" + (relay.cause() == null ? "" : " (" + relay.cause().getMessage() + ")"));
            }
        }

        private void line(String s) {
            synchronized (err) {
                err.println("weft proxy " + name + ": " + s);
                err.flush();
            }
        }
    }
}
