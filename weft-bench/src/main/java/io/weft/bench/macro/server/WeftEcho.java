package io.weft.bench.macro.server;

import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.LoopGroup;
import io.weft.loop.PollerKind;
import io.weft.net.GroupServer;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;

/**
 * Weft with callbacks: a {@link Protocol} that writes back what it reads, and stops reading
 * while its transport's write buffer is above the high-water mark (flow control, so a client
 * that does not read cannot make the server buffer without bound). One loop on its own thread,
 * or a {@link LoopGroup} of {@code loops} loops, on the backend it is given.
 */
final class WeftEcho implements EchoServer {
    private final int loops;
    private final PollerKind backend;
    private java.util.List<EventLoop> serving = java.util.List.of();

    WeftEcho(int loops, PollerKind backend) {
        this.loops = loops;
        this.backend = backend;
    }

    /** The echo itself. Writes copy what the socket does not take at once, so the lent buffer may go back. */
    static final class Echo implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }

        @Override
        public void pauseWriting() {
            transport.pauseReading();
        }

        @Override
        public void resumeWriting() {
            transport.resumeReading();
        }
    }

    @Override
    public int start() throws Exception {
        SocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        ServerOptions options = ServerOptions.builder().backlog(4096).build();
        LoopConfig config = LoopConfig.builder().poller(backend).threadName("weft-echo").build();
        if (loops > 1) {
            LoopGroup group = LoopGroup.start(loops, config);
            GroupServer server = Net.createServer(group, Echo::new, address, options);
            serving = group.loops();
            return ((InetSocketAddress) server.addresses().getFirst()).getPort();
        }
        EventLoop loop = EventLoop.start(config);
        serving = java.util.List.of(loop);
        CountDownLatch listening = new CountDownLatch(1);
        Server[] server = new Server[1];
        Throwable[] failure = new Throwable[1];
        loop.execute(() -> Net.createServer(loop, Echo::new, address, options).whenComplete((s, e) -> {
            server[0] = s;
            failure[0] = e;
            listening.countDown();
        }));
        listening.await();
        if (failure[0] != null) {
            throw new IllegalStateException("Weft could not listen", failure[0]);
        }
        return ((InetSocketAddress) server[0].addresses().getFirst()).getPort();
    }

    @Override
    public java.util.List<EventLoop> loops() {
        return serving;
    }
}
