package io.weft.stream;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.Protocol;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import java.net.SocketAddress;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

/**
 * Where stream connections start: clients with {@link #connect}, servers with {@link #serve}.
 * The same connections as {@link Net} makes (TCP, Unix domain, TLS per the options), each with a
 * {@link StreamReader} and a {@link StreamWriter} instead of a protocol. Loop thread only.
 */
public final class Streams {
    private Streams() {
    }

    /**
     * Connects to {@code host}:{@code port} as {@link Net#createConnection(EventLoop,
     * java.util.function.Supplier, String, int, ConnectOptions)} does (resolution off the loop,
     * Happy Eyeballs, timeout). The reader has the default limit; the writer the options' marks.
     * Cancelling the promise abandons the attempt.
     */
    public static Promise<StreamConnection> connect(EventLoop loop, String host, int port, ConnectOptions options) {
        return Net.createConnection(loop, () -> protocol(options), host, port, options).map(StreamProtocol::connection);
    }

    /** Connects to one address: TCP ({@link java.net.InetSocketAddress}) or Unix domain. */
    public static Promise<StreamConnection> connect(EventLoop loop, SocketAddress address, ConnectOptions options) {
        return Net.createConnection(loop, () -> protocol(options), address, options).map(StreamProtocol::connection);
    }

    /**
     * Listens on {@code address} and calls {@code handler} for each connection, as it is made.
     * The connection closes (flushing first) when the handler's promise completes, and is
     * aborted when it fails; see {@link StreamHandler#handle}. The readers have the default
     * limit (change it with {@link StreamReader#setLimit} in the handler); the writers the
     * options' marks.
     */
    public static Promise<Server> serve(EventLoop loop, SocketAddress address, ServerOptions options,
            StreamHandler handler) {
        return Net.createServer(loop, handling(options, handler), address, options);
    }

    /**
     * The protocols {@link #serve} listens with, for listening some other way: each connection
     * runs {@code handler} as {@code serve} says, with the reader and writer it describes. On a
     * loop group, with {@link Net#createServer(io.weft.loop.LoopGroup, java.util.function.Function,
     * SocketAddress, ServerOptions)}, make one per loop.
     */
    public static Supplier<Protocol> handling(ServerOptions options, StreamHandler handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        return () -> new StreamProtocol(StreamReader.DEFAULT_LIMIT, options.writeBufferHigh(),
                options.writeBufferLow(), p -> run(handler, p));
    }

    private static StreamProtocol protocol(ConnectOptions options) {
        return new StreamProtocol(StreamReader.DEFAULT_LIMIT, options.writeBufferHigh(), options.writeBufferLow());
    }

    /** Runs the handler for a new connection and ends the connection when it is done. */
    private static void run(StreamHandler handler, StreamProtocol p) {
        Promise<?> done;
        try {
            done = handler.handle(p.reader(), p.writer());
            if (done == null) {
                throw new NullPointerException("stream handler " + handler + " returned null, not a promise");
            }
        } catch (Throwable e) {
            failed(handler, p, e);
            return;
        }
        done.whenComplete((v, e) -> {
            if (e == null) {
                p.writer().transport().close();
            } else {
                failed(handler, p, e);
            }
        });
    }

    private static void failed(StreamHandler handler, StreamProtocol p, Throwable e) {
        // Clean up first: the connection goes whatever the exception handler does.
        p.writer().transport().abort();
        if (!(e instanceof CancellationException) && e != p.writer().lostCause()) {
            p.writer().transport().loop().reportException("stream handler " + handler + " serving "
                    + p.writer().transport().remoteAddress(), e);
        }
    }
}
