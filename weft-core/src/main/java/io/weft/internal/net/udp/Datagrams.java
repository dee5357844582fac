package io.weft.internal.net.udp;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import io.weft.internal.net.Resolver;
import io.weft.internal.io.DatagramIo;
import io.weft.net.DatagramOptions;
import io.weft.net.DatagramProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Supplier;

/** Opens UDP endpoints: resolves names off the loop, opens the socket, starts the endpoint. Loop thread. */
public final class Datagrams {
    private Datagrams() {
    }

    /** See {@link io.weft.net.Net#createDatagramEndpoint}. */
    public static <P extends DatagramProtocol> Promise<P> create(Loop loop, Supplier<P> factory, SocketAddress local,
            SocketAddress remote, DatagramOptions options) {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        requireInet(local, "local");
        requireInet(remote, "remote");
        if (!needsLookup(local) && !needsLookup(remote)) {
            return open(loop, factory, local, remote, options);
        }
        return resolve(loop, local)
                .flatMap(l -> resolve(loop, remote).flatMap(r -> open(loop, factory, l, r, options)));
    }

    private static void requireInet(SocketAddress a, String which) {
        if (a != null && !(a instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("a UDP endpoint needs an InetSocketAddress as " + which
                    + " address, got " + a.getClass().getName() + " (the JDK has no Unix-domain datagram sockets)");
        }
    }

    private static boolean needsLookup(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.isUnresolved();
    }

    /** {@code a} with its name looked up (first address the resolver gives), or as it is. */
    private static Promise<SocketAddress> resolve(Loop loop, SocketAddress a) {
        if (!needsLookup(a)) {
            return Promise.completed(loop, a);
        }
        InetSocketAddress unresolved = (InetSocketAddress) a;
        return Resolver.resolve(loop, unresolved.getHostString())
                .map(addresses -> new InetSocketAddress(addresses.get(0), unresolved.getPort()));
    }

    private static <P extends DatagramProtocol> Promise<P> open(Loop loop, Supplier<P> factory, SocketAddress local,
            SocketAddress remote, DatagramOptions options) {
        DatagramIo io;
        try {
            // Receive one byte past the maximum, so an oversized datagram shows as such
            // instead of arriving silently cut to the maximum.
            io = loop.sockets().openDatagram(local, remote, options, options.maxDatagramSize() + 1);
        } catch (IOException e) {
            return Promise.failed(loop, e);
        }
        P app;
        try {
            app = factory.get();
        } catch (Throwable e) {
            io.close();
            return Promise.failed(loop, e);
        }
        try {
            DatagramEndpoint endpoint = new DatagramEndpoint(loop, io, app, options.maxDatagramSize(),
                    options.writeBufferHigh(), options.writeBufferLow());
            endpoint.start(); // registers with the loop: fails on the wrong thread or a closed loop
        } catch (RuntimeException e) {
            io.close(); // clean up first, then throw: misuse fails fast, as Net's stream calls do
            throw e;
        }
        return Promise.completed(loop, app);
    }

}
