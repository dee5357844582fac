package io.weft.internal.io.completion.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.internal.io.Drivers;
import io.weft.internal.loop.Loop;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import io.weft.testkit.FileDescriptors;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On io_uring a connection's half-close and close are SQEs of the turn's one enter
 * (IORING_OP_SHUTDOWN, IORING_OP_CLOSE): no {@code shutdown(2)} or {@code close(2)} of their own,
 * and still every descriptor back once the loop has entered again.
 */
@Timeout(30)
class RingCloseTest {
    private static final int CONNECTIONS = 50;

    @Test
    void halfClosingAndClosingConnectionsCostsNoSystemCallOfTheirOwn() throws Exception {
        assumeTrue(Drivers.status(PollerKind.IO_URING).ok(), () -> "io_uring cannot run here: "
                + Drivers.status(PollerKind.IO_URING).reason());
        FileDescriptors.Snapshot before = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
        try (EventLoop loop = EventLoop.create(LoopConfig.builder().poller(PollerKind.IO_URING).build())) {
            UringDriver driver = (UringDriver) Loop.of(loop).driver();
            assumeTrue(UringProbe.result().ringCloses(), "this kernel's ring lacks IORING_OP_CLOSE or IORING_OP_SHUTDOWN");
            AtomicInteger eofs = new AtomicInteger();
            AtomicInteger lost = new AtomicInteger();
            // The server half-closes each connection at once; the client closes when it sees the
            // EOF; the server's side then closes on the client's EOF (both directions done).
            Server server = loop.runUntilComplete(Net.createServer(loop, () -> new Protocol() {
                @Override
                public void connectionMade(Transport t) {
                    t.writeEof();
                }

                @Override
                public void dataReceived(ByteBuffer data) {
                }

                @Override
                public void connectionLost(Throwable cause) {
                    lost.incrementAndGet();
                }
            }, new InetSocketAddress("127.0.0.1", 0), ServerOptions.defaults()));
            InetSocketAddress at = (InetSocketAddress) server.addresses().getFirst();
            long callsBefore = driver.closeCalls();
            for (int i = 0; i < CONNECTIONS; i++) {
                Net.createConnection(loop, () -> new Protocol() {
                    @Override
                    public void connectionMade(Transport t) {
                    }

                    @Override
                    public void dataReceived(ByteBuffer data) {
                    }

                    @Override
                    public boolean eofReceived() {
                        eofs.incrementAndGet();
                        return false; // close
                    }

                    @Override
                    public void connectionLost(Throwable cause) {
                        lost.incrementAndGet();
                    }
                }, at, ConnectOptions.defaults());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((lost.get() < 2 * CONNECTIONS || driver.registrations() > 1) && System.nanoTime() < deadline) {
                loop.runUntilComplete(loop.submit(() -> null));
            }
            assertThat(eofs.get()).as("every client saw the server's FIN").isEqualTo(CONNECTIONS);
            assertThat(lost.get()).as("both ends of every connection closed").isEqualTo(2 * CONNECTIONS);
            assertThat(driver.registrations()).as("every connection's slot given back (the listener's left)").isEqualTo(1);
            assertThat(driver.closeCalls() - callsBefore).as("close(2) or shutdown(2) calls for connections").isZero();
            server.close();
        }
        before.assertNoneLeaked(Duration.ofMillis(500));
    }
}
