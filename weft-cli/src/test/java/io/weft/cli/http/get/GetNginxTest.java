package io.weft.cli.http.get;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Seed 001's scenario: {@code weft get} fetching one file from each of ten nginx servers, each
 * throttled with {@code limit_rate}, on loopback. The downloads share one loop, so the whole
 * run should take about as long as the slowest file, not the sum: the test prints both, and
 * checks every file arrived whole. Skipped, saying so, where nginx is not installed
 * ({@code apt-get install nginx-light}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GetNginxTest {
    private static final int SERVERS = 10;
    private static final int FILE_BYTES = 256 * 1024;
    private static final int RATE = 128 * 1024; // bytes per second per connection: about 2 s per file

    @TempDir
    Path tmp;

    private static Path nginx() {
        for (String p : new String[] {"/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"}) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    @Test
    void tenThrottledServersAtOnceTakeAboutAsLongAsTheSlowest() throws Exception {
        Path nginx = nginx();
        assumeTrue(nginx != null, "nginx is not installed: skipping seed 001's ten-server download (apt-get install nginx-light)");
        // nginx's workers may run as www-data: everything they serve must be world-readable.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.setPosixFilePermissions(www, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<byte[]> contents = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < SERVERS; i++) {
            byte[] b = new byte[FILE_BYTES];
            random.nextBytes(b);
            contents.add(b);
            Path f = Files.write(www.resolve("file" + i + ".bin"), b);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }
        int[] ports = new int[SERVERS];
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < SERVERS; i++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                ports[i] = s.getLocalPort();
            }
            servers.append("  server { listen 127.0.0.1:").append(ports[i]).append("; root ").append(www)
                    .append("; location / { limit_rate ").append(RATE).append("; } }\n");
        }
        Path prefix = Files.createDirectories(tmp.resolve("nginx"));
        Path conf = Files.writeString(prefix.resolve("nginx.conf"), """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  sendfile on;
                %2$s}
                """.formatted(prefix, servers));
        Process p = new ProcessBuilder(nginx.toString(), "-p", prefix.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        try {
            for (int port : ports) {
                awaitListening(port, p, prefix);
            }
            Path out = tmp.resolve("out");
            List<String> args = new ArrayList<>(List.of("get", "--parallel", Integer.toString(SERVERS), "-o", out.toString()));
            for (int i = 0; i < SERVERS; i++) {
                args.add("http://127.0.0.1:" + ports[i] + "/file" + i + ".bin");
            }
            CommandLine cli = Main.commandLine();
            StringWriter so = new StringWriter();
            StringWriter se = new StringWriter();
            cli.setOut(new PrintWriter(so, true));
            cli.setErr(new PrintWriter(se, true));
            long start = System.nanoTime();
            int exit = cli.execute(args.toArray(String[]::new));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(exit).as(so + "\n" + se).isZero();
            for (int i = 0; i < SERVERS; i++) {
                assertThat(Files.readAllBytes(out.resolve("file" + i + ".bin"))).isEqualTo(contents.get(i));
            }
            double one = FILE_BYTES / (double) RATE;
            System.out.printf("GetNginxTest: %d files of %d KiB at %d KiB/s each: %.1f s in all; one alone takes about %.1f s,"
                    + " one after another about %.1f s%n", SERVERS, FILE_BYTES / 1024, RATE / 1024, seconds, one, one * SERVERS);
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static void awaitListening(int port, Process p, Path prefix) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!p.isAlive()) {
                throw new AssertionError("nginx exited: " + Files.readString(prefix.resolve("stdout.log")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nginx did not listen on " + port);
    }
}
