package io.weft.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.DatagramOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** IPv6 addresses and Unix domain sockets on the simulated network, as the real backends behave. */
class SimAddressesTest {

    /** Echoes, and records where each connection came from and arrived at. */
    static final class RecordingEcho implements Protocol {
        static final List<SocketAddress[]> seen = new ArrayList<>();
        Transport t;

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            seen.add(new SocketAddress[] {t.localAddress(), t.remoteAddress()});
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            t.write(data);
        }
    }

    private static Throwable failureOf(EventLoop loop, Promise<?> p) {
        try {
            loop.runUntilComplete(p);
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected " + p + " to fail");
    }

    private static byte[] echo(EventLoop client, SocketAddress to, byte[] payload) {
        return client.runUntilComplete(Net.createConnection(client, () -> new EchoPeers.Client(payload), to,
                ConnectOptions.defaults()).flatMap(c -> c.done));
    }

    @Test
    void hostsHaveUniqueLocalIpv6AddressesAndEchoOverThem() throws Exception {
        RecordingEcho.seen.clear();
        Simulation sim = Simulation.create(5);
        sim.run(() -> {
            SimHost host = sim.host("server");
            SimHost other = sim.host("client");
            for (SimHost h : List.of(host, other)) { // 127.0.0.N and fd00::N
                byte[] v6 = h.address6().getAddress();
                assertThat(h.address6()).isInstanceOf(Inet6Address.class);
                assertThat(v6[0]).isEqualTo((byte) 0xfd);
                assertThat(v6[15]).isEqualTo(h.address().getAddress()[3]);
            }
            assertThat(host.address6()).isNotEqualTo(other.address6());
            EventLoop server = host.loop();
            Server s = server.runUntilComplete(Net.createServer(server, RecordingEcho::new, host.address6(7),
                    ServerOptions.defaults()));
            assertThat(s.addresses()).containsExactly(host.address6(7));
            byte[] payload = EchoPeers.payload(100_000, 3);
            assertThat(echo(other.loop(), host.address6(7), payload)).isEqualTo(payload);
            SocketAddress[] ends = RecordingEcho.seen.getFirst();
            assertThat(ends[0]).isEqualTo(host.address6(7));
            assertThat(((InetSocketAddress) ends[1]).getAddress()).isEqualTo(other.address6());
            s.close();

        });
        assertThat(sim.network().openSockets()).isZero();
    }

    @Test
    void aListenerOnTheIpv6WildcardTakesBothFamiliesOneOnTheIpv4WildcardOnlyIpv4() throws Exception {
        Simulation sim = Simulation.create(6);
        sim.run(() -> {
            SimHost host = sim.host("server");
            EventLoop server = host.loop();
            Server dual = server.runUntilComplete(Net.createServer(server, EchoPeers.Echo::new,
                    new InetSocketAddress(InetAddress.getByName("::"), 7), ServerOptions.defaults()));
            Server v4 = server.runUntilComplete(Net.createServer(server, EchoPeers.Echo::new,
                    new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 8), ServerOptions.defaults()));
            EventLoop client = sim.host("client").loop();
            byte[] payload = EchoPeers.payload(1000, 1);
            assertThat(echo(client, host.address(7), payload)).isEqualTo(payload);
            assertThat(echo(client, host.address6(7), payload)).isEqualTo(payload);
            assertThat(echo(client, host.address(8), payload)).isEqualTo(payload);
            Throwable e = failureOf(client, Net.createConnection(client, () -> new EchoPeers.Client(payload),
                    host.address6(8), ConnectOptions.defaults()));
            assertThat(e).isInstanceOf(ConnectException.class).hasMessageContaining("ECONNREFUSED");
            // "::" already holds port 7 for IPv4 too.
            Throwable taken = failureOf(server, Net.createServer(server, EchoPeers.Echo::new, host.address(7),
                    ServerOptions.defaults()));
            assertThat(taken).isInstanceOf(BindException.class).hasMessageContaining("in use");
            dual.close();
            v4.close();

        });
        assertThat(sim.network().openSockets()).isZero();
    }

    /** Names resolve to IPv6 first; with only an IPv4 listener, Happy Eyeballs falls back to IPv4. */
    @Test
    void connectingByNameRacesTheFamiliesAndFallsBackToIpv4() throws Exception {
        String first = null;
        for (int run = 0; run < 2; run++) {
            RecordingEcho.seen.clear();
            Simulation sim = Simulation.create(11);
            sim.network().resolveIpv6(true);
            sim.run(() -> {
                SimHost host = sim.host("server");
                EventLoop server = host.loop();
                Server s = server.runUntilComplete(Net.createServer(server, RecordingEcho::new,
                        new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 7), ServerOptions.defaults()));
                EventLoop client = sim.host("client").loop();
                byte[] payload = EchoPeers.payload(5000, 2);
                byte[] back = client.runUntilComplete(EchoPeers.connect(client, "server", 7, payload)
                        .flatMap(c -> c.done));
                assertThat(back).isEqualTo(payload);
                assertThat(((InetSocketAddress) RecordingEcho.seen.getFirst()[1]).getAddress())
                        .isInstanceOf(Inet4Address.class);
                s.close();

            });
            assertThat(sim.network().openSockets()).isZero();
            if (first == null) {
                first = sim.trace().hex();
            } else {
                assertThat(sim.trace().hex()).as("the same seed replays the same run").isEqualTo(first);
            }
        }
    }

    @Test
    void unixSocketsEchoWithinAHostAndPathsArePerHost() throws Exception {
        RecordingEcho.seen.clear();
        Simulation sim = Simulation.create(7);
        sim.run(() -> {
            SimHost host = sim.host("server");
            EventLoop server = host.loop();
            UnixDomainSocketAddress path = UnixDomainSocketAddress.of("/run/echo.sock");
            Server s = server.runUntilComplete(Net.createServer(server, RecordingEcho::new, path, ServerOptions.defaults()));
            assertThat(s.addresses()).containsExactly(path);
            byte[] payload = EchoPeers.payload(300_000, 4); // many partial reads and writes under benign faults
            EventLoop neighbour = host.loop();
            assertThat(echo(neighbour, path, payload)).isEqualTo(payload);
            assertThat(RecordingEcho.seen.getFirst()[0]).isEqualTo(path);
            assertThat(RecordingEcho.seen.getFirst()[1]).isEqualTo(UnixDomainSocketAddress.of(""));

            Throwable inUse = failureOf(server, Net.createServer(server, EchoPeers.Echo::new, path, ServerOptions.defaults()));
            assertThat(inUse).isInstanceOf(BindException.class).hasMessageContaining("EADDRINUSE");
            Throwable missing = failureOf(neighbour, Net.createConnection(neighbour, () -> new EchoPeers.Client(payload),
                    UnixDomainSocketAddress.of("/run/nobody.sock"), ConnectOptions.defaults()));
            assertThat(missing).isInstanceOf(ConnectException.class).hasMessageContaining("ENOENT");
            EventLoop elsewhere = sim.host("client").loop();
            Throwable otherHost = failureOf(elsewhere, Net.createConnection(elsewhere,
                    () -> new EchoPeers.Client(payload), path, ConnectOptions.defaults()));
            assertThat(otherHost).as("a path is a file of its own host").isInstanceOf(ConnectException.class)
                    .hasMessageContaining("ENOENT");
            s.close();
            Throwable afterClose = failureOf(neighbour, Net.createConnection(neighbour,
                    () -> new EchoPeers.Client(payload), path, ConnectOptions.defaults()));
            assertThat(afterClose).isInstanceOf(ConnectException.class);

        });
        assertThat(sim.network().openSockets()).isZero();
    }

    /** Under many seeds of the benign network, every byte comes back over a Unix socket, and a seed replays. */
    @Test
    void unixEchoHoldsUnderTwentySeedsAndEachReplays() throws Exception {
        for (long seed = 100; seed < 120; seed++) {
            String[] hashes = new String[2];
            for (int run = 0; run < 2; run++) {
                Simulation sim = Simulation.create(seed);
                long salt = seed;
                sim.run(() -> {
                    SimHost host = sim.host("h");
                    EventLoop server = host.loop();
                    UnixDomainSocketAddress path = UnixDomainSocketAddress.of("/tmp/s" + salt);
                    Server s = server.runUntilComplete(Net.createServer(server, EchoPeers.Echo::new, path,
                            ServerOptions.defaults()));
                    byte[] payload = EchoPeers.payload(20_000 + (int) salt * 100, (int) salt);
                    assertThat(echo(host.loop(), path, payload)).as("seed %d", salt).isEqualTo(payload);
                    s.close();

                });
                assertThat(sim.network().openSockets()).isZero();
                hashes[run] = sim.trace().hex();
            }
            assertThat(hashes[1]).as("seed %d replays", seed).isEqualTo(hashes[0]);
        }
    }

    @Test
    void udpOverIpv6AndAFamilyMismatchIsRefused() throws Exception {
        Simulation sim = Simulation.create(9, Faults.none());
        sim.run(() -> {
            SimHost host = sim.host("server");
            EventLoop server = host.loop();
            server.runUntilComplete(Net.createDatagramEndpoint(server, SimDatagramTest.Reflect::new, host.address6(53),
                    null, DatagramOptions.defaults()));
            EventLoop client = sim.host("client").loop();
            SimDatagramTest.Pinger p = client.runUntilComplete(Net.createDatagramEndpoint(client,
                    SimDatagramTest.Pinger::new, sim.host("client").address6(0), null, DatagramOptions.defaults()));
            assertThat(((InetSocketAddress) p.transport.localAddress()).getAddress())
                    .isEqualTo(sim.host("client").address6());
            for (int i = 0; i < 5; i++) {
                p.transport.sendTo(ByteBuffer.allocate(4).putInt(0, i), host.address6(53));
            }
            sim.runFor(Duration.ofSeconds(1));
            assertThat(p.replies).containsExactly(0, 1, 2, 3, 4);
            p.transport.sendTo(ByteBuffer.allocate(4), host.address(53)); // an IPv4 destination from an IPv6 socket
            sim.runFor(Duration.ofSeconds(1));
            assertThat(p.errors).isNotEmpty();
            assertThat(p.errors.getFirst()).hasMessageContaining("EAFNOSUPPORT");

        });
    }
}
