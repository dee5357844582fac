package io.weft.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.Server;
import org.junit.jupiter.api.Test;

class SimulationTest {

    /** One client echoing 200 kB through a server on another host; returns the trace hash. */
    private static String echoRun(long seed) throws Exception {
        Simulation sim = Simulation.create(seed);
        sim.run(() -> {
            SimHost serverHost = sim.host("server");
            EventLoop server = serverHost.loop();
            EventLoop client = sim.host("client").loop();
            // A loop made on this thread: outside its turns, the body counts as on it.
            Server s = EchoPeers.listen(server, serverHost, 7);
            byte[] payload = EchoPeers.payload(200_000, (int) seed);
            Promise<byte[]> echoed = EchoPeers.connect(client, "server", 7, payload).flatMap(c -> c.done);
            assertThat(client.runUntilComplete(echoed)).isEqualTo(payload);
            s.close();
        });
        assertThat(sim.network().openSockets()).as("sockets left open").isZero();
        return sim.trace().hex();
    }

    @Test
    void echoesEveryByteUnderSplitReadsAndPartialWrites() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            echoRun(seed);
        }
    }

    @Test
    void theSameSeedGivesTheSameTrace() throws Exception {
        assertThat(echoRun(42)).isEqualTo(echoRun(42));
        assertThat(echoRun(7)).isEqualTo(echoRun(7));
    }

    @Test
    void differentSeedsGiveDifferentTraces() throws Exception {
        java.util.Set<String> hashes = new java.util.HashSet<>();
        for (long seed = 1; seed <= 10; seed++) {
            hashes.add(echoRun(seed));
        }
        assertThat(hashes).hasSize(10);
    }
}
