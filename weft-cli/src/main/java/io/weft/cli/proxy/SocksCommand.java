package io.weft.cli.proxy;

import io.weft.cli.WeftVersion;
import io.weft.cli.serve.Foreground;
import io.weft.cli.serve.ServerCommand;
import io.weft.proxy.Credentials;
import io.weft.proxy.SocksProxy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft proxy socks}: a SOCKS5 server. Exit codes: 0 after a clean stop, 1 when it cannot start, 2 for bad flags. */
@Command(name = "socks", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"A SOCKS5 proxy (RFC 1928): CONNECT to IPv4, IPv6 and names (resolved by the proxy).",
                "With --users, username/password authentication (RFC 1929).",
                "Try it: curl --socks5-hostname 127.0.0.1:1080 http://example.com/"})
public final class SocksCommand implements Callable<Integer>, ServerCommand {
    @Mixin
    ProxyFlags flags;

    @Option(names = "--users", paramLabel = "FILE",
            description = "Require username/password: one user:password a line (default: no authentication).")
    Path users;

    @Spec
    CommandSpec spec;

    private final Foreground foreground = new Foreground();

    @Override
    public Integer call() {
        Credentials credentials = null;
        if (users != null) {
            try {
                credentials = Credentials.load(users);
            } catch (IOException e) {
                spec.commandLine().getErr().println("weft proxy socks: cannot read --users: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 2;
            }
        }
        Credentials c = credentials;
        return ProxyRunner.run("socks", flags, foreground, spec.commandLine().getOut(), spec.commandLine().getErr(),
                ctx -> {
                    var p = SocksProxy.start(ctx.group, ctx.address, flags.policy(), c, ctx.events);
                    return new ProxyRunner.Started(p.address(), p::drain);
                });
    }

    @Override
    public void requestStop() {
        foreground.requestStop();
    }
}
