package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.internal.loop.Loop;
import io.weft.internal.io.IoSink;
import io.weft.internal.io.SocketIo;
import io.weft.internal.net.StreamTransport;
import io.weft.internal.net.TransportObserver;
import io.weft.internal.io.WriteQueue;
import io.weft.loop.LoopConfig;
import io.weft.testkit.ManualClock;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The stream transport over a scripted {@link SocketIo}, for what a real socket cannot be made
 * to do on demand: report writability and then take nothing, as a spurious readiness event or a
 * completion backend's empty completion would.
 */
class ScriptedIoTest extends NetTestSupport {

    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.clock(ManualClock.realTimeWithAutoJump(Duration.ofMillis(20)));
    }

    /** Takes what the test says, when the test says. */
    static final class ScriptedIo implements SocketIo {
        IoSink sink;
        WriteQueue queue;
        int takeNow;
        boolean closed;

        @Override
        public void start(IoSink sink) {
            this.sink = sink;
        }

        @Override
        public void setReading(boolean on) {
        }

        @Override
        public int writeNow(ByteBuffer src) {
            int n = Math.min(takeNow, src.remaining());
            src.position(src.position() + n);
            return n;
        }

        @Override
        public void flush(WriteQueue q) {
            queue = q;
        }

        /** The backend drained {@code n} bytes (0: woke up, took nothing) and tells the transport. */
        void drain(int n) {
            int left = n;
            ByteBuffer[] bufs = queue.array();
            for (int i = queue.offset(); i < queue.offset() + queue.count() && left > 0; i++) {
                int k = Math.min(left, bufs[i].remaining());
                bufs[i].position(bufs[i].position() + k);
                left -= k;
            }
            queue.consumed(n - left);
            sink.onFlushed();
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public SocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 1);
        }

        @Override
        public SocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 2);
        }
    }

    @Test
    void flushesThatTakeNothingAreNotProgressForTheWriteTimeout() {
        ScriptedIo io = new ScriptedIo();
        CheckedProtocol<Recorder> p = checked(() -> new Recorder(loop)).get();
        StreamTransport t = new StreamTransport(Loop.of(loop), io, p, 64 * 1024, 16 * 1024, TransportObserver.NONE);
        Duration writeTimeout = Duration.ofMillis(300);
        t.setTimeouts(null, null, writeTimeout);
        t.start();
        t.write(new byte[1000]);
        long stuckSince = loop.time();

        // Every 100 ms the backend wakes up and takes nothing.
        Runnable[] wake = new Runnable[1];
        wake[0] = () -> {
            if (!io.closed) {
                io.drain(0);
                loop.callLater(Duration.ofMillis(100), wake[0]);
            }
        };
        loop.callLater(Duration.ofMillis(100), wake[0]);

        Throwable cause = await(p.lost());
        assertThat(cause).isInstanceOf(ConnectionTimeoutException.class);
        assertThat(((ConnectionTimeoutException) cause).kind()).isEqualTo(TimeoutKind.WRITE);
        assertThat(loop.time() - stuckSince).isGreaterThanOrEqualTo(writeTimeout.toNanos())
                .isLessThan(writeTimeout.multipliedBy(3).toNanos());
    }

    @Test
    void aFlushThatTakesSomethingIsProgress() {
        ScriptedIo io = new ScriptedIo();
        CheckedProtocol<Recorder> p = checked(() -> new Recorder(loop)).get();
        StreamTransport t = new StreamTransport(Loop.of(loop), io, p, 64 * 1024, 16 * 1024, TransportObserver.NONE);
        t.setTimeouts(null, null, Duration.ofMillis(300));
        t.start();
        t.write(new byte[1000]);

        // 100 bytes every 200 ms: slow, but moving, for two seconds of loop time.
        io.weft.future.Promise<Void> drained = loop.newPromise();
        Runnable[] drip = new Runnable[1];
        drip[0] = () -> {
            io.drain(100);
            if (t.writeBufferSize() > 0) {
                loop.callLater(Duration.ofMillis(200), drip[0]);
            } else {
                drained.complete(null);
            }
        };
        loop.callLater(Duration.ofMillis(200), drip[0]);
        await(drained);
        assertThat(p.isLost()).isFalse();
        t.close();
        assertThat(await(p.lost())).isNull();
    }
}
