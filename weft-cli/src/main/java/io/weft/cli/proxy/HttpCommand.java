package io.weft.cli.proxy;

import io.weft.cli.WeftVersion;
import io.weft.cli.serve.Foreground;
import io.weft.cli.serve.ServerCommand;
import io.weft.cli.serve.Durations;
import io.weft.proxy.Credentials;
import io.weft.proxy.HttpProxy;
import io.weft.proxy.HttpProxyOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft proxy http}: an HTTP proxy. Exit codes as {@link SocksCommand}'s. */
@Command(name = "http", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"An HTTP/1.1 proxy: CONNECT tunnels and forward requests (absolute URIs):",
                "Via added, hop-by-hop fields removed, keep-alive both ways (origin pool),",
                "Upgrade (WebSocket) through forward requests, Basic auth with --users.",
                "Try it: curl -x http://127.0.0.1:3128 http://example.com/",
                "        (add -p to tunnel with CONNECT)"})
public final class HttpCommand implements Callable<Integer>, ServerCommand {
    @Mixin
    ProxyFlags flags;

    @Option(names = "--users", paramLabel = "FILE",
            description = "Require Proxy-Authorization (Basic): one user:password a line, as for socks (default: none).")
    Path users;

    @Option(names = "--pool-idle", defaultValue = "8", paramLabel = "N",
            description = "Idle keep-alive connections kept per origin and loop for forward requests; 0: none (default: ${DEFAULT-VALUE}).")
    int poolIdle;

    @Option(names = "--pool-timeout", defaultValue = "30s", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Close a pooled origin connection idle for this long (default: ${DEFAULT-VALUE}).")
    Duration poolTimeout;

    @Spec
    CommandSpec spec;

    private final Foreground foreground = new Foreground();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        HttpProxyOptions options;
        try {
            options = HttpProxyOptions.defaults().withPool(poolIdle, poolTimeout)
                    .withUsers(users == null ? null : Credentials.load(users));
        } catch (IOException | IllegalArgumentException e) {
            err.println("weft proxy http: " + (e instanceof IOException ? "cannot read --users: " : "") + e.getMessage());
            err.flush();
            return 2;
        }
        return ProxyRunner.run("http", flags, foreground, spec.commandLine().getOut(), spec.commandLine().getErr(),
                ctx -> {
                    var p = HttpProxy.start(ctx.group, ctx.address, flags.policy(), options, ctx.events);
                    return new ProxyRunner.Started(p.address(), p::drain);
                });
    }

    @Override
    public void requestStop() {
        foreground.requestStop();
    }
}
