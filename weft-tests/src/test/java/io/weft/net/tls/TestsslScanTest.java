package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.future.Promise;
import io.weft.net.Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code testssl.sh} against a Weft TLS echo server with default options: protocols,
 * cipher categories, renegotiation and LUCKY13 must show nothing rated MEDIUM or worse. It takes
 * a minute or more, so it runs only when asked: {@code WEFT_TESTSSL=1} in the environment (or
 * {@code -Dweft.testssl=true}) and {@code testssl} on the PATH ({@code apt-get install testssl.sh}).
 */
@Timeout(600)
class TestsslScanTest extends TlsTestBase {
    /** One finding of testssl's flat JSON output: {"id" : "...", ..., "severity" : "...", "finding" : "..."}. */
    static final Pattern FINDING = Pattern.compile(
            "\"id\"\\s*:\\s*\"([^\"]*)\"[^}]*?\"severity\"\\s*:\\s*\"([^\"]*)\"[^}]*?\"finding\"\\s*:\\s*\"([^\"]*)\"");
    static final List<String> BAD = List.of("MEDIUM", "HIGH", "CRITICAL");

    @TempDir
    Path dir;

    @Test
    void testsslFindsNothingMediumOrWorseInTheDefaults() throws Exception {
        assumeTrue("1".equals(System.getenv("WEFT_TESTSSL")) || Boolean.getBoolean("weft.testssl"),
                "slow: set WEFT_TESTSSL=1 (or -Dweft.testssl=true) to run testssl against a Weft server");
        Path testssl = OpenSslInteropTest.onPath("testssl");
        assumeTrue(testssl != null, "testssl is not on the PATH (apt-get install testssl.sh): skipping the scan");
        Server s = listen(() -> new TlsFixtures.Echo(), server().build());
        Path json = dir.resolve("testssl.json");
        Process p = new ProcessBuilder(testssl.toString(), "--quiet", "--color", "0", "--warnings", "off",
                "--connect-timeout", "10", "--openssl-timeout", "10", "--jsonfile", json.toString(),
                "-p", "-s", "-R", "-L", "127.0.0.1:" + port(s))
                .redirectErrorStream(true).redirectOutput(dir.resolve("testssl.txt").toFile()).start();
        try {
            Process done = loop.runUntilComplete(Promise.from(loop, p.onExit()).withTimeout(Duration.ofSeconds(540)));
            String out = Files.readString(dir.resolve("testssl.txt"), StandardCharsets.UTF_8);
            String text = Files.readString(json, StandardCharsets.UTF_8);
            List<String> ids = new ArrayList<>();
            List<String> bad = new ArrayList<>();
            Matcher m = FINDING.matcher(text);
            while (m.find()) {
                ids.add(m.group(1));
                if (BAD.contains(m.group(2))) {
                    bad.add(m.group(1) + " " + m.group(2) + ": " + m.group(3));
                }
            }
            assertThat(ids).as("testssl ran its checks (exit %s):%n%s", done.exitValue(), out)
                    .contains("secure_client_renego", "LUCKY13", "TLS1_2", "TLS1_3");
            assertThat(bad).as("testssl's output:%n%s", out).isEmpty();
        } finally {
            p.destroyForcibly();
        }
        shutdown(s);
    }
}
