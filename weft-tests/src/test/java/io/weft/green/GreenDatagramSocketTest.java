package io.weft.green;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.DatagramOptions;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.testkit.EveryBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@EveryBackend
@Timeout(30)
class GreenDatagramSocketTest {
    /** The backend under test, injected by {@link EveryBackend}. */
    @Parameter
    PollerKind backend;
    EventLoop loop;

    @BeforeEach
    void openLoop() {
        loop = EventLoop.create(LoopConfig.builder().poller(backend).build());
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    @Test
    void greenThreadsEchoDatagramsWithBoundariesKept() {
        Promise<SocketAddress> bound = loop.newPromise();
        loop.spawn(() -> {
            try (GreenDatagramSocket server = GreenDatagramSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
                bound.complete(server.localAddress());
                while (true) {
                    GreenDatagramSocket.Datagram d = server.receive();
                    server.sendTo(d.data(), d.from());
                }
            }
        });
        SocketAddress server = loop.runUntilComplete(bound);
        String got = loop.runUntilComplete(loop.spawn(() -> {
            // Unconnected, since an empty datagram can only be sent that way (see DatagramTransport).
            try (GreenDatagramSocket client = GreenDatagramSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
                StringBuilder sb = new StringBuilder();
                for (String m : new String[] {"one", "", "three"}) {
                    client.sendTo(m.getBytes(), server);
                    GreenDatagramSocket.Datagram d = client.receive();
                    sb.append('[').append(new String(d.data())).append(']');
                }
                return sb.toString();
            }
        }));
        assertThat(got).isEqualTo("[one][][three]");
    }

    @Test
    void aConnectedSocketsReceiveThrowsPortUnreachable() throws Exception {
        int closedPort;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        Promise<Void> p = loop.spawn(() -> {
            try (GreenDatagramSocket s = GreenDatagramSocket.open(null,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort), DatagramOptions.defaults())) {
                s.send("anyone?".getBytes());
                s.receive();
            }
            return null;
        });
        assertThatThrownBy(() -> loop.runUntilComplete(p)).rootCause().isInstanceOf(PortUnreachableException.class);
    }

    @Test
    void cancellingAParkedReceiveThrowsCancellation() {
        Promise<Void> p = loop.spawn(() -> {
            try (GreenDatagramSocket s = GreenDatagramSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
                s.receive();
            }
            return null;
        });
        loop.callLater(Duration.ofMillis(20), p::cancel);
        assertThatThrownBy(() -> loop.runUntilComplete(p)).isInstanceOf(CancellationException.class);
    }
}
