package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Write-side flow control at exactly the documented points: pauseWriting when the buffer goes
 * above the high-water mark (not when it reaches it), resumeWriting when it drains to the low
 * mark or below, limits applied live, and a buffered byte count that is exact.
 *
 * <p>The peer is a raw socket that does not read, so once the kernel's buffers are full every
 * further byte stays in the transport's buffer and the test knows the count to the byte.
 */
class FlowControlTest extends NetTestSupport {

    /** Records the buffer size at each flow-control call. */
    static final class Gauge extends Recorder {
        final List<Long> atPause = new ArrayList<>();
        final List<Long> atResume = new ArrayList<>();

        Gauge(EventLoop loop) {
            super(loop);
        }

        @Override
        public void pauseWriting() {
            super.pauseWriting();
            atPause.add(t.writeBufferSize());
        }

        @Override
        public void resumeWriting() {
            super.resumeWriting();
            atResume.add(t.writeBufferSize());
        }
    }

    Server server;
    RawPeer peer;
    CheckedProtocol<Gauge> gauge;
    Transport t;
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    /** Connects a non-reading peer to a fresh server and returns its server-side transport. */
    void connect(ServerOptions options) throws Exception {
        server = server(checked(() -> new Gauge(loop)), options);
        peer = closeLater(RawPeer.connect(address(server), 16 * 1024));
        gauge = await(made(Gauge.class));
        t = gauge.transport();
    }

    void write(byte[] b) {
        sent.writeBytes(b);
        t.write(b);
    }

    /** Fills the kernel's buffers without crossing any mark, until the transport holds bytes that stay. */
    long fillKernel() {
        t.setWriteBufferLimits(Integer.MAX_VALUE, 0);
        write(pattern(8 << 20, 11));
        long[] last = {-1};
        int[] same = {0};
        await(until(() -> {
            long now = t.writeBufferSize();
            same[0] = now == last[0] ? same[0] + 1 : 0;
            last[0] = now;
            return same[0] >= 5;
        }));
        assertThat(t.writeBufferSize()).as("the kernel took part of 8 MiB and no more").isPositive();
        return t.writeBufferSize();
    }

    /** The peer reads everything to EOF; the test then checks it got exactly what was written. */
    void drainAndVerify() {
        drainAndVerify(0);
    }

    /** Same, when the peer already read the first {@code alreadyRead} bytes. */
    void drainAndVerify(int alreadyRead) {
        Promise<byte[]> rest = Promise.from(loop, peer.readToEof());
        await(until(() -> t.writeBufferSize() == 0));
        t.close();
        byte[] all = sent.toByteArray();
        assertThat(await(rest)).isEqualTo(java.util.Arrays.copyOfRange(all, alreadyRead, all.length));
        assertThat(await(gauge.lost())).isNull();
    }

    @Test
    void pausesAboveHighNotAtItAndResumesAtLowOrBelow() throws Exception {
        connect(ServerOptions.defaults());
        long q = fillKernel();

        t.setWriteBufferLimits(Math.toIntExact(q + 100), Math.toIntExact(q - 1000));
        assertThat(gauge.word()).isEqualTo("M");
        write(new byte[100]);
        assertThat(t.writeBufferSize()).isEqualTo(q + 100);
        assertThat(gauge.word()).as("at the high-water mark exactly: no pause").isEqualTo("M");
        assertThat(server.bufferedBytes()).as("the server's total is this connection's").isEqualTo(q + 100);

        write(new byte[1]);
        assertThat(gauge.word()).as("one byte above it: paused, inside that write").isEqualTo("MP");
        assertThat(gauge.inner().atPause).containsExactly(q + 101);

        write(new byte[5000]); // writing while paused is allowed; no second pause
        assertThat(t.writeBufferSize()).isEqualTo(q + 5101);
        assertThat(gauge.word()).isEqualTo("MP");

        // The peer reads what the kernel held: the transport's buffer starts to drain, and
        // however far it got, there is no resume while it is still above low.
        int inKernel = Math.toIntExact((8 << 20) - q);
        byte[] first = await(offLoop(() -> peer.readExactly(inKernel)));
        assertThat(first).isEqualTo(java.util.Arrays.copyOf(sent.toByteArray(), inKernel));
        await(until(() -> t.writeBufferSize() < q + 5101));
        long now = t.writeBufferSize();
        assertThat(gauge.word()).isEqualTo(now <= q - 1000 ? "MPR" : "MP");

        drainAndVerify(inKernel);
        assertThat(gauge.word()).isEqualTo("MPRL");
        assertThat(gauge.inner().atResume).singleElement().satisfies(v -> assertThat(v).isLessThanOrEqualTo(q - 1000));
    }

    @Test
    void newLimitsApplyAtOnce() throws Exception {
        connect(ServerOptions.defaults());
        long q = fillKernel();

        t.setWriteBufferLimits(Math.toIntExact(q), 0); // at high, not above: nothing
        assertThat(gauge.word()).isEqualTo("M");
        t.setWriteBufferLimits(Math.toIntExact(q - 1), 0); // now above: paused at once
        assertThat(gauge.word()).isEqualTo("MP");
        t.setWriteBufferLimits(Math.toIntExact(q + 10), Math.toIntExact(q - 1)); // below high, above low: still paused
        assertThat(gauge.word()).isEqualTo("MP");
        t.setWriteBufferLimits(Math.toIntExact(q + 10), Math.toIntExact(q)); // at low: resumed at once
        assertThat(gauge.word()).isEqualTo("MPR");
        t.setWriteBufferLimits(Math.toIntExact(q + 10), Math.toIntExact(q)); // same again: nothing
        assertThat(gauge.word()).isEqualTo("MPR");

        write(new byte[11]); // q + 11 > high
        assertThat(gauge.word()).isEqualTo("MPRP");
        assertThat(gauge.inner().atPause).containsExactly(q, q + 11);
        assertThat(gauge.inner().atResume).containsExactly(q);
        drainAndVerify();
        assertThat(gauge.word()).isEqualTo("MPRPRL");
    }

    @Test
    void zeroMarksPauseOnAnyBufferingAndResumeOnlyWhenEmpty() throws Exception {
        connect(ServerOptions.builder().writeBufferLimits(0, 0).build());
        write(pattern(8 << 20, 12));
        assertThat(gauge.word()).isEqualTo("MP");
        assertThat(gauge.inner().atPause).singleElement().satisfies(v -> assertThat(v).isPositive());
        drainAndVerify();
        assertThat(gauge.inner().atResume).containsExactly(0L);
    }

    @Test
    void serverOptionsSetEachConnectionsMarks() throws Exception {
        connect(ServerOptions.builder().writeBufferLimits(1000, 500).build());
        write(pattern(8 << 20, 13));
        assertThat(gauge.word()).isEqualTo("MP");
        drainAndVerify();
        assertThat(gauge.inner().atPause).singleElement().satisfies(v -> assertThat(v).isGreaterThan(1000));
        assertThat(gauge.inner().atResume).singleElement().satisfies(v -> assertThat(v).isLessThanOrEqualTo(500));
    }

    @Test
    void connectOptionsSetTheClientsMarks() throws Exception {
        // The server does not read until told, so the client's buffer fills.
        Server s = server(checked(() -> new Recorder(loop) {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                transport.pauseReading();
            }
        }), ServerOptions.defaults());
        CheckedProtocol<Gauge> client = await(Net.createConnection(loop, checked(() -> new Gauge(loop)), address(s),
                ConnectOptions.builder().writeBufferLimits(2000, 100).build()));
        byte[] payload = pattern(8 << 20, 14);
        client.transport().write(payload);
        assertThat(client.word()).isEqualTo("MP");
        assertThat(client.inner().atPause).singleElement().satisfies(v -> assertThat(v).isGreaterThan(2000));

        CheckedProtocol<Recorder> serverSide = await(made(Recorder.class));
        serverSide.transport().resumeReading();
        await(until(() -> serverSide.inner().size() == payload.length));
        assertThat(serverSide.inner().bytes()).isEqualTo(payload);
        assertThat(client.word()).isEqualTo("MPR");
        assertThat(client.inner().atResume).singleElement().satisfies(v -> assertThat(v).isLessThanOrEqualTo(100));
        client.transport().close();
        await(client.lost());
    }

    @Test
    void badLimitsAreRefusedWithTheReason() throws Exception {
        connect(ServerOptions.defaults());
        assertThatThrownBy(() -> t.setWriteBufferLimits(10, 11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("low 11").hasMessageContaining("high 10");
        assertThatThrownBy(() -> t.setWriteBufferLimits(10, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServerOptions.builder().writeBufferLimits(10, 11).build())
                .isInstanceOf(IllegalArgumentException.class);
        t.close();
    }
}
