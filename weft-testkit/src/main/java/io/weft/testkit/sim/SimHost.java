package io.weft.testkit.sim;

import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;

/**
 * A named machine on a {@link SimNetwork}, with one IPv4 address (127.0.0.1 for the first
 * host, then 127.0.0.2, ...: simulated, never a real socket) that also resolves by its name,
 * and one IPv6 address ({@code fd00::1}, {@code fd00::2}, ...: unique local addresses, RFC 4193),
 * which names resolve to as well once {@link SimNetwork#resolveIpv6} says so. Unix domain
 * socket paths are per host: a path bound on one host is not there on another.
 * Loops opened on it ({@link #loop()}, or any {@code EventLoop.create}, {@code EventLoop.start}
 * or {@code LoopGroup.start} inside {@link #run}) listen and connect from its address.
 *
 * <p>Threading: the simulation's thread.
 */
public final class SimHost {
    private final Simulation sim;
    private final String name;
    private final InetAddress address;
    private final InetAddress address6;
    private int nextPort = 40_000;
    private SimFileSystem files;

    SimHost(Simulation sim, String name, InetAddress address, InetAddress address6) {
        this.sim = sim;
        this.name = name;
        this.address = address;
        this.address6 = address6;
    }

    public String name() {
        return name;
    }

    /** The host's address; its host name is {@link #name()}. */
    public InetAddress address() {
        return address;
    }

    public InetSocketAddress address(int port) {
        return new InetSocketAddress(address, port);
    }

    /** The host's IPv6 address, {@code fd00::N} for the N-th host. */
    public InetAddress address6() {
        return address6;
    }

    public InetSocketAddress address6(int port) {
        return new InetSocketAddress(address6, port);
    }

    /** The host's address of the same family as {@code a} (IPv4 or IPv6), at {@code port}. */
    InetSocketAddress addressLike(InetAddress a, int port) {
        return a instanceof java.net.Inet6Address ? address6(port) : address(port);
    }

    /** Whether {@code a} is one of this host's addresses. */
    boolean has(InetAddress a) {
        return a.equals(address) || a.equals(address6);
    }

    /**
     * This host's disk: every {@code AsyncFile} of a loop on this host works on it, never on the
     * real file system. Made empty (only {@code /}) on first use; set its capacity, faults and
     * denied paths here.
     */
    public SimFileSystem files() {
        if (files == null) {
            files = new SimFileSystem(sim);
        }
        return files;
    }

    /** Files open on this host's disk (0 if it was never used). */
    int openFiles() {
        return files == null ? 0 : files.openFiles();
    }

    /** A new loop on this host, as {@code EventLoop.create()} makes one (its host runs it). */
    public EventLoop loop() {
        return run(() -> EventLoop.create(LoopConfig.builder().threadName(name).build()));
    }

    /**
     * Runs {@code code} with this host as where new loops go: {@code EventLoop.create},
     * {@code EventLoop.start} and {@code LoopGroup.start} inside it make loops on this host.
     */
    public <T> T run(Callable<T> code) {
        return sim.onHost(this, code);
    }

    /** A port for an outgoing connection or a listener on port 0: 40000, 40001, ... */
    int ephemeralPort() {
        return nextPort++;
    }

    @Override
    public String toString() {
        return name + "/" + address.getHostAddress();
    }
}
