package io.weft.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.testing.CommandRun;
import io.weft.testkit.FileDescriptors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weft proxy socks|http|tcp} run in-process as commands on two loops, with bytes moved
 * through each by a JDK client (always) and by curl where it is installed (else that part is
 * skipped, saying so on stdout). The origin is a small blocking HTTP/1.1 server of the test's.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProxyCommandTest {
    private static final byte[] BODY = new byte[300_000];

    static {
        new Random(13).nextBytes(BODY);
    }

    @TempDir
    Path tmp;

    private Origin origin;
    private FileDescriptors.Snapshot fdsBefore;

    @BeforeEach
    void setUp() throws IOException {
        fdsBefore = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
        origin = new Origin();
    }

    @AfterEach
    void tearDown() throws IOException {
        origin.close();
        fdsBefore.assertNoneLeaked(Duration.ofSeconds(5));
    }

    private static int listening(CommandRun run, String kind) {
        return Integer.parseInt(run.awaitLine("weft proxy " + kind + ": listening on 127\\.0\\.0\\.1:(\\d+) \\(2 loops\\)").group(1));
    }

    private static void stop(CommandRun run, String kind) {
        run.stop();
        assertThat(run.exitCode()).as("exit code (stderr: %s)", run.stderr()).isZero();
        run.awaitLine("weft proxy " + kind + " stopped");
    }

    @Test
    void socksCarriesAJdkClientAndCurl() throws Exception {
        CommandRun run = CommandRun.start("proxy", "socks", "--port", "0", "--loops", "2");
        int port = listening(run, "socks");
        try (Socket s = new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", port)))) {
            s.setSoTimeout(20_000);
            s.connect(new InetSocketAddress("127.0.0.1", origin.port()), 5000);
            assertThat(Origin.get(s, "/body", null)).isEqualTo(BODY);
        }
        if (Curl.installed("socks")) {
            for (int i = 0; i < 4; i++) { // several connections, so both loops take some
                Curl.Result r = Curl.run("--socks5-hostname", "127.0.0.1:" + port, origin.url("/body"));
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.body()).isEqualTo(BODY);
            }
        }
        stop(run, "socks");
    }

    @Test
    void httpAsksForCredentialsThenForwardsAndTunnels() throws Exception {
        Path users = Files.writeString(tmp.resolve("users"), "# who may use it\nann:open sesame\n");
        CommandRun run = CommandRun.start("proxy", "http", "--port", "0", "--loops", "2", "--users", users.toString());
        int port = listening(run, "http");
        String good = "Basic " + Base64.getEncoder().encodeToString("ann:open sesame".getBytes(StandardCharsets.UTF_8));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            assertThat(Origin.status(s, origin.url("/body"), null)).isEqualTo(407);
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            assertThat(Origin.get(s, origin.url("/body"), good)).isEqualTo(BODY);
            assertThat(Origin.get(s, origin.url("/body"), good)).as("keep-alive").isEqualTo(BODY);
        }
        if (Curl.installed("http")) {
            String proxy = "http://127.0.0.1:" + port;
            Curl.Result denied = Curl.run("-x", proxy, "-o", "/dev/null", "-w", "%{http_code}", origin.url("/body"));
            assertThat(new String(denied.body(), StandardCharsets.US_ASCII)).isEqualTo("407");
            Curl.Result forward = Curl.run("-x", proxy, "--proxy-user", "ann:open sesame", origin.url("/body"));
            assertThat(forward.exit()).as(forward.err()).isZero();
            assertThat(forward.body()).isEqualTo(BODY);
            Curl.Result tunnel = Curl.run("-p", "-x", proxy, "--proxy-user", "ann:open sesame", origin.url("/body"));
            assertThat(tunnel.exit()).as(tunnel.err()).isZero();
            assertThat(tunnel.body()).isEqualTo(BODY);
        }
        stop(run, "http");
        assertThat(run.stderr()).contains("authentication");
    }

    @Test
    void tcpBalancesOverTwoServersAndCarriesCurl() throws Exception {
        try (Origin second = new Origin()) {
            CommandRun run = CommandRun.start("proxy", "tcp", "--port", "0", "--loops", "2", "--to",
                    "127.0.0.1:" + origin.port() + ",127.0.0.1:" + second.port(), "--check-interval", "200ms",
                    "--check-http", "/health");
            int port = listening(run, "tcp");
            for (int i = 0; i < 4; i++) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(20_000);
                    assertThat(Origin.get(s, "/body", null)).isEqualTo(BODY);
                }
            }
            // Through the balancer only: the origins count the health checks' GETs apart.
            assertThat(origin.requests()).as("round robin").isEqualTo(2);
            assertThat(second.requests()).isEqualTo(2);
            awaitTrue("both servers health-checked by HTTP GET", () -> origin.checks() > 0 && second.checks() > 0);
            if (Curl.installed("tcp")) {
                Curl.Result r = Curl.run("http://127.0.0.1:" + port + "/body");
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.body()).isEqualTo(BODY);
            }
            stop(run, "tcp");
        }
    }

    /** A tunnel's close line says how many bytes went socket to socket: many on a backend that splices, none with --no-zero-copy. */
    @Test
    void noZeroCopyCopiesWhereTheBackendWouldSplice() throws Exception {
        for (String poller : new String[] {"epoll", "io_uring"}) {
            if (!io.weft.testkit.Backends.list().contains(io.weft.loop.PollerKind.parse(poller))) {
                System.out.println(poller + " cannot run here: skipped");
                continue;
            }
            for (boolean copy : new boolean[] {false, true}) {
                List<String> args = new ArrayList<>(List.of("proxy", "tcp", "--port", "0", "--loops", "2", "--poller", poller,
                        "--verbose", "--to", "127.0.0.1:" + origin.port()));
                if (copy) {
                    args.add("--no-zero-copy");
                }
                CommandRun run = CommandRun.start(args.toArray(String[]::new));
                int port = listening(run, "tcp");
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(20_000);
                    assertThat(Origin.get(s, "/body", null)).isEqualTo(BODY);
                }
                java.util.regex.Pattern closed = java.util.regex.Pattern.compile("closed: \\d+ bytes up, \\d+ down, (\\d+) spliced");
                awaitTrue("the tunnel's close line", () -> closed.matcher(run.stderr()).find());
                java.util.regex.Matcher m = closed.matcher(run.stderr());
                assertThat(m.find()).isTrue();
                long spliced = Long.parseLong(m.group(1));
                if (copy) {
                    assertThat(spliced).as("--no-zero-copy on " + poller).isZero();
                } else {
                    assertThat(spliced).as("zero copy on " + poller).isPositive();
                }
                stop(run, "tcp");
            }
        }
    }

    @Test
    void badFlagsExitTwoSayingWhy() {
        CommandRun run = CommandRun.start("proxy", "socks", "--port", "0", "--loops", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--loops must be 1 to 1024");
        CommandRun open = CommandRun.start("proxy", "http", "--port", "0", "--host", "0.0.0.0");
        assertThat(open.exitCode()).isEqualTo(2);
        assertThat(open.stderr()).contains("--allow");
        CommandRun check = CommandRun.start("proxy", "tcp", "--port", "0", "--to", "127.0.0.1:9", "--check-send", "PING");
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.stderr()).contains("--check-send and --check-expect go together");
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** curl as a client, where installed. */
    static final class Curl {
        record Result(int exit, byte[] body, String err) {
        }

        static boolean installed(String what) {
            String path = System.getenv("PATH");
            boolean found = path != null && Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "curl")));
            if (!found) {
                System.out.println("ProxyCommandTest: the curl part of the " + what + " test is skipped: curl is not"
                        + " installed (apt-get install curl)");
            }
            return found;
        }

        static Result run(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            }, r -> Thread.ofPlatform().daemon().start(r));
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("curl finished").isTrue();
            return new Result(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
        }
    }

    /** A keep-alive HTTP/1.1 origin answering every GET with {@link #BODY}; counts its connections. */
    static final class Origin implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        private final List<Socket> open = java.util.Collections.synchronizedList(new ArrayList<>());
        private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();

        Origin() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        connections.incrementAndGet();
                        open.add(s);
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                for (String head; (head = head(in)) != null; ) {
                    if (head.startsWith("GET /health ")) {
                        checks.incrementAndGet();
                    } else {
                        requests.incrementAndGet();
                    }
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(BODY);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the client left
            } finally {
                open.remove(s);
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        int requests() {
            return requests.get();
        }

        int checks() {
            return checks.get();
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        static String head(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                String s = b.toString(StandardCharsets.ISO_8859_1);
                if (s.endsWith("\r\n\r\n")) {
                    return s;
                }
            }
            return null;
        }

        private static String ask(Socket s, String target, String auth) throws IOException {
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (auth == null ? "" : "Proxy-Authorization: " + auth + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            return head(s.getInputStream());
        }

        static int status(Socket s, String target, String auth) throws IOException {
            return Integer.parseInt(ask(s, target, auth).substring(9, 12));
        }

        /** GETs {@code target} on {@code s} and returns the body (by its Content-Length). */
        static byte[] get(Socket s, String target, String auth) throws IOException {
            String head = ask(s, target, auth);
            assertThat(head).startsWith("HTTP/1.1 200");
            int at = head.toLowerCase().indexOf("content-length: ") + 16;
            int n = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
            return s.getInputStream().readNBytes(n);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }
}
