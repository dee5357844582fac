package io.weft.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.net.ConnectOptions;
import io.weft.net.ConnectionResetException;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Servers written with {@link Streams#serve} and clients with {@link Streams#connect}, on loopback. */
@Timeout(60)
class StreamsTest extends StreamTestBase {
    static final byte[] NL = {'\n'};

    /** The handler of a line-echo server: each line back, LF-terminated, until EOF. */
    Promise<Void> echoLines(StreamReader r, StreamWriter w) {
        return r.readLine().flatMap(line -> {
            if (line == null) {
                return Promise.completed(loop, null);
            }
            w.write(line);
            w.write(NL);
            return w.drain().flatMap(v -> echoLines(r, w));
        });
    }

    /** Sends {@code lines} (CRLF-terminated), reads each echo, half-closes, expects EOF. */
    Promise<List<String>> talk(StreamConnection c, List<String> lines) {
        for (String l : lines) {
            c.writer().write(bytes(l + "\r\n"));
        }
        List<String> echoed = new ArrayList<>();
        return readLines(c.reader(), lines.size(), echoed).flatMap(v -> {
            c.writer().writeEof();
            return c.reader().readLine();
        }).flatMap(last -> {
            assertThat(last).as("EOF after the server's handler finished").isNull();
            return c.writer().closed();
        }).map(v -> echoed);
    }

    Promise<Void> readLines(StreamReader r, int n, List<String> into) {
        if (n == 0) {
            return Promise.completed(loop, null);
        }
        return r.readLine().flatMap(line -> {
            into.add(text(line));
            return readLines(r, n - 1, into);
        });
    }

    @Test
    void aLineEchoServerAndClient() {
        Server s = serve(ServerOptions.defaults(), this::echoLines);
        StreamConnection c = run(Streams.connect(loop, "127.0.0.1", address(s).getPort(), ConnectOptions.defaults()));
        assertThat(c.transport().remoteAddress()).isEqualTo(address(s));

        List<String> echoed = run(talk(c, List.of("hello", "", "wörld", "bye")));

        assertThat(echoed).containsExactly("hello", "", "wörld", "bye");
        assertThat(c.reader().atEof()).isTrue();
    }

    @Test
    void twoHundredConcurrentConnections() {
        Server s = serve(ServerOptions.defaults(), this::echoLines);
        List<Promise<List<String>>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            List<String> lines = List.of("client " + i, "line two of " + i, "x".repeat(i * 10));
            all.add(Streams.connect(loop, address(s), ConnectOptions.defaults()).flatMap(c -> talk(c, lines))
                    .map(echoed -> {
                        assertThat(echoed).isEqualTo(lines);
                        return echoed;
                    }));
        }
        assertThat(run(Promise.all(loop, all))).hasSize(200);
        until(() -> s.connectionCount() == 0);
    }

    @Test
    void whenTheHandlerCompletesTheConnectionIsFlushedThenClosed() {
        byte[] payload = new byte[4 << 20];
        new Random(11).nextBytes(payload);
        Server s = serve(ServerOptions.defaults(), (r, w) -> {
            w.write(payload);
            return Promise.completed(loop, null); // done at once: the 4 MiB are still buffered
        });
        StreamConnection c = run(Streams.connect(loop, address(s), ConnectOptions.defaults()));

        assertThat(run(c.reader().readExactly(payload.length))).isEqualTo(payload);
        assertThat(run(c.reader().read(1))).as("then EOF").isEmpty();
        run(c.writer().close());
        until(() -> s.connectionCount() == 0);
        assertThat(reported).isEmpty();
    }

    @Test
    void aFailedHandlerIsReportedAndItsConnectionAborted() {
        Server s = serve(ServerOptions.defaults(), (r, w) -> {
            w.write(bytes("unsent, maybe"));
            return r.readLine().map(line -> {
                throw new IllegalStateException("boom on " + text(line));
            });
        });
        StreamConnection c = run(Streams.connect(loop, address(s), ConnectOptions.defaults()));
        c.writer().write(bytes("go\n"));

        until(() -> s.connectionCount() == 0);
        assertThat(reported).singleElement().satisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                .hasMessage("boom on go"));
        assertThat(reportedContexts.get(0)).contains("stream handler").contains("127.0.0.1");
        run(c.writer().close());
    }

    @Test
    void aHandlerThatThrowsOrReturnsNullIsReportedToo() {
        Server s = serve(ServerOptions.defaults(), (r, w) -> {
            if (r.bufferedBytes() >= 0) {
                throw new IllegalArgumentException("thrown");
            }
            return null;
        });
        StreamConnection c = run(Streams.connect(loop, address(s), ConnectOptions.defaults()));
        assertThat(run(c.reader().read(1))).isEmpty();
        run(c.writer().close());

        Server nulls = serve(ServerOptions.defaults(), (r, w) -> null);
        StreamConnection c2 = run(Streams.connect(loop, address(nulls), ConnectOptions.defaults()));
        assertThat(run(c2.reader().read(1))).isEmpty();
        run(c2.writer().close());

        until(() -> reported.size() == 2);
        assertThat(reported.get(0)).isInstanceOf(IllegalArgumentException.class).hasMessage("thrown");
        assertThat(reported.get(1)).isInstanceOf(NullPointerException.class).hasMessageContaining("returned null");
    }

    @Test
    void aHandlerFailingWithItsConnectionsOwnResetIsNotReported() {
        Promise<Throwable> handlerSaw = loop.newPromise();
        Server s = serve(ServerOptions.defaults(), (r, w) -> {
            w.write(bytes("hello"));
            return r.read(10).whenComplete((v, e) -> handlerSaw.complete(e));
        });
        // A blocking client that resets the connection (SO_LINGER 0) once it hears from the server.
        java.util.concurrent.CompletableFuture<Void> peer = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (java.net.Socket sock = new java.net.Socket()) {
                sock.connect(address(s));
                sock.getInputStream().read();
                sock.setSoLinger(true, 0);
                peer.complete(null);
            } catch (Throwable e) {
                peer.completeExceptionally(e);
            }
        });

        run(Promise.from(loop, peer));
        assertThat(run(handlerSaw)).isInstanceOf(ConnectionResetException.class);
        until(() -> s.connectionCount() == 0);
        turns(5);
        assertThat(reported).isEmpty();
    }

    @Test
    void connectingToAClosedPortFails() throws Exception {
        InetSocketAddress closed;
        try (ServerSocketChannel ch = ServerSocketChannel.open()) {
            ch.bind(LOCAL);
            closed = (InetSocketAddress) ch.getLocalAddress();
        }
        assertThat(failureOf(Streams.connect(loop, closed, ConnectOptions.defaults())))
                .isInstanceOf(ConnectException.class);
    }
}
