package io.weft.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.net.GroupServer;
import io.weft.testkit.EveryBackend;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;

@EveryBackend
@Timeout(60)
class LoopGroupTest {
    /** The backend under test, injected by {@link EveryBackend}. */
    @Parameter
    PollerKind backend;


    /** Echo that records which loop thread served it. */
    static final class Echo implements Protocol {
        static final Set<String> threads = ConcurrentHashMap.newKeySet();
        Transport t;

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            t.write(data);
        }
    }

    @Test
    void connectionsSpreadOverEveryLoopAndEachStaysOnItsLoop() throws Exception {
        try (LoopGroup group = LoopGroup.start(2, LoopConfig.builder().poller(backend).threadName("grp").build())) {
            GroupServer server = Net.createServer(group, Echo::new, new InetSocketAddress("127.0.0.1", 0),
                    ServerOptions.defaults());
            InetSocketAddress addr = (InetSocketAddress) server.addresses().get(0);
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                Socket s = new Socket(addr.getAddress(), addr.getPort());
                s.setSoTimeout(10_000);
                clients.add(s);
                OutputStream out = s.getOutputStream();
                out.write(("ping" + i).getBytes());
                InputStream in = s.getInputStream();
                byte[] back = in.readNBytes(("ping" + i).length());
                assertThat(new String(back)).isEqualTo("ping" + i);
            }
            assertThat(server.acceptedTotals()).hasSize(2).allSatisfy(n -> assertThat(n).isPositive());
            assertThat(server.acceptedTotals().stream().mapToLong(Long::longValue).sum()).isEqualTo(64);
            for (Socket s : clients) {
                s.close();
            }
            server.shutdown(Duration.ofSeconds(5)).join();
            assertThat(server.connectionCount()).isZero();
        }
    }

    @Test
    void crossLoopMessagesArriveInOrderPerSender() throws Exception {
        try (LoopGroup group = LoopGroup.start(2, LoopConfig.builder().poller(backend).threadName("msg").build())) {
            EventLoop a = group.loops().get(0);
            EventLoop b = group.loops().get(1);
            int n = 100_000;
            List<Integer> received = new ArrayList<>(); // touched only on b's thread
            CountDownLatch done = new CountDownLatch(1);
            a.execute(() -> {
                for (int i = 0; i < n; i++) {
                    int v = i;
                    b.execute(() -> {
                        received.add(v);
                        if (received.size() == n) {
                            done.countDown();
                        }
                    });
                }
            });
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < n; i++) {
                assertThat(received.get(i)).isEqualTo(i);
            }
        }
    }

    @Test
    void aFailingLoopTurnDoesNotTakeTheOthersDown() throws Exception {
        AtomicInteger reported = new AtomicInteger();
        LoopConfig config = LoopConfig.builder().poller(backend).threadName("fail")
                .exceptionHandler((loop, ctx, e) -> reported.incrementAndGet()).build();
        try (LoopGroup group = LoopGroup.start(2, config)) {
            CountDownLatch ok = new CountDownLatch(2);
            group.loops().get(0).execute(() -> {
                throw new IllegalStateException("boom");
            });
            for (EventLoop l : group.loops()) {
                l.execute(ok::countDown);
            }
            assertThat(ok.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(reported.get()).isEqualTo(1);
            assertThat(group.loops()).allSatisfy(l -> assertThat(l.isRunning()).isTrue());
        }
    }

    @Test
    void closingTheGroupStopsEveryLoop() {
        LoopGroup group = LoopGroup.start(3, LoopConfig.builder().poller(backend).threadName("close").build());
        group.close();
        assertThat(group.loops()).allSatisfy(l -> assertThat(l.isClosed()).isTrue());
    }
}
