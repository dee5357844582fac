package io.weft.cli.serve;

import io.weft.future.Promise;
import io.weft.green.GreenServerSocket;
import io.weft.green.GreenSocket;
import io.weft.loop.EventLoop;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * The accepting half of a green-thread server, shared by the examples: one green thread parked
 * in {@code accept()}, handing each connection to {@code onAccept} (which spawns the green thread
 * that serves it). {@link #stop} cancels it; the {@link Server}'s own shutdown takes care of the
 * connections. Loop thread (and its green threads) only.
 */
public final class GreenAcceptor {
    private final Promise<Void> acceptor;
    private final Promise<Server> listening;

    private GreenAcceptor(Promise<Void> acceptor, Promise<Server> listening) {
        this.acceptor = acceptor;
        this.listening = listening;
    }

    /** Starts accepting on {@code address}; {@link #listening()} completes once it listens. */
    public static GreenAcceptor start(EventLoop loop, SocketAddress address, ServerOptions options,
            Consumer<GreenSocket> onAccept) {
        Promise<Server> listening = loop.newPromise();
        Promise<Void> acceptor = loop.spawn(() -> {
            GreenServerSocket server;
            try {
                server = GreenServerSocket.listen(address, options);
            } catch (IOException | RuntimeException e) {
                listening.fail(e);
                return null;
            }
            listening.complete(server.server());
            try (server) {
                while (true) {
                    onAccept.accept(server.accept());
                }
            } catch (IOException | CancellationException e) {
                return null; // closed or cancelled: shutting down
            }
        });
        return new GreenAcceptor(acceptor, listening);
    }

    /** Completes with the server once it listens, or fails if it cannot. */
    public Promise<Server> listening() {
        return listening;
    }

    /** Stops accepting. */
    public void stop() {
        acceptor.cancel();
    }
}
