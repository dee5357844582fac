package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.loop.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Relay} on every backend, in a proxy of three lines: a front server whose connections
 * connect to a back server and relay to it. The client and the back server are test protocols;
 * the relayed transports are not checked protocols (their protocol is swapped by design).
 */
class RelayTest extends NetTestSupport {
    static final int FOUR_MIB = 4 << 20;

    final List<Relay> relays = new ArrayList<>();

    /** The front server's protocol: stops reading, connects to {@code back}, then relays. */
    final class Front implements Protocol {
        final InetSocketAddress back;
        final Relay.Options options;

        Front(InetSocketAddress back, Relay.Options options) {
            this.back = back;
            this.options = options;
        }

        @Override
        public void connectionMade(Transport client) {
            client.pauseReading();
            Net.createConnection(loop, () -> new Recorder(loop) {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    t.pauseReading();
                }
            }, back, ConnectOptions.defaults()).whenComplete((up, e) -> {
                if (e != null) {
                    client.abort();
                } else {
                    relays.add(Relay.start(client, up.t, options));
                }
            });
        }

        @Override
        public void dataReceived(java.nio.ByteBuffer data) {
            throw new AssertionError("the relay reads, not the front");
        }
    }

    private Server front(Server back, Relay.Options options) {
        InetSocketAddress b = address(back);
        return server(() -> new Front(b, options), ServerOptions.defaults());
    }

    /** Reads the request to EOF, answers 4 MiB and "done", then closes. */
    static final class Responder extends Recorder {
        Responder(EventLoop loop) {
            super(loop);
        }

        @Override
        public boolean eofReceived() {
            super.eofReceived();
            t.write(pattern(FOUR_MIB, 3));
            t.write("done".getBytes());
            t.close();
            return true;
        }
    }

    /** The back server's protocol in the idle test (a type of its own, for {@code made}). */
    static final class Back extends Recorder {
        Back(EventLoop loop) {
            super(loop);
        }
    }

    @Test
    void relaysBothWaysAndForwardsHalfClose() {
        Server back = server(checked(() -> new Responder(loop)), ServerOptions.defaults());
        Server front = front(back, Relay.Options.defaults());
        CheckedProtocol<Recorder> client = await(Net.createConnection(loop, checked(() -> new Recorder(loop)),
                address(front), ConnectOptions.defaults()));
        client.transport().write("request".getBytes());
        client.transport().writeEof(); // the relay must pass the FIN on for the responder to answer

        assertThat(await(client.lost())).isNull();
        byte[] expected = new byte[FOUR_MIB + 4];
        System.arraycopy(pattern(FOUR_MIB, 3), 0, expected, 0, FOUR_MIB);
        System.arraycopy("done".getBytes(), 0, expected, FOUR_MIB, 4);
        assertThat(client.inner().received.toByteArray()).isEqualTo(expected);
        CheckedProtocol<Responder> server = await(made(Responder.class));
        assertThat(new String(server.inner().received.toByteArray())).isEqualTo("request");
        Relay r = relays.get(0);
        await(r.closed());
        assertThat(r.cause()).isNull();
        assertThat(r.bytesAToB()).isEqualTo(7);
        assertThat(r.bytesBToA()).isEqualTo(FOUR_MIB + 4);
        assertThat(r.peakBufferedBytes()).isLessThanOrEqualTo(Relay.Options.defaults().writeBufferHigh() + 64 * 1024);
    }

    @Test
    void aStalledReaderPausesTheOtherSideAtTheHighWaterMark() {
        Server back = server(checked(() -> new Recorder(loop) {
            @Override
            public void connectionMade(Transport t) {
                super.connectionMade(t);
                t.write(pattern(16 << 20, 5)); // far more than the kernel and the relay may hold
            }
        }), ServerOptions.defaults());
        Relay.Options options = Relay.Options.defaults().withWriteBufferLimits(128 * 1024, 32 * 1024);
        Server front = front(back, options);
        CheckedProtocol<Recorder> client = await(Net.createConnection(loop, checked(() -> new Recorder(loop) {
            @Override
            public void connectionMade(Transport t) {
                super.connectionMade(t);
                t.pauseReading(); // a reader that never reads
            }
        }), address(front), ConnectOptions.builder().build()));
        // Throttled at the high-water mark, then resumed each time the kernel takes more (its
        // buffers towards a paused reader grow with autotuning): wait until the kernel's are full
        // too, i.e. the relay is throttled and has taken nothing more for ten checks in a row.
        long[] taken = {-1};
        int[] quiet = {0};
        await(until(() -> {
            if (relays.isEmpty()) {
                return false;
            }
            Relay r0 = relays.get(0);
            if (r0.isThrottled() && r0.bytesBToA() == taken[0]) {
                return ++quiet[0] >= 10;
            }
            taken[0] = r0.bytesBToA();
            quiet[0] = 0;
            return false;
        }));
        Relay r = relays.get(0);
        spin(50);
        assertThat(r.isThrottled()).as("still paused: the client reads nothing").isTrue();
        assertThat(r.bufferedBytes()).isLessThanOrEqualTo(128 * 1024 + 64 * 1024);
        assertThat(r.peakBufferedBytes()).isLessThanOrEqualTo(128 * 1024 + 64 * 1024);
        assertThat(r.bytesBToA()).as("far from all of it was taken").isLessThan(16 << 20);
        client.transport().resumeReading();
        await(until(() -> client.inner().received.size() == 16 << 20));
        assertThat(client.inner().received.toByteArray()).isEqualTo(pattern(16 << 20, 5));
    }

    @Test
    void idleTimeoutAbortsBothSidesAndMisuseIsRefused() {
        Server back = server(checked(() -> new Back(loop)), ServerOptions.defaults());
        Server front = front(back, Relay.Options.defaults().withIdleTimeout(Duration.ofMillis(200)));
        CheckedProtocol<Recorder> client = await(Net.createConnection(loop, checked(() -> new Recorder(loop)),
                address(front), ConnectOptions.defaults()));
        await(client.lost());
        CheckedProtocol<Back> server = await(made(Back.class));
        await(server.lost());
        Relay r = relays.get(0);
        await(r.closed());
        assertThat(r.cause()).isInstanceOf(ConnectionTimeoutException.class);
        assertThat(((ConnectionTimeoutException) r.cause()).kind()).isEqualTo(TimeoutKind.IDLE);

        Transport t = client.transport();
        assertThatThrownBy(() -> Relay.start(t, t, Relay.Options.defaults())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Relay.Options(10, 20, null)).hasMessageContaining("writeBufferLow");
    }
}
