package io.weft.cli.proxy;

import io.weft.cli.WeftVersion;
import io.weft.cli.serve.Durations;
import io.weft.cli.serve.Foreground;
import io.weft.cli.serve.ServerCommand;
import io.weft.proxy.BalancerOptions;
import io.weft.proxy.HealthCheck;
import io.weft.proxy.TcpBalancer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code weft proxy tcp}: a TCP load balancer. Exit codes as {@link SocksCommand}'s. */
@Command(name = "tcp", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"A TCP load balancer (like HAProxy's mode tcp): round robin or least connections,",
                "active health checks (connect, send/expect, or HTTP GET), retry on the next",
                "server, graceful drain on SIGTERM.",
                "Try it: weft proxy tcp --port 8080 --to 127.0.0.1:8001,127.0.0.1:8002"})
public final class TcpCommand implements Callable<Integer>, ServerCommand {
    @Mixin
    ProxyFlags flags;

    @Option(names = "--to", required = true, split = ",", paramLabel = "HOST:PORT",
            description = "The servers to balance over.")
    List<String> to;

    @Option(names = "--balance", defaultValue = "roundrobin", paramLabel = "roundrobin|leastconn",
            description = "How to pick a server (default: ${DEFAULT-VALUE}).")
    String balance;

    @Option(names = "--check-interval", defaultValue = "2s", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Health check every server this often (default: ${DEFAULT-VALUE}).")
    Duration checkInterval;

    @Option(names = "--no-checks", description = "No active health checks.")
    boolean noChecks;

    @Option(names = "--check-timeout", defaultValue = "1s", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "A check that has not connected within this fails (default: ${DEFAULT-VALUE}).")
    Duration checkTimeout;

    @Option(names = "--fall", defaultValue = "3", description = "Failed checks in a row that mark a server down (default: ${DEFAULT-VALUE}).")
    int fall;

    @Option(names = "--rise", defaultValue = "2", description = "Passed checks in a row that mark it up again (default: ${DEFAULT-VALUE}).")
    int rise;

    @Option(names = "--check-send", paramLabel = "TEXT",
            description = "Health check: send TEXT (\\r and \\n as escapes) and expect --check-expect at the start of the reply.")
    String checkSend;

    @Option(names = "--check-expect", paramLabel = "PREFIX", description = "With --check-send: the reply's first line must start with this.")
    String checkExpect;

    @Option(names = "--check-http", paramLabel = "PATH",
            description = "Health check: GET PATH over HTTP/1.1; 2xx and 3xx pass (Host: the server's address).")
    String checkHttp;

    @Spec
    CommandSpec spec;

    private final Foreground foreground = new Foreground();

    @Override
    public Integer call() {
        BalancerOptions.Strategy strategy = switch (balance) {
            case "roundrobin", "rr" -> BalancerOptions.Strategy.ROUND_ROBIN;
            case "leastconn", "lc" -> BalancerOptions.Strategy.LEAST_CONNECTIONS;
            default -> throw new ParameterException(spec.commandLine(), "--balance must be roundrobin or leastconn, not " + balance);
        };
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String s : to) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                throw new ParameterException(spec.commandLine(), "--to needs HOST:PORT, not " + s);
            }
            String host = s.substring(0, colon).replaceAll("^\\[|\\]$", "");
            try {
                servers.add(new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(s.substring(colon + 1))));
            } catch (UnknownHostException | IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--to " + s + ": " + e.getMessage());
            }
        }
        HealthCheck check;
        try {
            check = healthCheck();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        BalancerOptions options = new BalancerOptions(strategy, noChecks ? null : checkInterval, checkTimeout, fall, rise, check);
        return ProxyRunner.run("tcp", flags, foreground, spec.commandLine().getOut(), spec.commandLine().getErr(),
                ctx -> {
                    var p = TcpBalancer.start(ctx.group, ctx.address, servers, options, flags.policy(), ctx.events);
                    return new ProxyRunner.Started(p.address(), p::drain);
                });
    }

    private HealthCheck healthCheck() {
        if (checkHttp != null && checkSend != null) {
            throw new IllegalArgumentException("--check-http and --check-send are two kinds of check: pick one");
        }
        if ((checkSend == null) != (checkExpect == null)) {
            throw new IllegalArgumentException("--check-send and --check-expect go together");
        }
        if (checkHttp != null) {
            return HealthCheck.httpGet(checkHttp, "localhost");
        }
        if (checkSend != null) {
            return HealthCheck.sendExpect(checkSend.replace("\\r", "\r").replace("\\n", "\n"), checkExpect);
        }
        return HealthCheck.connect();
    }

    @Override
    public void requestStop() {
        foreground.requestStop();
    }
}
