package io.weft.cli.http.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.cli.testing.CommandRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft serve DIR} run in-process, asked over raw sockets so that nothing normalises the paths. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    @TempDir
    Path tmp;

    private Path site;
    private CommandRun run;
    private int port;

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    @BeforeEach
    void start() throws IOException {
        site = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(site.resolve("data.json"), "{\"a\":1}");
        Files.writeString(site.resolve("digits.txt"), "0123456789");
        Files.createDirectories(site.resolve("sub"));
        Files.writeString(site.resolve("sub/a b.css"), "body{}");
        Files.writeString(tmp.resolve("secret.txt"), "do not serve");
        Files.createSymbolicLink(site.resolve("escape"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(site.resolve("inside"), site.resolve("digits.txt"));
        Files.write(site.resolve("big.bin"), BIG);
        run = CommandRun.start("serve", site.toString(), "--port", "0", "--loops", "2");
        Matcher m = run.awaitLine("weft serve: .* on http://127\\.0\\.0\\.1:(\\d+)/ \\(2 loops\\)");
        port = Integer.parseInt(m.group(1));
    }

    @AfterEach
    void stop() {
        run.stop();
        assertThat(run.exitCode()).isZero();
    }

    private Response ask(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String status = line(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l; !(l = line(in)).isEmpty(); ) {
                int c = l.indexOf(':');
                headers.put(l.substring(0, c).toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
            }
            int code = Integer.parseInt(status.substring(9, 12));
            String body = "";
            if (!request.startsWith("HEAD") && headers.containsKey("content-length") && code != 304) {
                body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
            }
            return new Response(code, headers, body);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("closed mid-line");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** A body large enough to need many writable events (5 MiB), never a string. */
    private static final byte[] BIG = bytes(5 << 20, 11);

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    private Response get(String path, String... headers) throws IOException {
        return ask("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + String.join("", headers) + "\r\n");
    }

    @Test
    void servesFilesWithTheirTypesAndIndexHtml() throws IOException {
        Response home = get("/");
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).isEqualTo("<h1>home</h1>");
        assertThat(home.header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(get("/data.json").header("content-type")).isEqualTo("application/json");
        Response css = get("/sub/a%20b.css");
        assertThat(css.body()).isEqualTo("body{}");
        assertThat(css.header("content-type")).startsWith("text/css");
        assertThat(get("/inside").body()).as("a link that stays inside").isEqualTo("0123456789");
        Response redirect = get("/sub");
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.header("location")).isEqualTo("/sub/");
        assertThat(get("/sub/").body()).contains("a%20b.css");
        assertThat(get("/missing").status()).isEqualTo(404);
        assertThat(ask("DELETE /data.json HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(405);
    }

    /**
     * A large file, a range of it, and a HEAD, pipelined on one kept-alive connection: each body
     * byte for byte, in order; then 50 connections at once over the two loops.
     */
    @Test
    void aLargeFileItsRangesAndManyConnectionsOverTwoLoops() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-2000999\r\n\r\n"
                    + "HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            Map<String, String> h = head(in, 200);
            assertThat(h.get("content-length")).isEqualTo(Integer.toString(BIG.length));
            assertThat(in.readNBytes(BIG.length)).isEqualTo(BIG);
            h = head(in, 206);
            assertThat(h.get("content-range")).isEqualTo("bytes 1000-2000999/" + BIG.length);
            assertThat(in.readNBytes(2_000_000)).isEqualTo(java.util.Arrays.copyOfRange(BIG, 1000, 2_001_000));
            h = head(in, 200);
            assertThat(h.get("content-length")).isEqualTo(Integer.toString(BIG.length));
        }
        java.util.List<Socket> many = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                many.add(s);
                s.getOutputStream().write("GET /digits.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            for (Socket s : many) {
                InputStream in = s.getInputStream();
                assertThat(head(in, 200).get("content-length")).isEqualTo("10");
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("0123456789");
            }
        } finally {
            for (Socket s : many) {
                s.close();
            }
        }
    }

    /** Reads a response head, checks its status, returns its fields (names in lower case). */
    private static Map<String, String> head(InputStream in, int status) throws IOException {
        String line = line(in);
        assertThat(line).startsWith("HTTP/1.1 " + status);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l; !(l = line(in)).isEmpty(); ) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
        }
        return headers;
    }

    @Test
    void rangesAnswer206And416() throws IOException {
        Response r = get("/digits.txt", "Range: bytes=2-4\r\n");
        assertThat(r.status()).isEqualTo(206);
        assertThat(r.body()).isEqualTo("234");
        assertThat(r.header("content-range")).isEqualTo("bytes 2-4/10");
        assertThat(get("/digits.txt", "Range: bytes=7-\r\n").body()).isEqualTo("789");
        assertThat(get("/digits.txt", "Range: bytes=-2\r\n").body()).isEqualTo("89");
        assertThat(get("/digits.txt", "Range: bytes=5-100\r\n").body()).isEqualTo("56789");
        Response past = get("/digits.txt", "Range: bytes=10-\r\n");
        assertThat(past.status()).isEqualTo(416);
        assertThat(past.header("content-range")).isEqualTo("bytes */10");
        assertThat(get("/digits.txt", "Range: bytes=0-1,4-5\r\n").status()).as("several ranges: the whole file").isEqualTo(200);
        assertThat(get("/digits.txt", "Range: bytes=2-4\r\n", "If-Range: \"stale\"\r\n").status()).isEqualTo(200);
    }

    @Test
    void validatorsAnswer304AndHeadSendsNoBody() throws IOException {
        Response first = get("/digits.txt");
        String etag = first.header("etag");
        assertThat(etag).startsWith("\"");
        assertThat(get("/digits.txt", "If-None-Match: " + etag + "\r\n").status()).isEqualTo(304);
        assertThat(get("/digits.txt", "If-None-Match: \"other\", W/" + etag + "\r\n").status()).isEqualTo(304);
        assertThat(get("/digits.txt", "If-None-Match: \"other\"\r\n").status()).isEqualTo(200);
        String lastModified = first.header("last-modified");
        assertThat(get("/digits.txt", "If-Modified-Since: " + lastModified + "\r\n").status()).isEqualTo(304);
        assertThat(get("/digits.txt", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n").status()).isEqualTo(200);
        Response head = ask("HEAD /digits.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(head.header("content-length")).isEqualTo("10");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void pathsThatEscapeTheDirectoryAre404() throws IOException {
        for (String p : new String[] {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/sub/..%2f..%2fsecret.txt",
                "/sub/%2e%2e/%2e%2e/secret.txt", "/escape", "/digits.txt%00.html", "/%ff"}) {
            Response r = get(p);
            assertThat(r.status()).as(p).isEqualTo(404);
            assertThat(r.body()).as(p).doesNotContain("do not serve");
        }
    }

    @Test
    void logsOneLinePerRequest() throws IOException {
        get("/digits.txt");
        get("/missing");
        // Two connections, perhaps on two loops: their lines may come in either order.
        String either = "127\\.0\\.0\\.1:\\d+ GET (/digits\\.txt 200|/missing 404) 10 \\d+\\.\\dms";
        String first = run.awaitLine(either).group(1);
        String second = run.awaitLine(either).group(1);
        assertThat(java.util.Set.of(first, second)).containsExactlyInAnyOrder("/digits.txt 200", "/missing 404");
    }
}
