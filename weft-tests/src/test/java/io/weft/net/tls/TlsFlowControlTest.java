package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.patternAt;
import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Transport;
import io.weft.net.tls.TlsFixtures.Echo;
import io.weft.net.tls.TlsFixtures.Pump;
import io.weft.internal.net.tls.TlsConnection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Flow control through the TLS layer, reading paused at awkward moments, and rekeying mid-stream. */
@Timeout(120)
class TlsFlowControlTest extends TlsTestBase {
    static final int HIGH = 64 * 1024;
    static final int LOW = 16 * 1024;

    /** Writes a pattern stream as fast as flow control lets it, recording each pause and resume. */
    final class Flooder implements Protocol {
        final long total;
        final List<String> flow = new ArrayList<>();
        final ByteBuffer chunk = ByteBuffer.allocate(32 * 1024);
        Transport t;
        long sent;
        boolean paused;
        Runnable onFirstPause = () -> { };

        Flooder(long total) {
            this.total = total;
        }

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            t.setWriteBufferLimits(HIGH, LOW);
            flood();
        }

        void flood() {
            while (!paused && sent < total) {
                int n = (int) Math.min(chunk.capacity(), total - sent);
                chunk.clear();
                TlsFixtures.fillPattern(chunk, sent, n);
                chunk.flip();
                sent += n;
                t.write(chunk);
            }
            if (sent == total && !t.isClosing()) {
                t.close();
            }
        }

        @Override
        public void dataReceived(ByteBuffer data) {
        }

        @Override
        public void pauseWriting() {
            assertThat(paused).as("pause and resume alternate").isFalse();
            paused = true;
            flow.add("pause");
            assertThat(t.writeBufferSize()).as("buffered at pause").isGreaterThan(HIGH);
            if (flow.size() == 1) {
                onFirstPause.run();
            }
        }

        @Override
        public void resumeWriting() {
            assertThat(paused).as("pause and resume alternate").isTrue();
            paused = false;
            flow.add("resume");
            assertThat(t.writeBufferSize()).as("buffered at resume").isLessThanOrEqualTo(LOW);
            flood();
        }
    }

    /** Checks the pattern stream; may pause reading in each callback and resume on the next turn. */
    class Reader implements Protocol {
        final boolean stutter;
        final Promise<Long> done = loop.newPromise();
        Transport t;
        long received;
        String mismatch;

        Reader(boolean stutter) {
            this.stutter = stutter;
        }

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            while (data.hasRemaining()) {
                if (data.get() != patternAt(received) && mismatch == null) {
                    mismatch = "byte " + received + " differs";
                }
                received++;
            }
            if (stutter) {
                t.pauseReading(); // what is left of this read waits in the TLS layer
                assertThat(t.isReading()).isFalse();
                loop.callSoon(t::resumeReading);
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (cause != null) {
                done.fail(cause);
            } else if (mismatch != null) {
                done.fail(new AssertionError(mismatch));
            } else {
                done.complete(received);
            }
        }
    }

    @Test
    void theApplicationIsPausedAndResumedAtTheWaterMarks() {
        long total = 8L << 20;
        AtomicReference<Flooder> flooder = new AtomicReference<>();
        AtomicReference<Reader> reader = new AtomicReference<>();
        long[] heldAtPause = {-1};
        Server s = listen(() -> {
            Flooder f = new Flooder(total);
            // The reader holds off until the writer is paused, so the buffer must fill.
            f.onFirstPause = () -> {
                heldAtPause[0] = io.weft.internal.net.tls.TlsConnection.of(reader.get().t).heldBytes();
                reader.get().t.resumeReading();
            };
            flooder.set(f);
            return f;
        }, server().build());
        Reader r = loop.runUntilComplete(Net.createConnection(loop, () -> {
            Reader x = new Reader(false) {
                @Override
                public void connectionMade(Transport transport) {
                    super.connectionMade(transport);
                    t.pauseReading();
                }
            };
            reader.set(x);
            return x;
        }, "localhost", port(s), ConnectOptions.builder().tls(client().build()).build()));
        assertThat(loop.runUntilComplete(r.done.withTimeout(Duration.ofSeconds(60)))).isEqualTo(total);
        List<String> flow = flooder.get().flow;
        assertThat(flow).isNotEmpty().startsWith("pause");
        // While paused, the reader decrypts on (for handshake messages) but holds a bounded amount.
        assertThat(heldAtPause[0]).as("plaintext held by the paused reader")
                .isBetween(0L, io.weft.internal.net.tls.TlsConnection.HOLD_LIMIT + 5L * 16 * 1024);
        assertThat(flow.size() % 2).as("every pause was followed by a resume: %s", flow).isZero();
        shutdown(s);
    }

    @Test
    void pausingReadingInsideEveryCallbackLosesNothing() {
        long total = 4L << 20;
        Server s = listen(() -> new Flooder(total), server().build());
        Reader r = loop.runUntilComplete(Net.createConnection(loop, () -> new Reader(true), "localhost", port(s),
                ConnectOptions.builder().tls(client().build()).build()));
        assertThat(loop.runUntilComplete(r.done.withTimeout(Duration.ofSeconds(60)))).isEqualTo(total);
        shutdown(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void rekeyingMidStreamFromEitherSideKeepsTheStreamExact(String version) {
        long total = 6L << 20;
        Server s = listen(() -> new Echo() {
            long echoed;
            boolean rekeyed;

            @Override
            public void dataReceived(ByteBuffer data) {
                echoed += data.remaining();
                super.dataReceived(data);
                if (!rekeyed && echoed > (3 << 20)) {
                    rekeyed = true;
                    TlsConnection.of(t).rekey(); // TLS 1.3: KeyUpdate; TLS 1.2: HelloRequest, renegotiation
                }
            }
            // The client renegotiates too, and which side starts first depends on how much the
            // socket buffers hold (the client's rekey at 1 MiB read comes first when less than
            // 2 MiB is buffered between them): a server refuses a client's TLS 1.2 renegotiation
            // by default (TlsServerDefaultsTest), so this one must accept it.
        }, server().allowClientRenegotiation(true).build());
        Pump p = loop.runUntilComplete(Net.createConnection(loop, () -> new Pump(loop, total) {
            boolean rekeyed;

            @Override
            public void dataReceived(ByteBuffer data) {
                super.dataReceived(data);
                if (!rekeyed && received > (1 << 20)) {
                    rekeyed = true;
                    TlsConnection.of(t).rekey();
                }
            }
        }, "localhost", port(s), ConnectOptions.builder().tls(client().protocols(version).build()).build()));
        assertThat(loop.runUntilComplete(p.done.withTimeout(Duration.ofSeconds(60)))).isEqualTo(total);
        shutdown(s);
    }

    /**
     * A server that refuses client renegotiation (the default) still renegotiates when it asks
     * for it, again and again, while the client's application keeps pausing its reading.
     */
    @Test
    void aTls12ServerRenegotiatesTwiceWhileTheClientKeepsPausingItsReading() {
        long total = 6L << 20;
        Server s = listen(() -> new Echo() {
            long echoed;
            int rekeys;

            @Override
            public void dataReceived(ByteBuffer data) {
                echoed += data.remaining();
                super.dataReceived(data);
                if (rekeys < 2 && echoed > (rekeys + 1) * (2L << 20)) {
                    rekeys++;
                    TlsConnection.of(t).rekey(); // TLS 1.2: HelloRequest, a renegotiation the server starts
                }
            }
        }, server().build());
        Pump p = loop.runUntilComplete(Net.createConnection(loop, () -> new Pump(loop, total) {
            @Override
            public void dataReceived(ByteBuffer data) {
                super.dataReceived(data);
                t.pauseReading(); // the renegotiation's records wait behind this in the TLS layer
                loop.callSoon(t::resumeReading);
            }
        }, "localhost", port(s), ConnectOptions.builder().tls(client().protocols("TLSv1.2").build()).build()));
        assertThat(loop.runUntilComplete(p.done.withTimeout(Duration.ofSeconds(60)))).isEqualTo(total);
        shutdown(s);
    }

    /**
     * A client's TLS 1.2 renegotiation in the middle of a stream, against a server that refuses
     * it (the default): the client's connection fails at once with the server's alert, it does
     * not hang waiting for handshake records the server will never send.
     */
    @Test
    void aTls12ClientRenegotiationMidStreamIsRefusedWithAnAlert() {
        Server s = listen(Echo::new, server().build());
        Pump p = loop.runUntilComplete(Net.createConnection(loop, () -> new Pump(loop, 6L << 20) {
            boolean rekeyed;

            @Override
            public void dataReceived(ByteBuffer data) {
                super.dataReceived(data);
                if (!rekeyed && received > (1 << 20)) {
                    rekeyed = true;
                    TlsConnection.of(t).rekey();
                }
            }
        }, "localhost", port(s), ConnectOptions.builder().tls(client().protocols("TLSv1.2").build()).build()));
        Throwable e = loop.runUntilComplete(p.done.map(n -> (Throwable) null).recover(x -> x)
                .withTimeout(Duration.ofSeconds(30)));
        assertThat(e).isInstanceOf(javax.net.ssl.SSLException.class);
        assertThat(e.getMessage()).contains("handshake_failure");
        shutdown(s);
    }
}
