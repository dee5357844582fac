package io.weft.bench.macro.server;

import io.weft.green.GreenServerSocket;
import io.weft.green.GreenSocket;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Weft with green threads: the blocking-style echo, a green thread per connection that reads
 * and writes back, on one loop. {@link GreenSocket#write} parks above the high-water mark, so
 * flow control comes with the style.
 */
final class WeftGreenEcho implements EchoServer {
    /** Per connection: one message of the 1 KiB workloads, a quarter of a 16 KiB one. */
    private static final int BUFFER = 4 * 1024;

    private EventLoop loop;

    @Override
    public java.util.List<EventLoop> loops() {
        return loop == null ? java.util.List.of() : java.util.List.of(loop);
    }

    @Override
    public int start() throws Exception {
        EventLoop loop = EventLoop.start(LoopConfig.builder().threadName("weft-green-echo").build());
        this.loop = loop;
        CompletableFuture<Integer> port = new CompletableFuture<>();
        loop.spawn(() -> {
            try (GreenServerSocket server = GreenServerSocket.listen(new InetSocketAddress("127.0.0.1", 0),
                    ServerOptions.builder().backlog(4096).build())) {
                port.complete(((InetSocketAddress) server.addresses().getFirst()).getPort());
                while (true) {
                    GreenSocket c = server.accept();
                    loop.spawn(() -> echo(c));
                }
            } catch (Throwable e) {
                port.completeExceptionally(e);
                throw e;
            }
        });
        return port.get();
    }

    private static Void echo(GreenSocket c) {
        try (c) {
            // A buffer of the connection's own, read into and written from: nothing allocated per
            // read (GreenSocket.read(ByteBuffer)); the write copies only what the socket does not take.
            ByteBuffer buf = ByteBuffer.allocate(BUFFER);
            while (c.read(buf.clear()) > 0) {
                c.write(buf.flip());
            }
        } catch (IOException e) {
            // Reset by the client at the end of a run: nothing to do.
        }
        return null;
    }
}
