package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.testkit.ManualClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Per-connection idle, read and write timeouts (ServerOptions). The loop runs on a jump clock
 * ({@link ManualClock#realTimeWithAutoJump}): time passes at real speed while anything happens
 * and jumps to the next timer when nothing does, so timeouts of hundreds of milliseconds fire in a few, in the order
 * their deadlines say. The assertions are about which timeout fired and lower bounds on loop
 * time, never about how long anything took for real.
 */
class TimeoutTest extends NetTestSupport {
    static final Duration T = Duration.ofMillis(300);

    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.clock(ManualClock.realTimeWithAutoJump(Duration.ofMillis(20)));
    }

    /** Remembers when (loop time) it heard connectionLost. */
    static class Timed extends Recorder {
        final EventLoop loop;
        long lostAt;

        Timed(EventLoop loop) {
            super(loop);
            this.loop = loop;
        }

        @Override
        public void connectionLost(Throwable cause) {
            lostAt = loop.time();
            super.connectionLost(cause);
        }
    }

    /** Loop time just before the last {@link #serve} connected: the connection's clocks start after it. */
    long connectedAfter;

    CheckedProtocol<Timed> serve(ServerOptions options, java.util.function.Supplier<Timed> factory) throws Exception {
        Server s = server(checked(factory), options);
        connectedAfter = loop.time();
        closeLater(RawPeer.connect(address(s), 16 * 1024)); // connects, then neither sends nor reads
        return await(made(Timed.class));
    }

    static TimeoutKind kindOf(Throwable cause) {
        assertThat(cause).isInstanceOf(ConnectionTimeoutException.class);
        return ((ConnectionTimeoutException) cause).kind();
    }

    @Test
    void idleTimeoutClosesASilentConnection() throws Exception {
        CheckedProtocol<Timed> p = serve(ServerOptions.builder().idleTimeout(T).build(), () -> new Timed(loop));
        Throwable cause = await(p.lost());
        assertThat(kindOf(cause)).isEqualTo(TimeoutKind.IDLE);
        assertThat(cause).hasMessageContaining("idle timeout").hasMessageContaining("300 ms");
        assertThat(p.inner().lostAt - connectedAfter).isGreaterThanOrEqualTo(T.toNanos());
        assertThat(p.word()).isEqualTo("ML");
    }

    /** Writes a little every 100 ms: traffic, but nothing read. */
    class Ticker extends Timed {
        Ticker() {
            super(TimeoutTest.this.loop);
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            tick();
        }

        void tick() {
            if (!lost.isDone() && !t.isClosing()) {
                t.write("tick\n".getBytes());
                loop.callLater(Duration.ofMillis(100), this::tick);
            }
        }
    }

    @Test
    void readTimeoutFiresWhenNothingArrivesEvenWhileWriting() throws Exception {
        CheckedProtocol<Timed> p = serve(ServerOptions.builder().readTimeout(T).idleTimeout(T.multipliedBy(10)).build(),
                Ticker::new);
        Throwable cause = await(p.lost());
        assertThat(kindOf(cause)).isEqualTo(TimeoutKind.READ);
        assertThat(p.inner().lostAt - connectedAfter).isGreaterThanOrEqualTo(T.toNanos())
                .as("the idle timeout did not fire: writes are traffic").isLessThan(T.multipliedBy(10).toNanos());
    }

    @Test
    void readTimeoutDoesNotRunWhileReadingIsPaused() throws Exception {
        CheckedProtocol<Timed> p = serve(ServerOptions.builder().readTimeout(T).build(), () -> new Timed(loop) {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                transport.pauseReading();
            }
        });
        await(after(T.multipliedBy(10)));
        assertThat(p.isLost()).as("paused for ten read timeouts, still open").isFalse();
        long resumedAt = loop.time();
        p.transport().resumeReading();
        assertThat(kindOf(await(p.lost()))).isEqualTo(TimeoutKind.READ);
        assertThat(p.inner().lostAt - resumedAt).isGreaterThanOrEqualTo(T.toNanos());
    }

    @Test
    void writeTimeoutFiresWhenBufferedOutputMakesNoProgress() throws Exception {
        CheckedProtocol<Timed> p = serve(ServerOptions.builder().writeTimeout(T).build(), () -> new Timed(loop) {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                transport.write(new byte[16 << 20]);
            }
        });
        Throwable cause = await(p.lost());
        assertThat(kindOf(cause)).isEqualTo(TimeoutKind.WRITE);
        assertThat(cause).hasMessageContaining("write timeout");
        assertThat(p.transport().writeBufferSize()).isZero();
        assertThat(p.word()).isEqualTo("MPL");
    }

    @Test
    void writeTimeoutAlsoEndsAClose_ThatCannotFlush() throws Exception {
        CheckedProtocol<Timed> p = serve(ServerOptions.builder().writeTimeout(T).build(), () -> new Timed(loop) {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                transport.write(new byte[16 << 20]);
                transport.close(); // would wait forever for a peer that never reads
            }
        });
        assertThat(kindOf(await(p.lost()))).isEqualTo(TimeoutKind.WRITE);
    }

    @Test
    void noTimeoutWhenNothingIsWaitingToBeWritten() throws Exception {
        // A write timeout alone never closes an idle connection: there is nothing stuck.
        CheckedProtocol<Timed> p = serve(ServerOptions.builder().writeTimeout(T).build(), () -> new Timed(loop));
        await(after(T.multipliedBy(20)));
        assertThat(p.isLost()).isFalse();
        p.transport().close();
        assertThat(await(p.lost())).isNull();
    }

    @Test
    void theEarliestDeadlineDecidesTheKind() throws Exception {
        CheckedProtocol<Timed> idleFirst = serve(ServerOptions.builder()
                .idleTimeout(Duration.ofMillis(200)).readTimeout(Duration.ofMillis(400)).build(), () -> new Timed(loop));
        assertThat(kindOf(await(idleFirst.lost()))).isEqualTo(TimeoutKind.IDLE);
        CheckedProtocol<Timed> readFirst = serve(ServerOptions.builder()
                .idleTimeout(Duration.ofMillis(400)).readTimeout(Duration.ofMillis(200)).build(), () -> new Timed(loop));
        assertThat(kindOf(await(readFirst.lost()))).isEqualTo(TimeoutKind.READ);
    }

    @Test
    void aPartialWriteCountsAsTrafficForTheIdleTimeout() throws Exception {
        // At 200 ms the server sends 16 MiB; the kernel takes a few MiB of it. That was traffic:
        // the idle timeout runs from then, not from the connection's start.
        long[] wroteAt = {0};
        CheckedProtocol<Timed> p = serve(ServerOptions.builder().idleTimeout(T).build(), () -> new Timed(loop) {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                loop.callLater(Duration.ofMillis(200), () -> {
                    wroteAt[0] = loop.time();
                    transport.write(new byte[16 << 20]);
                });
            }
        });
        assertThat(kindOf(await(p.lost()))).isEqualTo(TimeoutKind.IDLE);
        assertThat(wroteAt[0]).isPositive();
        assertThat(p.inner().lostAt - wroteAt[0]).isGreaterThanOrEqualTo(T.toNanos());
    }

    @Test
    void aBusyConnectionOutlivesItsTimeouts() {
        // Ping every 100 ms for three seconds against 300 ms timeouts, then a 16 MiB transfer.
        Server s = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.builder()
                .idleTimeout(T).readTimeout(T).writeTimeout(T).build());
        int pings = 30;
        byte[] bulk = pattern(16 << 20, 31);
        Promise<byte[]> done = loop.newPromise();
        CheckedProtocol<Recorder> client = await(Net.createConnection(loop, checked(() -> new Recorder(loop) {
            int sent;

            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                ping();
            }

            void ping() {
                if (sent < pings) {
                    sent++;
                    t.write("ping\n".getBytes());
                    loop.callLater(Duration.ofMillis(100), this::ping);
                } else {
                    t.write(bulk);
                    t.writeEof();
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                super.connectionLost(cause);
                done.complete(bytes());
            }
        }), address(s), ConnectOptions.defaults()));
        byte[] got = await(done);
        assertThat(await(client.lost())).isNull();
        CheckedProtocol<EchoTest.HalfCloseEcho> server = await(made(EchoTest.HalfCloseEcho.class));
        assertThat(await(server.lost())).as("closed by EOF, not a timeout").isNull();
        assertThat(got.length).isEqualTo(pings * 5 + bulk.length);
    }

    @Test
    void aClosedConnectionLeavesNoTimerBehind() throws Exception {
        int before = loop.stats().pendingTimers();
        CheckedProtocol<Timed> p = serve(ServerOptions.builder().idleTimeout(Duration.ofHours(1)).build(),
                () -> new Timed(loop));
        assertThat(loop.stats().pendingTimers()).isGreaterThan(before);
        p.transport().close();
        await(p.lost());
        // The peer neither reads nor closes, so the socket lingers (to avoid a reset) with a
        // deadline of its own; once that has passed, nothing of the connection is left.
        await(after(Duration.ofSeconds(3))); // longer than StreamTransport.LINGER (2 s)
        assertThat(loop.stats().pendingTimers()).isEqualTo(before);
    }
}
