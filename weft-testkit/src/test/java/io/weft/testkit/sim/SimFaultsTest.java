package io.weft.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.ConnectionResetException;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Each fault of the simulated network, seen by user code as the real backends show it. */
class SimFaultsTest {

    private static Throwable failureOf(EventLoop loop, Promise<?> p) {
        try {
            loop.runUntilComplete(p);
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected " + p + " to fail");
    }

    @Test
    void aConnectToAPortNobodyListensOnIsRefused() throws Exception {
        Simulation sim = Simulation.create(1);
        sim.run(() -> {
            sim.host("server");
            EventLoop client = sim.host("client").loop();
            Throwable e = failureOf(client, EchoPeers.connect(client, "server", 9, new byte[1]));
            assertThat(e).isInstanceOf(ConnectException.class).hasMessageContaining("Connection refused");
        });
        assertThat(sim.network().openSockets()).isZero();
    }

    @Test
    void aRefusalFaultRefusesThoughTheServerListens() throws Exception {
        Simulation sim = Simulation.create(2, Faults.benign().toBuilder().refuse(1).build());
        sim.run(() -> {
            SimHost host = sim.host("server");
            EventLoop server = host.loop();
            Server s = EchoPeers.listen(server, host, 7);
            EventLoop client = sim.host("client").loop();
            Throwable e = failureOf(client, EchoPeers.connect(client, "server", 7, new byte[1]));
            assertThat(e).isInstanceOf(ConnectException.class).hasMessageContaining("ECONNREFUSED");
            s.close();
        });
        assertThat(sim.network().openSockets()).isZero();
    }

    @Test
    void aHangingConnectEndsAtTheCallersTimeoutInSimulatedTime() throws Exception {
        Simulation sim = Simulation.create(3, Faults.benign().toBuilder().hang(1).build());
        sim.run(() -> {
            SimHost host = sim.host("server");
            EventLoop server = host.loop();
            Server s = EchoPeers.listen(server, host, 7);
            EventLoop client = sim.host("client").loop();
            long start = sim.now();
            Promise<EchoPeers.Client> c = Net.createConnection(client, () -> new EchoPeers.Client(new byte[1]),
                    "server", 7, ConnectOptions.builder().connectTimeout(Duration.ofSeconds(5)).build());
            assertThat(failureOf(client, c)).isInstanceOf(TimeoutException.class);
            assertThat(sim.now() - start).isEqualTo(Duration.ofSeconds(5).toNanos());
            s.close();
        });
        assertThat(sim.network().openSockets()).isZero();
    }

    @Test
    void withoutATimeoutAHangingConnectTimesOutAsTheKernelWould() throws Exception {
        Simulation sim = Simulation.create(4);
        sim.run(() -> {
            sim.host("server");
            EventLoop client = sim.host("client").loop();
            sim.network().partition(sim.host("client"), sim.host("server"));
            Promise<EchoPeers.Client> c = Net.createConnection(client, () -> new EchoPeers.Client(new byte[1]),
                    "server", 7, ConnectOptions.builder().connectTimeout(null).build());
            Throwable e = failureOf(client, c);
            assertThat(e).isInstanceOf(ConnectException.class).hasMessageContaining("timed out");
            assertThat(sim.now()).isGreaterThanOrEqualTo(SimNetwork.SYN_TIMEOUT.toNanos());
        });
    }

    @Test
    void anInjectedResetReachesTheProtocolAsConnectionResetException() throws Exception {
        Simulation sim = Simulation.create(5, Faults.benign().toBuilder().reset(1, Duration.ZERO).build());
        sim.run(() -> {
            SimHost host = sim.host("server");
            EventLoop server = host.loop();
            Server s = EchoPeers.listen(server, host, 7);
            EventLoop client = sim.host("client").loop();
            Promise<byte[]> echoed = EchoPeers.connect(client, "server", 7, EchoPeers.payload(100_000, 1))
                    .flatMap(c -> c.done);
            assertThat(failureOf(client, echoed)).isInstanceOf(ConnectionResetException.class)
                    .hasMessageContaining("connection reset by peer");
            s.close();
        });
        assertThat(sim.network().openSockets()).isZero();
    }

    /** Aborts on the first bytes, leaving the rest unread: its kernel answers with an RST. */
    static final class AbortOnFirstRead implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            data.position(data.limit());
            transport.abort();
        }
    }

    @Test
    void aPeerClosingOnUnreadBytesResetsTheConnection() throws Exception {
        // Perfect network: the client's 200 kB arrive in one piece, one read takes 64 KiB, the rest stays unread.
        Simulation sim = Simulation.create(6, Faults.none());
        sim.run(() -> {
            SimHost host = sim.host("server");
            EventLoop server = host.loop();
            Server s = server.runUntilComplete(Net.createServer(server, AbortOnFirstRead::new, host.address(7),
                    ServerOptions.defaults()));
            EventLoop client = sim.host("client").loop();
            Promise<byte[]> echoed = EchoPeers.connect(client, "server", 7, EchoPeers.payload(200_000, 2))
                    .flatMap(c -> c.done);
            assertThat(failureOf(client, echoed)).isInstanceOf(ConnectionResetException.class);
            s.close();
        });
        assertThat(sim.network().openSockets()).isZero();
    }

    /** Writes {@code total} bytes as fast as flow control lets it, counting pauses. */
    static final class Flood implements Protocol {
        final int total;
        Transport transport;
        int written;
        int pauses;
        boolean paused;
        long maxBuffered;

        Flood(int total) {
            this.total = total;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            t.setWriteBufferLimits(16 * 1024, 4 * 1024);
            pump();
        }

        private void pump() {
            while (!paused && written < total) {
                int n = Math.min(4096, total - written);
                byte[] chunk = new byte[n];
                for (int i = 0; i < n; i++) {
                    chunk[i] = (byte) (written + i);
                }
                transport.write(ByteBuffer.wrap(chunk));
                written += n;
                maxBuffered = Math.max(maxBuffered, transport.writeBufferSize());
            }
            if (written == total && !paused) {
                transport.close();
            }
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            data.position(data.limit());
        }

        @Override
        public void pauseWriting() {
            paused = true;
            pauses++;
        }

        @Override
        public void resumeWriting() {
            paused = false;
            pump();
        }
    }

    /** Reads everything to EOF, pausing now and then as a slow consumer would. */
    static final class SlowReader implements Protocol {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        Promise<byte[]> done;
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            done = t.loop().newPromise();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            got.writeBytes(b);
            transport.pauseReading();
            transport.loop().callLater(Duration.ofMillis(1), transport::resumeReading);
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (cause == null) {
                done.complete(got.toByteArray());
            } else {
                done.fail(cause);
            }
        }
    }

    @Test
    void partialWritesAndSmallBuffersPauseTheWriterAndLoseNothing() throws Exception {
        Faults tight = Faults.benign().toBuilder().buffers(1024, 8192).partialWrite(0.7).build();
        for (long seed = 1; seed <= 5; seed++) {
            Simulation sim = Simulation.create(seed, tight);
            Flood[] flood = new Flood[1];
            sim.run(() -> {
                SimHost host = sim.host("server");
                EventLoop server = host.loop();
                int total = 300_000;
                Server s = server.runUntilComplete(Net.createServer(server, () -> flood[0] = new Flood(total),
                        host.address(7), ServerOptions.defaults()));
                EventLoop client = sim.host("client").loop();
                Promise<byte[]> got = Net.createConnection(client, SlowReader::new, "server", 7,
                        ConnectOptions.defaults()).flatMap(r -> r.done);
                byte[] bytes = client.runUntilComplete(got);
                assertThat(bytes).hasSize(total);
                for (int i = 0; i < total; i++) {
                    if (bytes[i] != (byte) i) {
                        throw new AssertionError("byte " + i + " is " + bytes[i] + " (seed " + sim.seed() + ")");
                    }
                }
                s.close();
            });
            assertThat(flood[0].pauses).as("pauses, seed " + seed).isPositive();
            // The writer stops at the high-water mark: what it holds is bounded by it plus one write.
            assertThat(flood[0].maxBuffered).isLessThanOrEqualTo(16 * 1024 + 4096);
            assertThat(sim.network().openSockets()).isZero();
        }
    }

    @Test
    void aPartitionHoldsBytesBackUntilHealed() throws Exception {
        Simulation sim = Simulation.create(8);
        sim.run(() -> {
            SimHost host = sim.host("server");
            SimHost clientHost = sim.host("client");
            EventLoop server = host.loop();
            Server s = EchoPeers.listen(server, host, 7);
            EventLoop client = clientHost.loop();
            EchoPeers.Client c = client.runUntilComplete(EchoPeers.connect(client, "server", 7,
                    EchoPeers.payload(50_000, 3)));
            sim.network().partition(clientHost, host);
            sim.runFor(Duration.ofSeconds(30));
            assertThat(c.done.isDone()).isFalse();
            long before = sim.now();
            sim.network().heal(clientHost, host);
            assertThat(client.runUntilComplete(c.done)).isEqualTo(EchoPeers.payload(50_000, 3));
            assertThat(sim.now() - before).isLessThan(Duration.ofSeconds(1).toNanos());
            s.close();
        });
        assertThat(sim.network().openSockets()).isZero();
    }

    @Test
    void anUnknownHostNameFailsWithoutAskingTheRealResolver() throws Exception {
        Simulation sim = Simulation.create(9);
        sim.run(() -> {
            EventLoop client = sim.host("client").loop();
            Throwable e = failureOf(client, EchoPeers.connect(client, "example.com", 80, new byte[1]));
            assertThat(e).isInstanceOf(java.net.UnknownHostException.class);
        });
    }

    @Test
    void waitingForEverIsReportedInsteadOfHanging() throws Exception {
        Simulation sim = Simulation.create(10);
        sim.run(() -> {
            EventLoop loop = sim.host("a").loop();
            Promise<Void> never = loop.newPromise();
            assertThatThrownBy(() -> loop.runUntilComplete(never)).isInstanceOf(SimulationStuckException.class)
                    .hasMessageContaining("nothing more can happen");
        });
    }
}
