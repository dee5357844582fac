package io.weft.cli.proxy;

import io.weft.cli.serve.Foreground;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.net.Relay;
import io.weft.proxy.ProxyEvents;
import io.weft.proxy.ProxyHandshakeException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one proxy on a loop of its own in the foreground: starts it, prints where it listens,
 * logs refusals and failed handshakes (and, verbose, every tunnel) on stderr, and on SIGINT or
 * SIGTERM drains it: no new clients, open tunnels get the shutdown deadline to finish.
 */
final class ProxyRunner {
    /** What the runner needs of a started proxy. */
    interface Started {
        InetSocketAddress address();

        Promise<Void> drain(Duration deadline);
    }

    private ProxyRunner() {
    }

    static int run(String name, ProxyFlags flags, Foreground foreground, PrintWriter out, PrintWriter err,
            Function<Context, Promise<Started>> start) {
        Context ctx;
        try {
            ctx = new Context(flags, new InetSocketAddress(flags.host, flags.port), new Log(name, err, flags.verbose));
            flags.policy().checkListen(ctx.address);
        } catch (IllegalArgumentException e) {
            err.println("weft proxy " + name + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        EventLoop loop = EventLoop.start(LoopConfig.builder().threadName("weft-proxy").build());
        ctx.loop = loop;
        CompletableFuture<Started> started = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                start.apply(ctx).whenComplete((s, e) -> {
                    if (e != null) {
                        started.completeExceptionally(e);
                    } else {
                        started.complete(s);
                    }
                });
            } catch (RuntimeException e) {
                started.completeExceptionally(e);
            }
        });
        Started proxy;
        try {
            proxy = started.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            loop.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            err.println("weft proxy " + name + ": cannot start on " + flags.host + ":" + flags.port + ": " + cause.getMessage());
            err.flush();
            return 1;
        }
        InetSocketAddress bound = proxy.address();
        out.println("weft proxy " + name + ": listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
        out.flush();
        foreground.run(flags.shutdownDeadline, () -> {
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            loop.execute(() -> proxy.drain(flags.shutdownDeadline).whenComplete((v, e) -> stopped.complete(null)));
            try {
                stopped.get(flags.shutdownDeadline.toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                err.println("weft proxy " + name + ": the drain did not finish: " + e);
            }
            loop.close();
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
        EventLoop loop;

        Context(ProxyFlags flags, InetSocketAddress address, ProxyEvents events) {
            this.flags = flags;
            this.address = address;
            this.events = events;
        }
    }

    /** The log on stderr. Loop thread. */
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
                line(client + " closed: " + relay.bytesAToB() + " bytes up, " + relay.bytesBToA() + " down"
                        + (relay.cause() == null ? "" : " (" + relay.cause().getMessage() + ")"));
            }
        }

        private void line(String s) {
            err.println("weft proxy " + name + ": " + s);
            err.flush();
        }
    }
}
