package io.weft.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.green.GreenServerSocket;
import io.weft.green.GreenSocket;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.LoopGroup;
import io.weft.net.GroupServer;
import io.weft.net.Net;
import io.weft.net.ServerOptions;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Green threads and loop groups, unchanged, on the simulation. */
class SimLoopsTest {

    private static String greenEcho(long seed) throws Exception {
        Simulation sim = Simulation.create(seed);
        sim.run(() -> {
            SimHost host = sim.host("server");
            EventLoop server = host.loop();
            server.spawn(() -> {
                try (GreenServerSocket listener = GreenServerSocket.listen(host.address(7))) {
                    for (int i = 0; i < 3; i++) {
                        GreenSocket c = listener.accept();
                        server.spawn(() -> {
                            try (c) {
                                for (byte[] b; (b = c.read(65536)).length > 0; ) {
                                    c.write(b);
                                }
                            }
                            return null;
                        });
                    }
                }
                return null;
            });
            EventLoop client = sim.host("client").loop();
            List<Promise<byte[]>> echoes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] payload = EchoPeers.payload(30_000, i);
                echoes.add(client.spawn(() -> {
                    try (GreenSocket c = GreenSocket.connect("server", 7)) {
                        c.write(payload);
                        c.writeEof();
                        ByteArrayOutputStream got = new ByteArrayOutputStream();
                        for (byte[] b; (b = c.read(65536)).length > 0; ) {
                            got.writeBytes(b);
                        }
                        return got.toByteArray();
                    }
                }));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(client.runUntilComplete(echoes.get(i))).isEqualTo(EchoPeers.payload(30_000, i));
            }
        });
        assertThat(sim.network().openSockets()).isZero();
        return sim.trace().hex();
    }

    @Test
    void greenThreadsEchoOnTheSimulatedNetworkAndReplayExactly() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            assertThat(greenEcho(seed)).as("seed " + seed).isEqualTo(greenEcho(seed));
        }
    }

    private static String groupRun(long seed, List<Long> perLoop) throws Exception {
        Simulation sim = Simulation.create(seed);
        sim.run(() -> {
            SimHost host = sim.host("server");
            LoopGroup group = host.run(() -> LoopGroup.start(2, LoopConfig.defaults()));
            // Blocks until every loop listens: under the simulation, that join runs the loops.
            GroupServer server = Net.createServer(group, EchoPeers.Echo::new, host.address(7), ServerOptions.defaults());
            EventLoop client = sim.host("client").loop();
            List<Promise<byte[]>> echoes = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                echoes.add(EchoPeers.connect(client, "server", 7, EchoPeers.payload(5_000, i)).flatMap(c -> c.done));
            }
            for (int i = 0; i < 12; i++) {
                assertThat(client.runUntilComplete(echoes.get(i))).isEqualTo(EchoPeers.payload(5_000, i));
            }
            perLoop.addAll(server.acceptedTotals());
            server.close();
            group.close();
        });
        assertThat(sim.network().openSockets()).isZero();
        return sim.trace().hex();
    }

    @Test
    void aLoopGroupServesOnEveryLoopInASeededOrder() throws Exception {
        Set<String> hashes = new HashSet<>();
        for (long seed = 1; seed <= 4; seed++) {
            List<Long> perLoop = new ArrayList<>();
            String hash = groupRun(seed, perLoop);
            assertThat(perLoop).hasSize(2);
            assertThat(perLoop.get(0) + perLoop.get(1)).isEqualTo(12);
            assertThat(perLoop).allSatisfy(n -> assertThat(n).isPositive());
            assertThat(groupRun(seed, new ArrayList<>())).isEqualTo(hash);
            hashes.add(hash);
        }
        assertThat(hashes).hasSize(4);
    }
}
