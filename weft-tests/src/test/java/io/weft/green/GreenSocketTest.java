package io.weft.green;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.testkit.EveryBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@EveryBackend
@Timeout(60)
class GreenSocketTest {
    /** The backend under test, injected by {@link EveryBackend}. */
    @Parameter
    PollerKind backend;
    EventLoop loop;

    @BeforeEach
    void openLoop() {
        loop = EventLoop.create(LoopConfig.builder().poller(backend).build());
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    /** A green-thread echo server: one green thread accepting, one per connection. */
    private SocketAddress startEchoServer() {
        Promise<SocketAddress> bound = loop.newPromise();
        loop.spawn(() -> {
            try (GreenServerSocket server = GreenServerSocket.listen(new InetSocketAddress("127.0.0.1", 0))) {
                bound.complete(server.addresses().get(0));
                while (true) {
                    GreenSocket c = server.accept();
                    loop.spawn(() -> {
                        try (c) {
                            byte[] chunk;
                            while ((chunk = c.read(64 * 1024)).length > 0) {
                                c.write(chunk);
                            }
                        }
                        return null;
                    });
                }
            }
        });
        return loop.runUntilComplete(bound);
    }

    @Test
    void echoesLinesBetweenGreenThreads() {
        SocketAddress addr = startEchoServer();
        String got = loop.runUntilComplete(loop.spawn(() -> {
            try (GreenSocket s = GreenSocket.connect(addr, ConnectOptions.defaults())) {
                s.write("hello\r\nworld\n");
                return s.readLine() + "|" + s.readLine();
            }
        }));
        assertThat(got).isEqualTo("hello|world");
    }

    @Test
    void aThousandConcurrentGreenConnections() {
        SocketAddress addr = startEchoServer();
        List<Promise<Boolean>> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] msg = ("message " + i + "\n").repeat(20).getBytes();
            all.add(loop.spawn(() -> {
                try (GreenSocket s = GreenSocket.connect(addr, ConnectOptions.defaults())) {
                    s.write(msg);
                    return Arrays.equals(s.readExactly(msg.length), msg);
                }
            }));
        }
        List<Boolean> ok = loop.runUntilComplete(Promise.all(loop, all));
        assertThat(ok).hasSize(1000).containsOnly(true);
    }

    @Test
    void bulkWriteParksAboveTheHighMarkAndArrivesByteExact() {
        SocketAddress addr = startEchoServer();
        byte[] payload = new byte[8 << 20];
        new Random(7).nextBytes(payload);
        byte[] back = loop.runUntilComplete(loop.spawn(() -> {
            try (GreenSocket s = GreenSocket.connect(addr, ConnectOptions.defaults())) {
                Promise<byte[]> reading = loop.spawn(() -> s.readExactly(payload.length));
                for (int off = 0; off < payload.length; off += 100_000) {
                    s.write(java.nio.ByteBuffer.wrap(payload, off, Math.min(100_000, payload.length - off)));
                    assertThat(s.writer().bufferedBytes()).isLessThanOrEqualTo(s.writer().writeBufferHigh() + 100_000);
                }
                return Green.await(reading);
            }
        }));
        assertThat(back).isEqualTo(payload);
    }

    @Test
    void cancellingAGreenThreadParkedInReadKeepsTheConnectionsBufferedData() throws Exception {
        try (java.net.ServerSocket peer = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Promise<GreenSocket> sock = loop.spawn(() -> GreenSocket.connect("127.0.0.1", peer.getLocalPort()));
            GreenSocket s = loop.runUntilComplete(sock);
            try (Socket other = peer.accept()) {
                Promise<String> reader = loop.spawn(s::readLine);
                loop.callLater(Duration.ofMillis(20), reader::cancel);
                assertThatThrownBy(() -> loop.runUntilComplete(reader)).isInstanceOf(CancellationException.class);
                other.getOutputStream().write("after\n".getBytes());
                assertThat(loop.runUntilComplete(loop.spawn(s::readLine))).isEqualTo("after");
            }
            loop.runUntilComplete(loop.spawn(() -> {
                s.close();
                return null;
            }));
        }
    }

    @Test
    void cancellingAGreenThreadParkedInAcceptThrowsThere() {
        Promise<Void> acceptor = loop.spawn(() -> {
            try (GreenServerSocket server = GreenServerSocket.listen(new InetSocketAddress("127.0.0.1", 0))) {
                server.accept();
            }
            return null;
        });
        loop.callLater(Duration.ofMillis(20), acceptor::cancel);
        assertThatThrownBy(() -> loop.runUntilComplete(acceptor)).isInstanceOf(CancellationException.class);
    }

    @Test
    void writeToAResetConnectionThrowsTheTypedError() throws Exception {
        try (java.net.ServerSocket peer = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            GreenSocket s = loop.runUntilComplete(loop.spawn(() -> GreenSocket.connect("127.0.0.1", peer.getLocalPort())));
            Socket other = peer.accept();
            other.setSoLinger(true, 0);
            other.close(); // RST
            Promise<Void> writer = loop.spawn(() -> {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 1000; i++) {
                    s.write(chunk);
                    Green.sleep(Duration.ofMillis(1));
                }
                return null;
            });
            assertThatThrownBy(() -> loop.runUntilComplete(writer)).rootCause().isInstanceOf(IOException.class);
        }
    }
}
