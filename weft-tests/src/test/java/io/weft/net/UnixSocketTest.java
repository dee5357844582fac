package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.testkit.EveryBackend;
import io.weft.testkit.NoFdLeaks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stream servers and connections over Unix domain sockets, on the NIO poller;
 * {@link UnixSocketOnPollTest} runs the same tests on poll(2).
 */
@Timeout(60)
@ExtendWith(NoFdLeaks.class)
@EveryBackend
class UnixSocketTest {
    EventLoop loop;
    Path dir;
    Path path;
    final List<Transport> accepted = new ArrayList<>();

    /** The backend under test, injected by {@link EveryBackend}. */
    @Parameter
    PollerKind backend;

    PollerKind poller() {
        return backend;
    }

    @BeforeEach
    void setUp() throws IOException {
        loop = EventLoop.create(LoopConfig.builder().poller(poller()).build());
        // Under /tmp, not the build folder: a socket path must fit in about 100 bytes.
        dir = Files.createTempDirectory(Path.of("/tmp"), "weft-unix");
        path = dir.resolve("s.sock");
    }

    @AfterEach
    void tearDown() throws IOException {
        loop.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Echoes; on the client's EOF, flushes and closes. Remembers its transport. */
    final class Echo implements Protocol {
        Transport t;

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            accepted.add(transport);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            t.write(data);
        }

        @Override
        public boolean eofReceived() {
            t.close();
            return true;
        }
    }

    /** Sends a payload, half-closes, and collects what comes back until the server closes. */
    static final class Client implements Protocol {
        final byte[] payload;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final Promise<byte[]> done;
        Transport t;
        int sent;

        Client(EventLoop loop, byte[] payload) {
            this.payload = payload;
            this.done = loop.newPromise();
        }

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            pump();
        }

        void pump() {
            while (sent < payload.length && t.writeBufferSize() < 256 * 1024) {
                int n = Math.min(64 * 1024, payload.length - sent);
                t.write(ByteBuffer.wrap(payload, sent, n));
                sent += n;
            }
            if (sent == payload.length) {
                t.writeEof();
            }
        }

        @Override
        public void resumeWriting() {
            pump();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            got.writeBytes(b);
            if (sent < payload.length && t.writeBufferSize() == 0) {
                pump();
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (cause != null) {
                done.fail(cause);
            } else {
                done.complete(got.toByteArray());
            }
        }
    }

    Server listen() {
        return loop.runUntilComplete(Net.createUnixServer(loop, Echo::new, path, ServerOptions.defaults()));
    }

    byte[] echo(byte[] payload) {
        Promise<Client> c = Net.createUnixConnection(loop, () -> new Client(loop, payload), path,
                ConnectOptions.defaults());
        return loop.runUntilComplete(c.flatMap(client -> client.done).withTimeout(Duration.ofSeconds(30)));
    }

    void closeAndWait(Server server) {
        server.close();
        loop.runUntilComplete(server.closed().withTimeout(Duration.ofSeconds(10)));
    }

    @Test
    void echoesAMegabyteWithSensibleAddresses() {
        Server server = listen();
        assertThat(server.addresses()).containsExactly(UnixDomainSocketAddress.of(path));
        byte[] payload = new byte[1 << 20];
        new Random(3).nextBytes(payload);

        Client[] client = new Client[1];
        Promise<Client> c = Net.createUnixConnection(loop, () -> client[0] = new Client(loop, payload), path,
                ConnectOptions.defaults()); // noDelay is on by default and must simply not apply
        byte[] back = loop.runUntilComplete(c.flatMap(cl -> cl.done).withTimeout(Duration.ofSeconds(30)));

        assertThat(back).isEqualTo(payload);
        assertThat(client[0].t.remoteAddress()).isEqualTo(UnixDomainSocketAddress.of(path));
        assertThat(accepted).hasSize(1);
        assertThat(accepted.get(0).localAddress()).isEqualTo(UnixDomainSocketAddress.of(path));
        // The client did not bind a path of its own, so it is unnamed: an empty path.
        assertThat(accepted.get(0).remoteAddress()).isEqualTo(UnixDomainSocketAddress.of(""));
        closeAndWait(server);
    }

    @Test
    void servesAHundredConnectionsAtOnce() {
        Server server = listen();
        List<Promise<byte[]>> all = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] payload = ("client " + i + " says hello\n").repeat(50 + i).getBytes(StandardCharsets.UTF_8);
            payloads.add(payload);
            all.add(Net.createUnixConnection(loop, () -> new Client(loop, payload), path, ConnectOptions.defaults())
                    .flatMap(client -> client.done));
        }
        List<byte[]> results = loop.runUntilComplete(Promise.all(loop, all).withTimeout(Duration.ofSeconds(50)));
        for (int i = 0; i < 100; i++) {
            assertThat(results.get(i)).as("connection %d", i).isEqualTo(payloads.get(i));
        }
        assertThat(accepted).hasSize(100);
        closeAndWait(server);
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void closingTheServerRemovesItsSocketFile() {
        Server server = listen();
        assertThat(path).exists();
        closeAndWait(server);
        assertThat(path).doesNotExist();
    }

    @Test
    void aStaleSocketFileFromADeadServerIsReplaced() throws IOException {
        // A server that went away without cleaning up: the JDK never removes the file itself.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();

        Server server = listen();

        assertThat(echo("after the stale file".getBytes())).isEqualTo("after the stale file".getBytes());
        closeAndWait(server);
        assertThat(path).doesNotExist();
    }

    @Test
    void aLiveSocketIsNeverTakenOver() {
        Server first = listen();
        Promise<Server> second = Net.createUnixServer(loop, Echo::new, path, ServerOptions.defaults());

        assertThat(second.isFailed()).isTrue();
        assertThat(second.cause()).isInstanceOf(BindException.class).hasMessageContaining("in use")
                .hasMessageContaining(path.toString());
        assertThat(path).exists();
        assertThat(echo("first still serves".getBytes())).isEqualTo("first still serves".getBytes());
        // The probe that found the first server alive was one connection, closed at once.
        closeAndWait(first);
        assertThat(path).doesNotExist();
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws IOException {
        Files.writeString(path, "precious");

        Promise<Server> server = Net.createUnixServer(loop, Echo::new, path, ServerOptions.defaults());

        assertThat(server.isFailed()).isTrue();
        assertThat(server.cause()).isInstanceOf(BindException.class).hasMessageContaining("not a socket");
        assertThat(path).hasContent("precious");
    }

    @Test
    void closeLeavesASuccessorsSocketFileAlone() {
        Server first = listen();
        // Someone removes the file by hand and a second server takes the path.
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Server second = listen();

        closeAndWait(first);

        assertThat(path).exists();
        assertThat(echo("second".getBytes())).isEqualTo("second".getBytes());
        closeAndWait(second);
        assertThat(path).doesNotExist();
    }

    @Test
    void halfCloseKeepsTheOtherDirectionOpen() {
        // The server answers only after the client's EOF, so the answer travels over a
        // connection the client has already shut for writing.
        final class CountThenReply implements Protocol {
            Transport t;
            int count;

            @Override
            public void connectionMade(Transport transport) {
                t = transport;
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                count += data.remaining();
                data.position(data.limit());
            }

            @Override
            public boolean eofReceived() {
                t.write(("got " + count + " bytes").getBytes(StandardCharsets.UTF_8));
                t.close();
                return true;
            }
        }
        Server server = loop.runUntilComplete(Net.createUnixServer(loop, CountThenReply::new, path,
                ServerOptions.defaults()));

        byte[] reply = echo(new byte[100_000]);

        assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("got 100000 bytes");
        closeAndWait(server);
    }

    @Test
    void connectingWhereNobodyListensFails() {
        Promise<Client> c = Net.createUnixConnection(loop, () -> new Client(loop, new byte[1]), path,
                ConnectOptions.defaults());
        try {
            loop.runUntilComplete(c);
            throw new AssertionError("connected to a path with no socket");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(ConnectException.class).hasMessageContaining(path.toString());
        }
    }
}
