package io.weft.cli.proxy;

import io.weft.cli.serve.Durations;
import io.weft.cli.serve.ServeFlags;
import io.weft.loop.PollerKind;
import io.weft.net.Relay;
import io.weft.proxy.Cidr;
import io.weft.proxy.PortRange;
import io.weft.proxy.ProxyPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags every {@code weft proxy} kind takes, and the {@link ProxyPolicy} they make. */
public final class ProxyFlags {
    @Option(names = "--port", required = true, paramLabel = "PORT", description = "Port to listen on; 0 picks a free one.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Beyond loopback, --allow is required.")
    String host;

    @Option(names = "--allow", split = ",", paramLabel = "CIDR",
            description = "Client networks allowed in (default: loopback only), e.g. 10.0.0.0/8,::1/128.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--dest-net", split = ",", paramLabel = "CIDR",
            description = "Networks the proxy may connect to (default: any, loopback included).")
    List<String> destNets = new ArrayList<>();

    @Option(names = "--dest-port", split = ",", paramLabel = "PORTS",
            description = "Ports the proxy may connect to, e.g. 80,443,8000-8999 (default: any).")
    List<String> destPorts = new ArrayList<>();

    @Option(names = "--max-per-client", defaultValue = "" + ProxyPolicy.DEFAULT_MAX_PER_CLIENT, paramLabel = "N",
            description = "Connections one client address may hold at once; 0: no limit (default: ${DEFAULT-VALUE}).")
    int maxPerClient;

    @Option(names = "--handshake-timeout", defaultValue = "10s", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Close clients whose proxy handshake is not done within this (default: ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    @Option(names = "--connect-timeout", defaultValue = "10s", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Give up connecting upstream after this (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--idle-timeout", defaultValue = "10m", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Close a tunnel with no traffic either way for this long (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--buffer", defaultValue = "256k", paramLabel = "BYTES",
            description = "Each side's write-buffer high-water mark; reading the other side pauses above it (default: ${DEFAULT-VALUE}).")
    String buffer;

    @Option(names = "--shutdown-deadline", defaultValue = "10s", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "On SIGINT/SIGTERM, tunnels still open after this are cut (default: ${DEFAULT-VALUE}).")
    Duration shutdownDeadline;

    @Option(names = "--loops", paramLabel = "N",
            description = "Event loops (threads) accepting and relaying, each listening on the port with SO_REUSEPORT"
                    + " (default: one per core, here ${DEFAULT-VALUE}).")
    int loops = Runtime.getRuntime().availableProcessors();

    @Option(names = "--poller", paramLabel = "epoll|nio|poll|io_uring", converter = ServeFlags.PollerConverter.class,
            description = "The loops' I/O backend (default: the best that works here; `weft info` says which and why)."
                    + " Bytes between sockets move through a kernel pipe on epoll (splice(2)) and io_uring (the ring's splice).")
    PollerKind poller;

    @Option(names = "--no-zero-copy",
            description = "Copy every byte through the proxy's buffers, even where the backend could splice them"
                    + " socket to socket (for measuring, or a kernel whose splice misbehaves).")
    boolean noZeroCopy;

    @Option(names = {"-v", "--verbose"}, description = "Log every tunnel as it opens and closes.")
    boolean verbose;

    /** {@code --loops}, checked. */
    int loops() {
        if (loops < 1 || loops > 1024) {
            throw new IllegalArgumentException("--loops must be 1 to 1024, not " + loops);
        }
        return loops;
    }

    /** {@code --poller}, or the preferred backend here. */
    PollerKind poller() {
        return poller != null ? poller : PollerKind.preferred();
    }

    /** The policy these flags describe; IllegalArgumentException names a bad value. */
    ProxyPolicy policy() {
        int high = (int) io.weft.cli.serve.ByteSize.parse(buffer);
        return ProxyPolicy.defaults()
                .withClientNetworks(allow.stream().map(Cidr::parse).toList())
                .withDestinations(destNets.stream().map(Cidr::parse).toList(), destPorts.stream().map(PortRange::parse).toList())
                .withMaxConnectionsPerClient(maxPerClient)
                .withTimeouts(handshakeTimeout, connectTimeout)
                .withRelay(new Relay.Options(high, high / 4, idleTimeout, !noZeroCopy));
    }
}
