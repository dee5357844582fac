package io.weft.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.net.ConnectOptions;
import io.weft.net.ConnectionResetException;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * drain() and close() on real connections. The slow reader is a stream client that does not
 * read: its reader pauses the socket at its limit, the kernel buffers fill, and the server's
 * writes pile up in its transport.
 */
@Timeout(60)
class StreamWriterTest extends StreamTestBase {
    static final int BIG = 16 << 20; // more than loopback socket buffers hold
    final byte[] payload = new byte[BIG];
    Promise<StreamWriter> serverWriter;
    Promise<Void> handlerDone;
    StreamConnection client;
    StreamWriter w;

    @BeforeEach
    void connect() {
        new Random(3).nextBytes(payload);
        serverWriter = loop.newPromise();
        handlerDone = loop.newPromise();
        Server s = serve(ServerOptions.defaults(), (r, writer) -> {
            serverWriter.complete(writer);
            return handlerDone;
        });
        client = run(Streams.connect(loop, address(s), ConnectOptions.defaults()));
        w = run(serverWriter);
    }

    @Test
    void drainCompletesAtOnceWhenNothingIsBuffered() {
        Promise<Void> d = w.drain();
        assertThat(d.isDone()).isTrue();
        assertThat(d.isFailed()).isFalse();
        finish();
    }

    @Test
    void drainWaitsForASlowReaderAndCompletesOnlyOnceItReads() {
        w.write(payload);
        assertThat(w.bufferedBytes()).as("above the high-water mark").isGreaterThan(w.writeBufferHigh());
        Promise<Void> drained = w.drain();
        long[] bufferedWhenDrained = {-1};
        drained.whenComplete((v, e) -> bufferedWhenDrained[0] = w.bufferedBytes());

        // Everything the kernel can take moves now; the rest waits for the client.
        turns(50);
        assertThat(drained.isDone()).as("drained while the client reads nothing").isFalse();
        assertThat(client.reader().bufferedBytes()).isLessThanOrEqualTo(StreamReader.DEFAULT_LIMIT + 64 * 1024);

        byte[] got = run(client.reader().readExactly(BIG));
        run(drained);
        assertThat(got).isEqualTo(payload);
        assertThat(bufferedWhenDrained[0]).isLessThanOrEqualTo(w.writeBufferLow());
        finish();
    }

    @Test
    void drainBetweenTheMarksWaitsForTheLowMark() {
        // High far above what we write: the transport never pauses, yet drain must wait for low.
        w.setWriteBufferLimits(64 << 20, 1 << 20);
        w.write(payload);
        assertThat(w.bufferedBytes()).isBetween((long) w.writeBufferLow() + 1, (long) w.writeBufferHigh());
        Promise<Void> drained = w.drain();
        long[] bufferedWhenDrained = {-1};
        drained.whenComplete((v, e) -> bufferedWhenDrained[0] = w.bufferedBytes());

        turns(50);
        assertThat(drained.isDone()).isFalse();

        byte[] got = run(client.reader().readExactly(BIG));
        run(drained);
        assertThat(got).isEqualTo(payload);
        assertThat(bufferedWhenDrained[0]).isLessThanOrEqualTo(1 << 20);
        assertThat(w.writeBufferHigh()).as("the marks are the ones set").isEqualTo(64 << 20);

        // And again, now that the writer has put the transport's marks back.
        w.write(payload);
        Promise<Void> again = w.drain();
        turns(20);
        assertThat(again.isDone()).isFalse();
        assertThat(run(client.reader().readExactly(BIG))).isEqualTo(payload);
        run(again);
        finish();
    }

    @Test
    void drainFailsWithTheResetWhenTheReaderGoesAway() {
        w.write(payload);
        Promise<Void> drained = w.drain();
        until(() -> client.reader().bufferedBytes() > 0);
        // Closing with unread bytes in the socket makes the kernel send RST.
        client.transport().abort();

        Throwable e = failureOf(drained);
        assertThat(e).isInstanceOf(ConnectionResetException.class);
        assertThat(failureOf(w.closed())).isSameAs(e);
        assertThat(failureOf(w.drain())).as("later drains fail at once").isSameAs(e);
        handlerDone.complete(null);
    }

    @Test
    void drainFailsWithConnectionClosedWhenClosedCleanlyFirst() {
        w.write(payload);
        Promise<Void> drained = w.drain();
        w.transport().abort();

        assertThat(failureOf(drained)).isInstanceOf(ConnectionClosedException.class)
                .hasMessageContaining("before its write buffer drained");
        run(w.closed());
        assertThat(failureOf(w.drain())).isInstanceOf(ConnectionClosedException.class);
        run(client.writer().close());
        handlerDone.complete(null);
    }

    @Test
    void closeFlushesThenCompletesWhenTheConnectionIsClosed() {
        w.write(payload);
        Promise<Void> closed = w.close();
        turns(20);
        assertThat(closed.isDone()).as("still flushing to a client that reads nothing").isFalse();

        assertThat(run(client.reader().readExactly(BIG))).isEqualTo(payload);
        run(closed);
        assertThat(run(client.reader().read(1))).as("then EOF").isEmpty();
        run(client.writer().close());
        handlerDone.complete(null);
    }

    /** Lets the handler finish (the server closes) and closes the client. */
    private void finish() {
        handlerDone.complete(null);
        assertThat(run(client.reader().read(1))).isEmpty();
        run(client.writer().close());
    }
}
