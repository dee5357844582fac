package io.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.testkit.NoFdLeaks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real peers: curl as the client ({@code --socks5-hostname}, {@code -x} forward, {@code -p -x}
 * CONNECT) and nginx as the origin, started on loopback by the test. Skipped, saying so, where
 * curl or nginx is not installed (.ci/run installs both).
 */
@ExtendWith(NoFdLeaks.class)
class RealClientsTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static Path root;
    private static Process nginx;
    private static int nginxPort;
    private static long fileCrc;

    private Harness h;

    @BeforeAll
    static void startNginx() throws Exception {
        String curl = which("curl");
        String ng = which("nginx");
        if (curl == null || ng == null) {
            System.out.println("RealClientsTest: skipped, " + (curl == null ? "curl" : "nginx")
                    + " is not installed (apt-get install curl nginx-light)");
            Assumptions.abort("curl or nginx missing");
        }
        root = Files.createTempDirectory("weft-proxy-nginx");
        // nginx's workers run as www-data: what they serve must be world-readable.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path www = Files.createDirectory(root.resolve("www"));
        Files.setPosixFilePermissions(www, PosixFilePermissions.fromString("rwxr-xr-x"));
        byte[] data = new byte[3 << 20];
        new java.util.Random(7).nextBytes(data);
        Path file = Files.write(www.resolve("blob.bin"), data);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        CRC32C c = new CRC32C();
        c.update(data);
        fileCrc = c.getValue();
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nginxPort = probe.getLocalPort();
        }
        Files.writeString(root.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server { listen 127.0.0.1:%2$d; root %1$s/www; }
                }
                """.formatted(root, nginxPort));
        nginx = new ProcessBuilder(ng, "-p", root.toString(), "-c", root.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), nginxPort)) {
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !nginx.isAlive()) {
                    throw new IllegalStateException("nginx did not start: " + Files.readString(root.resolve("nginx.out")));
                }
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
            nginx.destroyForcibly();
        }
        if (root != null) {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void setUp() {
        h = new Harness();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static String which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Runs curl with {@code args} for the blob and checks it arrived whole. */
    private void curlGetsTheBlob(String url, String... args) throws Exception {
        Path out = Files.createTempFile("weft-proxy-curl", ".bin");
        try {
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-o", out.toString(),
                    "-w", "%{http_code}"));
            cmd.addAll(List.of(args));
            cmd.add(url);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("curl " + cmd + ": " + output).isZero();
            assertThat(output).endsWith("200");
            CRC32C c = new CRC32C();
            c.update(Files.readAllBytes(out));
            assertThat(c.getValue()).as("the file through the proxy").isEqualTo(fileCrc);
        } finally {
            Files.delete(out);
        }
    }

    private String blobUrl(String host) {
        return "http://" + host + ":" + nginxPort + "/blob.bin";
    }

    @Test
    void curlThroughSocks5WithTheProxyResolvingTheName() throws Exception {
        SocksProxy p = h.await(() -> SocksProxy.start(h.loop, ANY, ProxyPolicy.defaults(), null, h));
        curlGetsTheBlob(blobUrl("localhost"), "--socks5-hostname", "127.0.0.1:" + p.address().getPort());
        assertThat(h.on(p::tunnelsOpened)).isEqualTo(1);
    }

    @Test
    void curlForwardAndConnectThroughTheHttpProxy() throws Exception {
        HttpProxy p = h.await(() -> HttpProxy.start(h.loop, ANY, ProxyPolicy.defaults(), h));
        String proxy = "http://127.0.0.1:" + p.address().getPort();
        curlGetsTheBlob(blobUrl("127.0.0.1"), "-x", proxy);        // absolute-form forward
        curlGetsTheBlob(blobUrl("127.0.0.1"), "-p", "-x", proxy);  // CONNECT tunnel
        assertThat(h.on(p::tunnelsOpened)).isEqualTo(1);
        assertThat(h.failures).isEmpty();
    }

    @Test
    void curlThroughTheBalancer() throws Exception {
        TcpBalancer b = h.await(() -> TcpBalancer.start(h.loop, ANY,
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), nginxPort)), BalancerOptions.defaults(),
                ProxyPolicy.defaults(), h));
        curlGetsTheBlob("http://127.0.0.1:" + b.address().getPort() + "/blob.bin");
    }
}
