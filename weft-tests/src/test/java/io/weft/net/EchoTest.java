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
import org.junit.jupiter.api.Test;

/** Echo through a real server on loopback: one connection, a thousand, and 64 MiB byte-exact. */
class EchoTest extends NetTestSupport {

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

        /** Writes until the buffer passes the high-water mark: pauseWriting stops it, resumeWriting restarts it. */
        void pump() {
            while (sent < payload.length && t.writeBufferSize() <= 64 * 1024) {
                int n = Math.min(64 * 1024, payload.length - sent);
                t.write(ByteBuffer.wrap(payload, sent, n));
                sent += n;
            }
            if (sent == payload.length && !t.isClosing()) {
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

    /** Echoes; on EOF flushes what is left and closes. Stops reading while its output is paused. */
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

        @Override
        public void pauseWriting() {
            t.pauseReading();
        }

        @Override
        public void resumeWriting() {
            t.resumeReading();
        }
    }

    InetSocketAddress startEcho() {
        return address(server(checked(HalfCloseEcho::new), ServerOptions.defaults()));
    }

    Promise<byte[]> echo(InetSocketAddress addr, byte[] payload) {
        return Net.createConnection(loop, checked(() -> new Client(loop, payload)), addr, ConnectOptions.defaults())
                .flatMap(c -> c.inner().done);
    }

    @Test
    void echoesOneMessageOnOneConnection() {
        InetSocketAddress addr = startEcho();
        byte[] back = await(echo(addr, "hello, weft\n".getBytes()));
        assertThat(new String(back)).isEqualTo("hello, weft\n");
        assertThat(checkedProtocols()).hasSize(2)
                .allSatisfy(c -> assertThat(c.word()).matches("MD+EL"));
    }

    @Test
    void echoesSixtyFourMegabytesByteExact() {
        InetSocketAddress addr = startEcho();
        byte[] payload = pattern(64 << 20, 42);
        byte[] back = await(echo(addr, payload), Duration.ofSeconds(50));
        assertThat(back.length).isEqualTo(payload.length);
        assertThat(back).isEqualTo(payload);
        // The client outran the echo and went over its high-water mark: partial writes, buffering,
        // and pause/resume were all on the way.
        assertThat(checkedProtocols()).filteredOn(c -> c.inner() instanceof Client)
                .singleElement().satisfies(c -> assertThat(c.word()).contains("P").contains("R"));
    }

    @Test
    void echoesOnAThousandConnectionsAtOnce() {
        InetSocketAddress addr = startEcho();
        List<Promise<Boolean>> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] payload = ("hello " + i + "\n").repeat(10).getBytes();
            all.add(echo(addr, payload).map(b -> java.util.Arrays.equals(b, payload)));
        }
        List<Boolean> results = await(Promise.all(loop, all), Duration.ofSeconds(50));
        assertThat(results).hasSize(1000).containsOnly(true);
        assertThat(checkedProtocols()).hasSize(2000);
    }
}
