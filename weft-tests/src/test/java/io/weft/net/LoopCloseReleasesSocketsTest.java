package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import io.weft.loop.LoopClosedException;
import io.weft.loop.LoopConfig;
import io.weft.testkit.FileDescriptors;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Closing a loop closes what is still open on it: servers, their connections, client
 * connections and datagram endpoints. Before, their descriptors stayed open until the process
 * ended (or each was closed by hand), and their protocols never heard. (The test makes a loop of
 * its own beside the one {@link NetTestSupport} gives it, on the same backend, so it can close it.)
 */
class LoopCloseReleasesSocketsTest extends NetTestSupport {

    @Test
    void closingALoopWithLiveServersConnectionsAndEndpointsGivesEveryDescriptorBack() throws Exception {
        FileDescriptors.Snapshot before = ioFds();
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        EventLoop own = EventLoop.create(LoopConfig.builder().poller(backend)
                .exceptionHandler((l, context, error) -> reported.add(error)).build());
        Recorder[] accepted = new Recorder[1];
        Server server = own.runUntilComplete(Net.createServer(own, () -> accepted[0] = new Recorder(own),
                new InetSocketAddress("127.0.0.1", 0), ServerOptions.defaults()));
        InetSocketAddress at = (InetSocketAddress) server.addresses().getFirst();
        Recorder client = own.runUntilComplete(Net.createConnection(own, () -> new Recorder(own), at,
                ConnectOptions.defaults()));
        client.t.write(ByteBuffer.wrap("hello".getBytes()));
        while (accepted[0] == null || accepted[0].received.size() < 5) {
            own.runUntilComplete(own.submit(() -> null));
        }
        DatagramProtocol quiet = new DatagramProtocol() {
            @Override
            public void connectionMade(DatagramTransport transport) {
            }

            @Override
            public void datagramReceived(ByteBuffer data, java.net.SocketAddress from) {
            }
        };
        own.runUntilComplete(Net.createDatagramEndpoint(own, () -> quiet, new InetSocketAddress("127.0.0.1", 0),
                null, DatagramOptions.defaults()));
        assertThat(before.openedSince()).as("a listener, two ends of a connection, a UDP socket").hasSizeGreaterThanOrEqualTo(4);

        own.close();

        assertThat(client.lost.isDone()).as("the client's protocol heard").isTrue();
        assertThat(client.lost.join()).isInstanceOf(LoopClosedException.class);
        assertThat(accepted[0].lost.isDone()).as("the accepted connection's protocol heard").isTrue();
        assertThat(server.connectionCount()).isZero();
        assertThat(before.openedSince()).as("every socket of the loop closed with it").isEmpty();
        assertThat(reported).isEmpty();
    }

    @Test
    void closingALoopWithConnectsInFlightGivesTheirSocketsBack() throws Exception {
        // A listener whose backlog takes the connections (the kernel completes the handshake), so
        // each connect is done in the kernel but not yet heard by the loop when it closes.
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 64, java.net.InetAddress.getLoopbackAddress())) {
            FileDescriptors.Snapshot before = ioFds();
            EventLoop own = EventLoop.create(LoopConfig.builder().poller(backend).build());
            List<io.weft.future.Promise<Recorder>> connects = new java.util.ArrayList<>();
            own.runUntilComplete(own.submit(() -> {
                for (int i = 0; i < 8; i++) {
                    connects.add(Net.createConnection(own, () -> new Recorder(own),
                            new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), ConnectOptions.defaults()));
                }
                return null;
            }));
            own.close();
            assertThat(connects).allSatisfy(c -> assertThat(c.isDone()).as("a connect in flight ends with the loop").isTrue());
            assertThat(before.openedSince()).as("every connecting socket closed with the loop").isEmpty();
        }
    }

    @Test
    void closingARunningLoopFromAnotherThreadWithConnectsInFlightGivesTheirSocketsBack() throws Exception {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 512, java.net.InetAddress.getLoopbackAddress())) {
            InetSocketAddress at = new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
            FileDescriptors.Snapshot before = ioFds();
            for (int round = 0; round < 40; round++) {
                EventLoop own = EventLoop.start(LoopConfig.builder().poller(backend).threadName("closing-" + round).build());
                java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
                int delay = round % 4;
                own.execute(() -> {
                    for (int i = 0; i < 4; i++) {
                        Net.createConnection(own, () -> new Recorder(own), at, ConnectOptions.defaults());
                    }
                    asked.countDown();
                });
                asked.await();
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                own.close();
            }
            assertThat(before.openedSince()).as("every connecting socket closed with its loop").isEmpty();
        }
    }

    @Test
    void aClientThatReconnectsWhenItsConnectionIsLostLeavesNoSocketWhenTheLoopCloses() throws Exception {
        // A common client: connectionLost connects again. The loop's close runs connectionLost
        // after closing what is open; the connect it starts then must close with the loop too.
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 64, java.net.InetAddress.getLoopbackAddress())) {
            InetSocketAddress at = new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
            FileDescriptors.Snapshot before = ioFds();
            EventLoop own = EventLoop.create(LoopConfig.builder().poller(backend).build());
            java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
            class Reconnecting implements Protocol {
                @Override
                public void connectionMade(Transport t) {
                }

                @Override
                public void dataReceived(ByteBuffer data) {
                }

                @Override
                public void connectionLost(Throwable cause) {
                    connects.incrementAndGet();
                    Net.createConnection(own, Reconnecting::new, at, ConnectOptions.defaults());
                }
            }
            own.runUntilComplete(Net.createConnection(own, Reconnecting::new, at, ConnectOptions.defaults()));
            own.close();
            assertThat(connects.get()).as("connectionLost ran and connected again").isPositive();
            assertThat(before.openedSince()).as("the reconnect's socket closed with the loop").isEmpty();
        }
    }
}
