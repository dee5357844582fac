package io.weft.http;

import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An HTTP server on a loop of its own thread, on 127.0.0.1 and a free port, for one test. */
final class TestServer implements AutoCloseable {
    final EventLoop loop;
    final HttpServer server;

    TestServer(HttpServerOptions options, HttpHandler handler) throws Exception {
        loop = EventLoop.start(LoopConfig.builder().threadName("http-test").build());
        CompletableFuture<HttpServer> started = new CompletableFuture<>();
        loop.execute(() -> HttpServer.listen(loop, new InetSocketAddress("127.0.0.1", 0), options, handler)
                .whenComplete((s, e) -> {
                    if (e != null) {
                        started.completeExceptionally(e);
                    } else {
                        started.complete(s);
                    }
                }));
        server = started.get(10, TimeUnit.SECONDS);
    }

    TestServer(HttpHandler handler) throws Exception {
        this(HttpServerOptions.defaults(), handler);
    }

    int port() {
        return server.port();
    }

    /** Graceful shutdown, run on the loop; waits for it. */
    CompletableFuture<Void> shutdown(Duration deadline) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> server.shutdown(deadline).whenComplete((v, e) -> done.complete(null)));
        return done;
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            server.close();
            done.complete(null);
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the server did not close: " + e, e);
        } finally {
            loop.close();
        }
    }
}
