package io.weft.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server against the clients users have: curl and Python's http.client. Skipped, saying so, where they are missing. */
class RealPeersTest {

    private static final HttpHandler ECHO_SHA = (req, res) -> {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long[] n = {0};
        req.readBody(new BodyListener() {
            @Override
            public void onData(ByteBuffer data) {
                n[0] += data.remaining();
                sha.update(data);
            }

            @Override
            public void onEnd() {
                res.header("Content-Type", "text/plain")
                        .end((req.method() + " " + req.target() + " " + n[0] + " " + java.util.HexFormat.of().formatHex(sha.digest()))
                                .getBytes(StandardCharsets.US_ASCII));
            }

            @Override
            public void onError(Throwable cause) {
                res.fail(cause);
            }
        });
    };

    @TempDir
    Path dir;

    private static boolean have(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void curlReusesTheConnectionAndUploadsWith100Continue() throws Exception {
        assumeTrue(have("curl"), "curl is not installed: skipping the curl peer test (apt-get install curl)");
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        Path file = Files.write(dir.resolve("up.bin"), data);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        try (TestServer s = new TestServer(ECHO_SHA)) {
            String base = "http://127.0.0.1:" + s.port();
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-v", "--no-progress-meter"));
            cmd.addAll(List.of(base + "/a", base + "/b"));
            String out = run(cmd);
            assertThat(out).contains("GET /a 0 ", "GET /b 0 ");
            assertThat(out).containsPattern("(?i)re-?using (existing )?connection");

            String up = run(List.of("curl", "-sS", "-v", "-H", "Expect: 100-continue", "--data-binary", "@" + file, base + "/up"));
            assertThat(up).contains("HTTP/1.1 100 Continue", "POST /up " + data.length + " " + sha);

            String chunked = run(List.of("curl", "-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, base + "/c"));
            assertThat(chunked).contains("POST /c " + data.length + " " + sha);

            String head = run(List.of("curl", "-sS", "-I", base + "/h"));
            assertThat(head).contains("HTTP/1.1 200 OK", "Content-Length: ");
        }
    }

    @Test
    void pythonHttpClientKeepsAliveAndSendsChunked() throws Exception {
        assumeTrue(have("python3"), "python3 is not installed: skipping the http.client peer test");
        try (TestServer s = new TestServer(ECHO_SHA)) {
            String script = """
                    import http.client, hashlib, sys
                    c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=20)
                    for i in range(3):
                        c.request('GET', '/g%d' % i)
                        r = c.getresponse()
                        print(r.status, r.read().decode())
                    sock = c.sock
                    body = b'x' * 100000
                    c.request('PUT', '/p', body=body)
                    r = c.getresponse()
                    print(r.status, r.read().decode(), hashlib.sha256(body).hexdigest())
                    def gen():
                        yield b'abc'
                        yield b'defg'
                    c.request('POST', '/chunked', body=gen(), encode_chunked=True)
                    r = c.getresponse()
                    print(r.status, r.read().decode())
                    print('same socket', c.sock is sock)
                    c.request('GET', '/bad|path')
                    try:
                        r = c.getresponse()
                        print('bad', r.status)
                    except Exception as e:
                        print('bad error', e)
                    """;
            Path py = Files.writeString(dir.resolve("client.py"), script);
            String out = run(List.of("python3", py.toString(), Integer.toString(s.port())));
            assertThat(out).contains("200 GET /g0 0", "200 GET /g2 0", "200 PUT /p 100000", "200 POST /chunked 7", "same socket True");
            String[] put = out.lines().filter(l -> l.startsWith("200 PUT")).findFirst().orElseThrow().split(" ");
            assertThat(put[4]).as("sha of the body the server saw").isEqualTo(put[5]);
            assertThat(out).contains("bad 400");
        }
    }
}
