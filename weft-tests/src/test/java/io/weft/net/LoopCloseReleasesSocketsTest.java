package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import io.weft.loop.LoopClosedException;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.testkit.FileDescriptors;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
    void closingALoopFromAThreadOtherThanTheOneThatRanItGivesEveryDescriptorBack() throws Exception {
        // Thread A runs the loop (on io_uring that binds the ring to A: SINGLE_ISSUER) and leaves
        // it with live connections, each with a receive in the kernel, and stays alive meanwhile;
        // thread B closes it.
        FileDescriptors.Snapshot before = ioFds();
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch closedIt = new CountDownLatch(1);
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        AtomicReference<EventLoop> made = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Recorder> accepted = new CopyOnWriteArrayList<>();
        List<Recorder> clients = new CopyOnWriteArrayList<>();
        Thread runner = Thread.ofPlatform().name("runs-the-loop").start(() -> {
            try {
                made.set(openAndUse(accepted, clients, reported));
            } catch (Throwable e) {
                failed.set(e);
            }
            ready.countDown();
            try {
                closedIt.await(20, TimeUnit.SECONDS); // alive, elsewhere, while B closes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(ready.await(20, TimeUnit.SECONDS)).as("the runner did its part").isTrue();
        assertThat(failed.get()).as("the runner's failure").isNull();
        EventLoop own = made.get();
        assertThat(before.openedSince()).as("a listener and 8 connections' two ends").hasSizeGreaterThanOrEqualTo(17);

        try {
            own.close(); // on this thread, not the runner's
        } finally {
            closedIt.countDown();
            runner.join(20_000);
        }

        assertThat(clients).allSatisfy(c -> assertThat(c.lost.isDone()).as("a client heard").isTrue());
        assertThat(accepted).allSatisfy(r -> assertThat(r.lost.isDone()).as("an accepted one heard").isTrue());
        assertNoLeak(before);
        // io_uring cannot free what the kernel may still write without entering the ring, which
        // only the runner may do: it says so, once; no other backend reports anything.
        assertThat(reported).as("reports to the loop's handler").allSatisfy(e -> assertThat(e.getMessage())
                .as("io_uring's one report").contains("SINGLE_ISSUER", "descriptors are closed"));
        assertThat(reported).hasSizeLessThanOrEqualTo(backend == PollerKind.IO_URING ? 1 : 0);
    }

    /** A loop run by the calling thread: a server, 8 connections to it, "hello" through each. */
    private EventLoop openAndUse(List<Recorder> accepted, List<Recorder> clients, List<Throwable> reported) {
        EventLoop own = EventLoop.create(LoopConfig.builder().poller(backend)
                .exceptionHandler((l, context, error) -> reported.add(error)).build());
        Server server = own.runUntilComplete(Net.createServer(own, () -> {
            Recorder r = new Recorder(own);
            accepted.add(r);
            return r;
        }, new InetSocketAddress("127.0.0.1", 0), ServerOptions.defaults()));
        InetSocketAddress at = (InetSocketAddress) server.addresses().getFirst();
        for (int i = 0; i < 8; i++) {
            Recorder c = own.runUntilComplete(Net.createConnection(own, () -> new Recorder(own), at,
                    ConnectOptions.defaults()));
            c.t.write(ByteBuffer.wrap("hello".getBytes()));
            clients.add(c);
        }
        while (accepted.size() < 8 || accepted.stream().anyMatch(r -> r.received.size() < 5)) {
            own.runUntilComplete(own.submit(() -> null));
        }
        return own;
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
                CountDownLatch asked = new CountDownLatch(1);
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
            AtomicInteger connects = new AtomicInteger();
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
