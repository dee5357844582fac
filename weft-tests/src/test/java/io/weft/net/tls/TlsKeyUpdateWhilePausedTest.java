package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.net.Server;
import io.weft.net.Transport;
import io.weft.net.tls.TlsFixtures.Recorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A TLS 1.3 KeyUpdate from the peer is answered while the application has paused reading:
 * pausing is flow control for application data, not a reason to leave the peer's handshake
 * messages unread. {@code openssl s_client}'s {@code K} command sends a KeyUpdate that asks
 * for one back; the Weft server's answer must arrive while its application is still paused,
 * and the application data around it must reach the application once, in order, after it
 * resumes. Skipped when there is no {@code openssl} on the PATH.
 */
@Timeout(60)
class TlsKeyUpdateWhilePausedTest extends TlsTestBase {
    static final Pattern KEY_UPDATE_RECEIVED = Pattern.compile("^<<< TLS 1\\.3, Handshake.*KeyUpdate");
    static Path openssl;
    @TempDir
    Path dir;

    @BeforeAll
    static void findOpenssl() {
        openssl = OpenSslInteropTest.onPath("openssl");
        assumeTrue(openssl != null, "openssl is not on the PATH: skipping the KeyUpdate tests");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "before\n"})
    void aKeyUpdateIsAnsweredWhileTheApplicationIsPaused(String sentFirst) throws Exception {
        AtomicReference<Recorder> serverSide = new AtomicReference<>();
        Server s = listen(() -> {
            Recorder r = new Recorder(loop, null) {
                @Override
                public void connectionMade(Transport transport) {
                    super.connectionMade(transport);
                    transport.pauseReading();
                }
            };
            serverSide.set(r);
            return r;
        }, server().build());
        try (SClient c = SClient.start(loop, openssl, dir, s, "-tls1_3", "-msg")) {
            c.await(Pattern.compile("^CONNECTION ESTABLISHED"));
            if (!sentFirst.isEmpty()) {
                c.send(sentFirst);
                // Wait until it is through (held for the paused application): s_client reads a
                // command only when it is alone in one read of its input.
                loop.runUntilComplete(until(() -> serverSide.get() != null && serverSide.get().t != null
                        && io.weft.internal.net.tls.TlsConnection.of(serverSide.get().t).heldBytes()
                                == sentFirst.length()));
            }
            c.send("K\n"); // s_client: KeyUpdate, update_requested
            c.await(KEY_UPDATE_RECEIVED);
            Recorder r = serverSide.get();
            assertThat(r.t.isReading()).isFalse();
            assertThat(r.events).containsExactly("made"); // nothing delivered while paused

            r.t.resumeReading();
            c.send("after\n");
            loop.runUntilComplete(until(() -> String.join("", r.events).endsWith("after\n")));
            assertThat(String.join("", r.events.subList(1, r.events.size())).replace("data:", ""))
                    .isEqualTo(sentFirst + "after\n");
        }
        List<String> events = loop.runUntilComplete(serverSide.get().lost.withTimeout(Duration.ofSeconds(30)));
        assertThat(events).last().asString().startsWith("lost:");
        shutdown(s);
    }

    /** Completes on the loop once {@code condition} holds, checking each turn for at most 30 s. */
    io.weft.future.Promise<Void> until(java.util.function.BooleanSupplier condition) {
        io.weft.future.Promise<Void> done = loop.newPromise();
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            if (condition.getAsBoolean()) {
                done.complete(null);
            } else {
                loop.callLater(Duration.ofMillis(5), check[0]);
            }
        };
        loop.callSoon(check[0]);
        return done.withTimeout(Duration.ofSeconds(30));
    }
}
