package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.TlsOptions;
import io.weft.net.tls.TlsFixtures.Echo;
import io.weft.net.tls.TlsFixtures.Pump;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class TlsEchoTest extends TlsTestBase {

    Server startEcho(TlsOptions tls, AtomicReference<Echo> last) {
        return listen(() -> {
            Echo e = new Echo();
            if (last != null) {
                last.set(e);
            }
            return e;
        }, tls);
    }

    long echo(Server s, TlsOptions clientTls, long bytes) {
        Promise<Pump> c = Net.createConnection(loop, () -> new Pump(loop, bytes), "127.0.0.1", port(s),
                ConnectOptions.builder().tls(clientTls).build());
        return loop.runUntilComplete(c.flatMap(p -> p.done).withTimeout(Duration.ofSeconds(100)));
    }

    @Test
    void echoesOverOneConnectionAndExposesTheSession() {
        AtomicReference<Echo> serverSide = new AtomicReference<>();
        Server s = startEcho(server().build(), serverSide);
        Promise<Pump> c = Net.createConnection(loop, () -> new Pump(loop, 100_000), "localhost", port(s),
                ConnectOptions.builder().tls(client().build()).build());
        Pump p = loop.runUntilComplete(c);
        assertThat(p.t.tlsSession()).isPresent();
        assertThat(p.t.tlsSession().get().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(p.t.applicationProtocol()).isEmpty();
        assertThat(loop.runUntilComplete(p.done)).isEqualTo(100_000);
        shutdown(s);
        Echo e = serverSide.get();
        assertThat(e.made).isEqualTo(1);
        assertThat(e.t.tlsSession()).isPresent();
    }

    @Test
    void echoesOnAHundredConnectionsAtOnce() {
        Server s = startEcho(server().build(), null);
        List<Promise<Long>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(Net.createConnection(loop, () -> new Pump(loop, 20_000), "127.0.0.1", port(s),
                    ConnectOptions.builder().tls(client().build()).build()).flatMap(p -> p.done));
        }
        List<Long> counts = loop.runUntilComplete(Promise.all(loop, all).withTimeout(Duration.ofSeconds(100)));
        assertThat(counts).hasSize(100).allMatch(n -> n == 20_000);
        shutdown(s);
    }

    @Test
    void echoesSixteenMebibytesByteExact() {
        Server s = startEcho(server().build(), null);
        assertThat(echo(s, client().build(), 16L << 20)).isEqualTo(16L << 20);
        shutdown(s);
    }

    @Test
    void speaksTls12WhenTheClientAllowsOnlyThat() {
        AtomicReference<Echo> serverSide = new AtomicReference<>();
        Server s = startEcho(server().build(), serverSide);
        Promise<Pump> c = Net.createConnection(loop, () -> new Pump(loop, 1 << 20), "127.0.0.1", port(s),
                ConnectOptions.builder().tls(client().protocols("TLSv1.2").build()).build());
        Pump p = loop.runUntilComplete(c);
        assertThat(p.t.tlsSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.2");
        assertThat(p.t.canWriteEof()).as("TLS 1.2 has no half-close").isFalse();
        assertThat(loop.runUntilComplete(p.done)).isEqualTo(1 << 20);
        assertThat(serverSide.get().t.tlsSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.2");
        shutdown(s);
    }

    @Test
    void speaksTls13WhenTheServerAllowsOnlyThat() {
        AtomicReference<Echo> serverSide = new AtomicReference<>();
        Server s = startEcho(server().protocols("TLSv1.3").build(), serverSide);
        Promise<Pump> c = Net.createConnection(loop, () -> new Pump(loop, 1 << 20), "127.0.0.1", port(s),
                ConnectOptions.builder().tls(client().build()).build());
        Pump p = loop.runUntilComplete(c);
        assertThat(p.t.tlsSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(p.t.canWriteEof()).isTrue();
        assertThat(loop.runUntilComplete(p.done)).isEqualTo(1 << 20);
        assertThat(serverSide.get().t.tlsSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
        shutdown(s);
    }
}
