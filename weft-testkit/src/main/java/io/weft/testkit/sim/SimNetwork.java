package io.weft.testkit.sim;

import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulated network: named {@link SimHost}s, listeners, TCP connections between them, UDP
 * sockets, and partitions. What it does to traffic (delays, buffer sizes, partial I/O, refused, hanging and
 * reset connections) is drawn from the simulation's random source as its {@link Faults} say.
 *
 * <p>How faults show, as the real backends show them: a refused connect fails with
 * {@link ConnectException} ("Connection refused"); a hanging one (SYN lost for good, or a
 * partition, or an address no host has) until the caller's connect timeout, or with
 * {@link ConnectException} ("Connection timed out") after {@link #SYN_TIMEOUT} like Linux's
 * six SYN retries; a reset with {@link io.weft.net.ConnectionResetException} on the next read
 * (after the bytes that came before it) or write; a partition holds segments back until healed.
 *
 * <p>Addresses: each host has an IPv4 and an IPv6 address ({@link SimHost}); a listener on
 * {@code 0.0.0.0} takes IPv4 connections, one on {@code ::} both families (Linux's dual-stack
 * default, which Weft's listeners keep), one on a host address that family only. Unix domain
 * stream sockets connect within one host, by path; no network fault touches them (they cross no
 * network), but delays, buffer sizes, partial reads and writes, half-close and the reset of a
 * close with unread bytes are as for TCP. A connect to a path nobody listens on fails as on
 * Linux: {@code ENOENT} with no socket there, {@code EAGAIN} when its backlog is full.
 *
 * <p>Threading: the simulation's thread.
 */
public final class SimNetwork {
    /** How long a connect whose SYN gets no answer takes to fail: Linux's default, 1+2+...+64 s. */
    public static final Duration SYN_TIMEOUT = Duration.ofSeconds(127);
    /** How often a segment held back by a partition is sent again. */
    static final long RETRANSMIT = Duration.ofMillis(200).toNanos();
    private static final long SYN_RETRY = Duration.ofSeconds(1).toNanos();

    private final Simulation sim;
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    private final Map<InetAddress, SimHost> byAddress = new LinkedHashMap<>();
    /** Listeners by port, several where SO_REUSEPORT lets them share one, in listening order. */
    private final Map<Integer, List<SimListener>> listeners = new LinkedHashMap<>();
    /** Unix domain listeners by host name and path. */
    private final Map<String, SimListener> unixListeners = new LinkedHashMap<>();
    private boolean resolveIpv6;
    private final Set<String> partitions = new HashSet<>();
    /** UDP sockets by address and port. */
    private final Map<InetSocketAddress, SimDatagram> udp = new LinkedHashMap<>();
    private long connections;
    private int openSides;
    private int openListeners;
    private int connectsInFlight;

    SimNetwork(Simulation sim) {
        this.sim = sim;
    }

    // ---- hosts ----

    /** The host called {@code name}, added with the next free address if new. */
    public SimHost host(String name) {
        SimHost h = hosts.get(name);
        if (h != null) {
            return h;
        }
        int n = hosts.size() + 1;
        if (n > 250) {
            throw new IllegalStateException("a simulated network has at most 250 hosts");
        }
        InetAddress a;
        InetAddress a6;
        try {
            a = InetAddress.getByAddress(name, new byte[] {127, 0, 0, (byte) n});
            byte[] v6 = new byte[16];
            v6[0] = (byte) 0xfd; // fd00::n, a unique local address (RFC 4193)
            v6[15] = (byte) n;
            a6 = InetAddress.getByAddress(name, v6);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four or sixteen bytes are always a valid address
        }
        h = new SimHost(sim, name, a, a6);
        hosts.put(name, h);
        byAddress.put(a, h);
        byAddress.put(a6, h);
        return h;
    }

    /**
     * Whether names resolve to a host's IPv6 address too, first, then its IPv4 one (a dual-stack
     * machine's usual order), so that connecting by name races both families as RFC 8305 says.
     * Off by default: names resolve to the IPv4 address only.
     */
    public void resolveIpv6(boolean on) {
        resolveIpv6 = on;
    }

    /** Every host, in the order added. */
    public List<SimHost> hosts() {
        return List.copyOf(hosts.values());
    }

    /** The address of host {@code name}, or an empty list: the simulation's name service. */
    List<InetAddress> addressesOf(String name) {
        SimHost h = hosts.get(name);
        return h == null ? List.of() : resolveIpv6 ? List.of(h.address6(), h.address()) : List.of(h.address());
    }

    // ---- partitions ----

    /** Cuts {@code a} off from {@code b}, both ways: segments wait, SYNs are lost, until {@link #heal}. */
    public void partition(SimHost a, SimHost b) {
        if (partitions.add(key(a, b))) {
            sim.trace().event(now(), "partition", a.address().hashCode(), b.address().hashCode());
        }
    }

    public void heal(SimHost a, SimHost b) {
        if (partitions.remove(key(a, b))) {
            sim.trace().event(now(), "heal", a.address().hashCode(), b.address().hashCode());
        }
    }

    public void healAll() {
        partitions.clear();
        sim.trace().event(now(), "heal-all");
    }

    boolean partitioned(SimHost a, SimHost b) {
        return !partitions.isEmpty() && partitions.contains(key(a, b));
    }

    private static String key(SimHost a, SimHost b) {
        return a.name().compareTo(b.name()) <= 0 ? a.name() + "|" + b.name() : b.name() + "|" + a.name();
    }

    // ---- what is open ----

    /**
     * Sockets still open: connection ends the application has not closed, listeners, connects
     * in progress, UDP sockets. Zero once a program has closed everything: the leak check.
     */
    public int openSockets() {
        return openSides + openListeners + connectsInFlight + udp.size();
    }

    /** Connections made so far. */
    public long connections() {
        return connections;
    }

    void sideClosed() {
        openSides--;
    }

    // ---- listening ----

    SimListener listen(SimDriver driver, SocketAddress address, ServerOptions options) throws IOException {
        SimHost host = driver.host();
        if (address instanceof UnixDomainSocketAddress ua) {
            return listenUnix(driver, ua, options);
        }
        if (!(address instanceof InetSocketAddress isa) || isa.isUnresolved()) {
            throw new IOException("cannot listen on " + address + ": not an IP address or a Unix socket path");
        }
        InetAddress ip = isa.getAddress();
        if (!ip.isAnyLocalAddress() && !host.has(ip)) {
            throw new BindException("cannot listen on " + address + ": Cannot assign requested address (host "
                    + host + " has no such address)");
        }
        boolean v6 = ip instanceof java.net.Inet6Address;
        // 0.0.0.0: IPv4; "::": both (IPV6_V6ONLY off); a host address: its family.
        boolean takes4 = !v6 || ip.isAnyLocalAddress();
        boolean takes6 = v6;
        int port = isa.getPort() == 0 ? host.ephemeralPort() : isa.getPort();
        List<SimListener> on = listeners.computeIfAbsent(port, p -> new ArrayList<>());
        for (SimListener l : on) {
            boolean overlap = takes4 && l.takes4() || takes6 && l.takes6();
            if (l.host() == host && overlap && !(options.reusePort() && l.reusePort())) {
                throw new BindException("cannot listen on " + address + ": Address already in use");
            }
        }
        SimListener l = new SimListener(driver, this, host.addressLike(ip, port), options.reusePort(), options.backlog(),
                takes4, takes6);
        on.add(l);
        openListeners++;
        sim.trace().event(now(), "listen", port);
        return l;
    }

    private SimListener listenUnix(SimDriver driver, UnixDomainSocketAddress address, ServerOptions options)
            throws IOException {
        String key = unixKey(driver.host(), address);
        if (unixListeners.containsKey(key)) {
            throw new BindException("cannot listen on " + address + ": bind: EADDRINUSE (Address already in use)");
        }
        SimListener l = new SimListener(driver, this, address, false, options.backlog(), false, false);
        unixListeners.put(key, l);
        openListeners++;
        sim.trace().event(now(), "listen-unix", address.getPath().toString().hashCode());
        return l;
    }

    private static String unixKey(SimHost host, UnixDomainSocketAddress path) {
        return host.name() + "\0" + path.getPath();
    }

    void unlisten(SimListener l) {
        if (l.address() instanceof UnixDomainSocketAddress ua) {
            if (unixListeners.remove(unixKey(l.host(), ua), l)) {
                openListeners--; // the socket file goes with it, as Weft's listeners unlink theirs
            }
            return;
        }
        List<SimListener> on = listeners.get(((InetSocketAddress) l.address()).getPort());
        if (on != null && on.remove(l)) {
            openListeners--;
        }
    }

    // ---- connecting ----

    void connect(SimDriver driver, InetSocketAddress remote, SimConnect attempt) {
        SimHost from = driver.host();
        InetSocketAddress local = from.addressLike(remote.getAddress(), from.ephemeralPort());
        connectsInFlight++;
        attempt.onDone(() -> connectsInFlight--);
        long start = now();
        boolean lost = sim.random().chance(sim.faults().hang());
        sim.trace().event(start, lost ? "fault-hang" : "syn", local.getPort(), remote.getPort());
        SimHost to = byAddress.get(remote.getAddress());
        events().at(start + latency(from, to), () -> synArrives(attempt, from, local, to, remote, start, lost, SYN_RETRY));
    }

    private void synArrives(SimConnect attempt, SimHost from, InetSocketAddress local, SimHost to,
            InetSocketAddress remote, long start, boolean lost, long retry) {
        if (attempt.isOver()) {
            return;
        }
        long now = now();
        SimListener l = lost || to == null || partitioned(from, to) ? null : pick(to, remote);
        if (lost || to == null || partitioned(from, to) || l != null && l.backlogFull()) {
            // No answer (a full backlog drops the SYN too): the kernel sends it again, doubling the wait.
            if (now + retry - start > SYN_TIMEOUT.toNanos()) {
                events().at(start + SYN_TIMEOUT.toNanos(), () -> attempt.fail(new ConnectException("connect to " + remote
                        + ": ETIMEDOUT (Connection timed out)")));
                return;
            }
            events().at(now + retry, () -> synArrives(attempt, from, local, to, remote, start, lost, retry * 2));
            return;
        }
        if (l == null || sim.random().chance(sim.faults().refuse())) {
            sim.trace().event(now, l == null ? "refused" : "fault-refused", remote.getPort());
            events().at(now + latency(to, from), () -> attempt.fail(new ConnectException("connect to " + remote
                    + ": ECONNREFUSED (Connection refused)")));
            return;
        }
        Faults f = sim.faults();
        Connection c = new Connection(this, ++connections, from, local, to, to.addressLike(remote.getAddress(), remote.getPort()),
                (int) sim.random().between(f.minBuffer(), f.maxBuffer()), (int) sim.random().between(f.minBuffer(), f.maxBuffer()));
        openSides += 2;
        sim.trace().event(now, "connect", c.id, local.getPort(), remote.getPort());
        l.enqueue(c.server);
        events().at(now + latency(to, from), () -> {
            if (attempt.isOver()) {
                c.close(c.client); // given up meanwhile: the server end hears of it
            } else {
                attempt.connected(c.client);
            }
        });
        if (sim.random().chance(f.reset())) {
            events().at(now + sim.random().between(0, f.resetWithin().toNanos()), c::injectReset);
        }
    }

    /** A connect within one host to a Unix socket path: no network in between, so no network faults. */
    void connectUnix(SimDriver driver, UnixDomainSocketAddress path, SimConnect attempt) {
        SimHost host = driver.host();
        connectsInFlight++;
        attempt.onDone(() -> connectsInFlight--);
        long now = now();
        SimListener l = unixListeners.get(unixKey(host, path));
        if (l == null || l.backlogFull()) {
            sim.trace().event(now, l == null ? "unix-enoent" : "unix-eagain", path.getPath().toString().hashCode());
            IOException e = l == null ? new ConnectException("connect to " + path + ": ENOENT (No such file or directory)")
                    : new ConnectException("connect to " + path + ": EAGAIN (Resource temporarily unavailable)");
            events().at(now, () -> attempt.fail(e));
            return;
        }
        Faults f = sim.faults();
        Connection c = new Connection(this, ++connections, host, UnixDomainSocketAddress.of(""), host, path,
                (int) sim.random().between(f.minBuffer(), f.maxBuffer()), (int) sim.random().between(f.minBuffer(), f.maxBuffer()));
        openSides += 2;
        sim.trace().event(now, "connect-unix", c.id);
        l.enqueue(c.server);
        events().at(now + latency(host, host), () -> {
            if (attempt.isOver()) {
                c.close(c.client);
            } else {
                attempt.connected(c.client);
            }
        });
    }

    /**
     * One of the listeners of {@code host} that takes a connection to {@code to} (its port, and
     * its family); with SO_REUSEPORT, drawn at random.
     */
    private SimListener pick(SimHost host, InetSocketAddress to) {
        List<SimListener> on = listeners.get(to.getPort());
        if (on == null) {
            return null;
        }
        boolean v6 = to.getAddress() instanceof java.net.Inet6Address;
        List<SimListener> here = new ArrayList<>();
        for (SimListener l : on) {
            if (l.host() == host && (v6 ? l.takes6() : l.takes4())) {
                here.add(l);
            }
        }
        return here.isEmpty() ? null : here.get(sim.random().below(here.size()));
    }

    // ---- UDP ----

    SimDatagram bind(SimDriver driver, SocketAddress local, SocketAddress remote, int receiveLimit) throws IOException {
        SimHost host = driver.host();
        if (local != null && !(local instanceof InetSocketAddress) || remote != null && !(remote instanceof InetSocketAddress)) {
            throw new IOException("only UDP over IP is simulated: " + local + ", " + remote);
        }
        InetSocketAddress l = (InetSocketAddress) local;
        if (l != null && l.getAddress() != null && !l.getAddress().isAnyLocalAddress() && !host.has(l.getAddress())) {
            throw new BindException("cannot bind a UDP endpoint to " + local + ": Cannot assign requested address");
        }
        int port = l == null || l.getPort() == 0 ? host.ephemeralPort() : l.getPort();
        // The family: the local address's, else the remote's, else IPv4. One socket, one family.
        InetAddress family = l != null && l.getAddress() != null ? l.getAddress()
                : remote != null ? ((InetSocketAddress) remote).getAddress() : host.address();
        InetSocketAddress at = host.addressLike(family, port);
        if (udp.containsKey(at)) {
            throw new BindException("cannot bind a UDP endpoint to " + at + ": Address already in use");
        }
        SimDatagram d = new SimDatagram(driver, at, (InetSocketAddress) remote, receiveLimit);
        udp.put(at, d);
        sim.trace().event(now(), "udp-bind", port);
        return d;
    }

    void unbind(SimDatagram d) {
        udp.remove(d.local());
    }

    /** Whether a datagram send finds the socket's buffer full this time (drawn like a partial write). */
    boolean noRoomForDatagram() {
        return sim.random().chance(sim.faults().partialWrite() / 4);
    }

    void sendDatagram(SimDatagram from, SimHost fromHost, InetSocketAddress to, byte[] data) {
        long now = now();
        SimHost toHost = byAddress.get(to.getAddress());
        boolean lost = sim.random().chance(sim.faults().datagramLoss());
        long at = now + latency(fromHost, toHost);
        InetSocketAddress source = from.local();
        sim.trace().event(now, lost ? "udp-lost" : "udp-send", source.getPort(), to.getPort(), data.length);
        if (lost || toHost == null) {
            return;
        }
        events().at(at, () -> {
            if (partitioned(fromHost, toHost)) {
                sim.trace().event(now(), "udp-held-lost", to.getPort());
                return;
            }
            SimDatagram d = udp.get(toHost.addressLike(to.getAddress(), to.getPort()));
            if (d == null) {
                events().at(now() + latency(toHost, fromHost), from::unreachable);
                return;
            }
            if (d.accepts(source)) {
                sim.trace().event(now(), "udp-deliver", to.getPort(), data.length);
                sim.trace().bytes(data, 0, data.length);
                d.arrived(data, source);
            }
        });
    }

    // ---- for the parts ----

    /** A one-way delay between two hosts, drawn from the faults' range. */
    long latency(SimHost a, SimHost b) {
        Faults f = sim.faults();
        return sim.random().between(f.minLatency().toNanos(), f.maxLatency().toNanos());
    }

    /** How many of {@code wanted} bytes a write takes, with room for {@code room}. */
    int writeSize(long wanted, int room) {
        int n = (int) Math.min(wanted, room);
        if (n > 1 && sim.random().chance(sim.faults().partialWrite())) {
            n = (int) sim.random().between(1, n - 1);
        }
        return n;
    }

    /** How many of {@code available} bytes a read of up to {@code max} returns. */
    int readSize(long available, int max) {
        int n = (int) Math.min(available, max);
        if (n > 1 && sim.random().chance(sim.faults().splitRead())) {
            n = (int) sim.random().between(1, n - 1);
        }
        return n;
    }

    long now() {
        return sim.now();
    }

    Events events() {
        return sim.events();
    }

    Trace trace() {
        return sim.trace();
    }

    @Override
    public String toString() {
        return "SimNetwork" + hosts.keySet() + ", " + openSockets() + " sockets open";
    }
}
