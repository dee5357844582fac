package io.weft.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.ConnectionResetException;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.testkit.faults.Peers.Client;
import io.weft.testkit.faults.Peers.Echo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Weft's plain TCP transports through a {@link FaultProxy}, for what a well-behaved loopback
 * peer cannot show: a reset in the middle of a stream that the peer did not cause, and a
 * reader that is slow because the link is, not because it stopped reading.
 */
@Timeout(60)
class TransportFaultsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private EventLoop loop;
    private Server echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        loop = EventLoop.create();
        echo = run(Net.createServer(loop, Echo::new, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServerOptions.defaults()));
        proxy = FaultProxy.to((InetSocketAddress) echo.addresses().get(0)).socketBufferSize(32 * 1024).start();
    }

    @AfterEach
    void stop() {
        try {
            proxy.close();
            run(echo.shutdown(Duration.ofSeconds(5)));
        } finally {
            loop.close();
        }
    }

    private <T> T run(Promise<T> p) {
        return loop.runUntilComplete(p.withTimeout(PATIENCE));
    }

    private Client connect(Client c, ConnectOptions options) {
        run(Net.createConnection(loop, () -> c, proxy.address(), options));
        return c;
    }

    @Test
    void aResetMidStreamIsAConnectionResetForThatConnectionOnly() {
        proxy.toClient().resetAfter(200_000);
        Client victim = connect(new Client(loop), ConnectOptions.defaults());
        Client bystander = connect(new Client(loop), ConnectOptions.defaults());
        bystander.t.write("before ".getBytes());

        byte[] big = Peers.pattern(2 << 20, 1);
        victim.t.write(big);
        Throwable cause = run(victim.lost);

        assertThat(cause).isInstanceOf(ConnectionResetException.class);
        assertThat(victim.received.size()).as("echoed before the reset").isLessThanOrEqualTo(200_000);
        assertThat(victim.received.toByteArray()).isEqualTo(Arrays.copyOf(big, victim.received.size()));
        assertThat(victim.t.isClosing()).isTrue();

        // The other connection through the same proxy, on the same loop, goes on untouched.
        bystander.t.write("after".getBytes());
        bystander.t.writeEof();
        assertThat(run(bystander.lost)).as("a clean close").isNull();
        assertThat(bystander.received.toString()).isEqualTo("before after");
    }

    /** Writes a payload in 16 KiB pieces while not paused, then EOF; goes on at each resume. */
    private static final class SlowWriter extends Client {
        final byte[] payload;
        int sent;
        boolean eofSent;

        SlowWriter(EventLoop loop, byte[] payload) {
            super(loop);
            this.payload = payload;
        }

        void writeWhileAllowed() {
            while (!paused && sent < payload.length) {
                int n = Math.min(16 * 1024, payload.length - sent);
                t.write(Arrays.copyOfRange(payload, sent, sent + n));
                sent += n;
            }
            if (sent == payload.length && !eofSent) {
                eofSent = true;
                t.writeEof();
            }
        }

        @Override
        void onResume() {
            writeWhileAllowed();
        }
    }

    @Test
    void aSlowLinkPausesTheWriterAndResumesItAsItDrains() {
        // 8 MiB/s towards the echo server; its answers come back unthrottled. 16 MiB, so that
        // the writer's kernel send buffer (up to 4 MiB on Linux) cannot take it all at once.
        proxy.toUpstream().bandwidth(8 << 20);
        SlowWriter writer = new SlowWriter(loop, Peers.pattern(16 << 20, 2));
        connect(writer, ConnectOptions.builder().writeBufferLimits(64 * 1024, 16 * 1024).build());

        writer.writeWhileAllowed();
        Throwable cause = run(writer.lost);

        assertThat(cause).isNull();
        assertThat(writer.pauses).as("the slow link filled the write buffer").isPositive();
        assertThat(writer.resumes).as("and each pause ended").isEqualTo(writer.pauses);
        assertThat(writer.received.toByteArray()).as("every byte came back, in order").isEqualTo(writer.payload);
    }
}
