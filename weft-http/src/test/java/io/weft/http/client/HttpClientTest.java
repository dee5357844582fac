package io.weft.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.http.HttpHandler;
import io.weft.http.HttpServer;
import io.weft.http.HttpServerOptions;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.net.SelfSignedCertificate;
import io.weft.net.ServerOptions;
import io.weft.net.TlsHandshakeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against Weft's server and against scripted broken servers, on loopback. */
class HttpClientTest {
    private EventLoop loop;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void startLoop() {
        loop = EventLoop.start(LoopConfig.builder().threadName("client-test").build());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        loop.close();
    }

    /** Runs {@code action} on the loop and waits for the promise it returns. */
    private <T> T onLoop(java.util.function.Supplier<Promise<T>> action) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> action.get().whenComplete((v, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(v);
            }
        }));
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    private int serve(HttpServerOptions options, HttpHandler handler) throws Exception {
        HttpServer s = onLoop(() -> HttpServer.listen(loop, new InetSocketAddress("127.0.0.1", 0), options, handler));
        cleanup.add(() -> loop.execute(s::close));
        return s.port();
    }

    /** A scripted server on a platform thread: reads one request head, then writes {@code reply(request)}. */
    private int broken(Function<String, String> reply, boolean closeAfter) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        cleanup.add(ss);
        Thread.ofPlatform().daemon().start(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    cleanup.add(s);
                    InputStream in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        int c = in.read();
                        if (c < 0) {
                            break;
                        }
                        head.append((char) c);
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(reply.apply(head.toString()).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (closeAfter) {
                        s.close();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        return ss.getLocalPort();
    }

    private HttpClient client(ClientOptions options) {
        return HttpClient.create(loop, options);
    }

    @Test
    void fetchesAndReusesTheConnection() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        int port = serve(HttpServerOptions.defaults(), (req, res) -> res.end(("you asked " + req.target()).getBytes(StandardCharsets.UTF_8)));
        HttpClient c = client(ClientOptions.defaults());
        for (int i = 0; i < 3; i++) {
            int n = i;
            FullResponse r = onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + port + "/q?n=" + n)));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("you asked /q?n=" + n);
            connections.set(onLoop(() -> Promise.completed(loop, c.connections())));
        }
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void readsChunkedAndCloseDelimitedBodies() throws Exception {
        int chunked = serve(HttpServerOptions.defaults(), (req, res) -> {
            res.write("abc".getBytes(StandardCharsets.US_ASCII));
            res.write("def".getBytes(StandardCharsets.US_ASCII));
            res.end();
        });
        HttpClient c = client(ClientOptions.defaults());
        assertThat(onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + chunked + "/"))).text()).isEqualTo("abcdef");
        int untilClose = broken(req -> "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it", true);
        assertThat(onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + untilClose + "/"))).text()).isEqualTo("all of it");
    }

    @Test
    void followsABoundedNumberOfRedirects() throws Exception {
        int port = serve(HttpServerOptions.defaults(), (req, res) -> {
            int n = Integer.parseInt(req.path().substring(1));
            if (n > 0) {
                res.status(302).header("Location", "/" + (n - 1)).end();
            } else {
                res.end("landed".getBytes(StandardCharsets.US_ASCII));
            }
        });
        HttpClient c = client(ClientOptions.builder().maxRedirects(3).build());
        FullResponse r = onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + port + "/3")));
        assertThat(r.text()).isEqualTo("landed");
        assertThat(r.head().uri().getPath()).isEqualTo("/0");
        assertThatThrownBy(() -> onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + port + "/4"))))
                .isInstanceOf(TooManyRedirectsException.class);
    }

    @Test
    void badServersGetTypedErrors() throws Exception {
        HttpClient c = client(ClientOptions.builder().bodyIdleTimeout(Duration.ofMillis(300)).headTimeout(Duration.ofMillis(300)).build());
        int garbage = broken(req -> "SSH-2.0-OpenSSH_9.6\r\n", true);
        assertThatThrownBy(() -> onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + garbage + "/"))))
                .isInstanceOf(MalformedResponseException.class);
        int shortBody = broken(req -> "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true);
        assertThatThrownBy(() -> onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + shortBody + "/"))))
                .isInstanceOfSatisfying(PrematureEndException.class, e -> assertThat(e.received()).isEqualTo(3));
        int longBody = broken(req -> "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef", false);
        assertThatThrownBy(() -> onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + longBody + "/"))))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("past the end");
        int neverEnds = broken(req -> "HTTP/1.1 200 OK\r\n\r\nsome but never closed", false);
        assertThatThrownBy(() -> onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + neverEnds + "/"))))
                .isInstanceOfSatisfying(HttpTimeoutException.class, e -> assertThat(e.kind()).isEqualTo(HttpTimeoutException.Kind.BODY_IDLE));
        int silent = broken(req -> "", false);
        assertThatThrownBy(() -> onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + silent + "/"))))
                .isInstanceOfSatisfying(HttpTimeoutException.class, e -> assertThat(e.kind()).isEqualTo(HttpTimeoutException.Kind.HEAD));
        int badChunks = broken(req -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false);
        assertThatThrownBy(() -> onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + badChunks + "/"))))
                .isInstanceOf(MalformedResponseException.class);
    }

    @Test
    void aStatusLineWithoutItsCodeIsMalformed() throws Exception {
        // Found by ParserFuzzTest#response: 12 bytes that end in CRLF CRLF were "incomplete" to the
        // parser but complete to the client, which then framed a body by a head never parsed.
        HttpClient c = client(ClientOptions.builder().headTimeout(Duration.ofSeconds(30)).build());
        int port = broken(req -> "HTTP/1.1\r\n\r\n", false);
        assertThatThrownBy(() -> onLoop(() -> c.fetch(ClientRequest.get("http://127.0.0.1:" + port + "/"))))
                .isInstanceOf(MalformedResponseException.class);
    }

    @Test
    void keepsWithinThePerHostLimit() throws Exception {
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        int port = serve(HttpServerOptions.defaults(), (req, res) -> {
            most.accumulateAndGet(busy.incrementAndGet(), Math::max);
            res.loop().callLater(Duration.ofMillis(20), () -> {
                busy.decrementAndGet();
                res.end("ok".getBytes(StandardCharsets.US_ASCII));
            });
        });
        HttpClient c = client(ClientOptions.builder().maxConnectionsPerHost(2).build());
        List<FullResponse> all = onLoop(() -> {
            List<Promise<FullResponse>> ps = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ps.add(c.fetch(ClientRequest.get("http://127.0.0.1:" + port + "/" + i)));
            }
            return Promise.all(loop, ps);
        });
        assertThat(all).hasSize(8).allSatisfy(r -> assertThat(r.text()).isEqualTo("ok"));
        assertThat(most.get()).isBetween(1, 2);
    }

    @Test
    void httpsVerifiesTheHostName() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        HttpServerOptions tls = HttpServerOptions.builder().socket(ServerOptions.builder().tls(cert.serverOptions()).build()).build();
        int port = serve(tls, (req, res) -> res.end("secret".getBytes(StandardCharsets.US_ASCII)));
        HttpClient c = client(ClientOptions.builder().tls(cert.clientOptions()).build());
        assertThat(onLoop(() -> c.fetch(ClientRequest.get("https://localhost:" + port + "/"))).text()).isEqualTo("secret");
        // The same trusted certificate, reached by a name it does not carry.
        assertThatThrownBy(() -> onLoop(() -> c.fetch(ClientRequest.get("https://127.0.0.1:" + port + "/"))))
                .isInstanceOf(TlsHandshakeException.class);
    }

    @Test
    void downloadsToAFileAndCancellingAbortsTheConnection() throws Exception {
        byte[] data = new byte[2 << 20];
        new java.util.Random(1).nextBytes(data);
        int port = serve(HttpServerOptions.defaults(), (req, res) -> {
            if (req.path().equals("/slow")) {
                res.write("x".getBytes(StandardCharsets.US_ASCII)); // and never more
            } else {
                res.end(data);
            }
        });
        HttpClient c = client(ClientOptions.defaults());
        Path file = dir.resolve("out.bin");
        ClientResponse r = onLoop(() -> c.download(ClientRequest.get("http://127.0.0.1:" + port + "/f"), file));
        assertThat(r.status()).isEqualTo(200);
        assertThat(Files.readAllBytes(file)).isEqualTo(data);

        CompletableFuture<Promise<ClientResponse>> pending = new CompletableFuture<>();
        loop.execute(() -> pending.complete(c.send(ClientRequest.get("http://127.0.0.1:" + port + "/slow"), head -> buf -> { })));
        Promise<ClientResponse> p = pending.get(10, TimeUnit.SECONDS);
        Thread.sleep(100);
        loop.execute(p::cancel);
        assertThatThrownBy(() -> p.toCompletableFuture().get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(java.util.concurrent.CancellationException.class);
        int open = onLoop(() -> Promise.completed(loop, c.connections()));
        assertThat(open).as("the cancelled exchange's connection is gone; the download's may idle").isLessThanOrEqualTo(1);
    }
}
