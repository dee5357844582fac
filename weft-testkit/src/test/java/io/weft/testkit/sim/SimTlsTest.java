package io.weft.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.SelfSignedCertificate;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS over the simulated network: it works, though SSLEngine's SecureRandom makes its bytes differ per run. */
class SimTlsTest {
    private static SelfSignedCertificate cert;

    @BeforeAll
    static void makeCertificate() throws Exception {
        cert = SelfSignedCertificate.create("server"); // keytool, outside any simulation
    }

    @Test
    void anEchoOverTlsGetsEveryByteBackUnderSplitReadsAndPartialWrites() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            Simulation sim = Simulation.create(seed);
            sim.run(() -> {
                SimHost host = sim.host("server");
                EventLoop server = host.loop();
                Server s = server.runUntilComplete(Net.createServer(server, EchoPeers.Echo::new, host.address(443),
                        ServerOptions.builder().tls(cert.serverOptions()).build()));
                EventLoop client = sim.host("client").loop();
                byte[] payload = EchoPeers.payload(100_000, 5);
                Promise<byte[]> echoed = Net.createConnection(client, () -> new EchoPeers.Client(payload), "server", 443,
                        ConnectOptions.builder().tls(cert.clientOptions()).build()).flatMap(c -> c.done);
                assertThat(client.runUntilComplete(echoed)).isEqualTo(payload);
                s.close();
            });
            assertThat(sim.violations()).isEmpty();
        }
    }
}
