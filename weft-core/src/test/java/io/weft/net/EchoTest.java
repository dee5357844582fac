package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EchoTest {
    EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = EventLoop.create();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    static final class Echo implements Protocol {
        Transport t;

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            t.write(data);
        }

        @Override
        public void pauseWriting() {
            t.pauseReading();
        }

        @Override
        public void resumeWriting() {
            t.resumeReading();
        }
    }

    /** Sends a payload, half-closes, collects everything echoed until the server closes. */
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
        public void pauseWriting() {
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
        public boolean eofReceived() {
            return false;
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

    static final class HalfCloseEcho implements Protocol {
        Transport t;

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            t.write(data);
        }

        @Override
        public boolean eofReceived() {
            t.close(); // flush what is left, then close
            return true;
        }
    }

    InetSocketAddress startEcho() {
        Server s = loop.runUntilComplete(Net.createServer(loop, HalfCloseEcho::new,
                new InetSocketAddress("127.0.0.1", 0), ServerOptions.defaults()));
        return (InetSocketAddress) s.addresses().get(0);
    }

    @Test
    void echoesSixtyFourMegabytesByteExact() {
        InetSocketAddress addr = startEcho();
        byte[] payload = new byte[64 << 20];
        new Random(42).nextBytes(payload);
        Promise<Client> c = Net.createConnection(loop, () -> new Client(loop, payload), "127.0.0.1", addr.getPort(),
                ConnectOptions.defaults());
        byte[] back = loop.runUntilComplete(c.flatMap(client -> client.done).withTimeout(Duration.ofSeconds(50)));
        assertThat(back.length).isEqualTo(payload.length);
        assertThat(back).isEqualTo(payload);
    }

    @Test
    void echoesOnAThousandConnectionsAtOnce() {
        InetSocketAddress addr = startEcho();
        List<Promise<byte[]>> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] payload = ("hello " + i + "\n").repeat(10).getBytes();
            all.add(Net.createConnection(loop, () -> new Client(loop, payload), addr, ConnectOptions.defaults())
                    .flatMap(client -> client.done.map(b -> {
                        assertThat(b).isEqualTo(payload);
                        return b;
                    })));
        }
        List<byte[]> results = loop.runUntilComplete(Promise.all(loop, all).withTimeout(Duration.ofSeconds(50)));
        assertThat(results).hasSize(1000);
    }
}
