package io.weft.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import io.weft.net.DatagramOptions;
import io.weft.net.DatagramProtocol;
import io.weft.net.DatagramTransport;
import io.weft.net.Net;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** UDP on the simulated network: delivery, reordering, loss and ICMP port-unreachable, as a real socket shows them. */
class SimDatagramTest {

    static final class Reflect implements DatagramProtocol {
        DatagramTransport transport;

        @Override
        public void connectionMade(DatagramTransport t) {
            transport = t;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
            transport.sendTo(data, from);
        }
    }

    static final class Pinger implements DatagramProtocol {
        final List<Integer> replies = new ArrayList<>();
        final List<IOException> errors = new ArrayList<>();
        DatagramTransport transport;

        @Override
        public void connectionMade(DatagramTransport t) {
            transport = t;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
            replies.add(data.getInt());
        }

        @Override
        public void errorReceived(IOException error) {
            errors.add(error);
        }
    }

    /** Sends 50 numbered datagrams to a reflector; returns the numbers that came back, in arrival order. */
    private static List<Integer> pingPong(long seed, Faults faults) throws Exception {
        Simulation sim = Simulation.create(seed, faults);
        List<Integer> got = new ArrayList<>();
        sim.run(() -> {
            SimHost host = sim.host("server");
            EventLoop server = host.loop();
            server.runUntilComplete(Net.createDatagramEndpoint(server, Reflect::new, host.address(53), null,
                    DatagramOptions.defaults()));
            EventLoop client = sim.host("client").loop();
            Pinger p = client.runUntilComplete(Net.createDatagramEndpoint(client, Pinger::new, null,
                    new InetSocketAddress(host.address(), 53), DatagramOptions.defaults()));
            for (int i = 0; i < 50; i++) {
                p.transport.send(ByteBuffer.allocate(4).putInt(0, i));
            }
            sim.runFor(Duration.ofSeconds(1));
            got.addAll(p.replies);
        });
        assertThat(sim.network().openSockets()).isZero();
        return got;
    }

    @Test
    void everyDatagramArrivesOnceWithoutLossAndSomeSeedsReorderThem() throws Exception {
        boolean reordered = false;
        for (long seed = 1; seed <= 5; seed++) {
            List<Integer> got = pingPong(seed, Faults.benign());
            assertThat(new HashSet<>(got)).hasSize(50);
            assertThat(got).hasSize(50);
            reordered |= !got.equals(got.stream().sorted().toList());
        }
        assertThat(reordered).as("independent delays reorder datagrams under some seed").isTrue();
    }

    @Test
    void lossDropsDatagramsAndNeverDuplicatesThem() throws Exception {
        List<Integer> got = pingPong(3, Faults.benign().toBuilder().datagramLoss(0.3).build());
        assertThat(got.size()).isLessThan(50).isPositive();
        assertThat(new HashSet<>(got)).hasSize(got.size());
        assertThat(pingPong(3, Faults.benign().toBuilder().datagramLoss(0.3).build())).isEqualTo(got);
    }

    @Test
    void aConnectedSocketHearsThatNothingListens() throws Exception {
        Simulation sim = Simulation.create(4);
        sim.run(() -> {
            SimHost host = sim.host("server");
            EventLoop client = sim.host("client").loop();
            Pinger p = client.runUntilComplete(Net.createDatagramEndpoint(client, Pinger::new, null,
                    new InetSocketAddress(host.address(), 9), DatagramOptions.defaults()));
            p.transport.send(new byte[] {1});
            sim.runFor(Duration.ofSeconds(1));
            assertThat(p.errors).singleElement().isInstanceOf(PortUnreachableException.class);
            assertThat(p.errors.get(0)).hasMessageContaining("port unreachable");
        });
    }
}
