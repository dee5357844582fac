package io.weft.green;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.LoopGroup;
import io.weft.loop.PollerKind;
import io.weft.net.GroupServer;
import io.weft.net.ServerOptions;
import io.weft.testkit.EveryBackend;
import io.weft.testkit.FileDescriptors;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;

/**
 * Green-thread servers on a loop group: connections spread over every loop, each served by a
 * green thread of the loop that owns it, one handler made per loop on that loop; shutdown ends
 * them all and nothing leaks.
 */
@EveryBackend
@Timeout(60)
class GreenServerTest {
    @Parameter
    PollerKind backend;

    @Test
    void greenEchoOnTwoLoopsServesEveryConnectionOnItsOwnLoop() throws Exception {
        FileDescriptors.Snapshot before = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
        Map<EventLoop, AtomicInteger> served = new ConcurrentHashMap<>();
        List<String> wrongPlace = new CopyOnWriteArrayList<>();
        try (LoopGroup group = LoopGroup.start(2, LoopConfig.builder().poller(backend).threadName("green-grp").build())) {
            GroupServer server = GreenServer.serve(group, new InetSocketAddress("127.0.0.1", 0), ServerOptions.defaults(),
                    loop -> {
                        if (!loop.inLoop()) {
                            wrongPlace.add("perLoop called off its loop " + loop);
                        }
                        AtomicInteger mine = served.computeIfAbsent(loop, l -> new AtomicInteger());
                        return socket -> {
                            byte[] buf = new byte[512];
                            if (!Green.inGreenThread() || Green.loop() != loop
                                    || socket.writer().transport().loop() != loop) {
                                wrongPlace.add("a connection of " + socket.writer().transport().loop()
                                        + " served on " + Thread.currentThread());
                            }
                            mine.incrementAndGet();
                            for (int n; (n = socket.read(buf, 0, buf.length)) > 0; ) {
                                socket.write(ByteBuffer.wrap(buf, 0, n));
                            }
                        };
                    });
            InetSocketAddress addr = (InetSocketAddress) server.addresses().get(0);
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                Socket s = new Socket(addr.getAddress(), addr.getPort());
                s.setSoTimeout(10_000);
                clients.add(s);
            }
            for (int i = 0; i < clients.size(); i++) { // all open at once: each its own green thread
                OutputStream out = clients.get(i).getOutputStream();
                out.write(("ping" + i).getBytes());
            }
            for (int i = 0; i < clients.size(); i++) {
                InputStream in = clients.get(i).getInputStream();
                assertThat(new String(in.readNBytes(("ping" + i).length()))).isEqualTo("ping" + i);
            }
            assertThat(server.acceptedTotals()).hasSize(2).allSatisfy(n -> assertThat(n).isPositive());
            assertThat(served).hasSize(2);
            assertThat(served.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(64);

            // The handler returning (EOF here) closes the connection: the client reads EOF.
            Socket first = clients.getFirst();
            first.shutdownOutput();
            assertThat(first.getInputStream().read()).isEqualTo(-1);

            server.shutdown(Duration.ofSeconds(5)).join(); // the rest: closed by the server, their green threads end
            for (Socket s : clients) {
                assertThat(s.getInputStream().read()).as("closed by the shutdown").isEqualTo(-1);
                s.close();
            }
            assertThat(server.connectionCount()).isZero();
        }
        assertThat(wrongPlace).isEmpty();
        before.assertNoneLeaked(Duration.ofSeconds(1));
    }

    @Test
    void aHandlerThatThrowsAbortsItsConnectionAndIsReported() throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        LoopConfig config = LoopConfig.builder().poller(backend).threadName("green-fail")
                .exceptionHandler((l, ctx, e) -> reported.add(e)).build();
        try (LoopGroup group = LoopGroup.start(2, config)) {
            GroupServer server = GreenServer.serve(group, new InetSocketAddress("127.0.0.1", 0), ServerOptions.defaults(),
                    loop -> socket -> {
                        socket.read(1);
                        throw new IllegalStateException("handler bug");
                    });
            InetSocketAddress addr = (InetSocketAddress) server.addresses().get(0);
            try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write('x');
                int r;
                try {
                    r = s.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    r = -1; // aborted: a reset is as good as EOF here
                }
                assertThat(r).isEqualTo(-1);
            }
            server.shutdown(Duration.ofSeconds(5)).join();
        }
        assertThat(reported).singleElement().satisfies(e -> assertThat(e).hasMessage("handler bug"));
    }
}
