package io.weft.cli.proxy;

import io.weft.cli.WeftVersion;
import io.weft.cli.serve.Foreground;
import io.weft.cli.serve.ServerCommand;
import io.weft.proxy.HttpProxy;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weft proxy http}: an HTTP proxy. Exit codes as {@link SocksCommand}'s. */
@Command(name = "http", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"An HTTP/1.1 proxy: CONNECT tunnels and forward requests (absolute URIs), with Via,",
                "hop-by-hop fields removed and keep-alive towards the client.",
                "Try it: curl -x http://127.0.0.1:3128 http://example.com/  (add -p to tunnel with CONNECT)"})
public final class HttpCommand implements Callable<Integer>, ServerCommand {
    @Mixin
    ProxyFlags flags;

    @Spec
    CommandSpec spec;

    private final Foreground foreground = new Foreground();

    @Override
    public Integer call() {
        return ProxyRunner.run("http", flags, foreground, spec.commandLine().getOut(), spec.commandLine().getErr(),
                ctx -> HttpProxy.start(ctx.loop, ctx.address, flags.policy(), ctx.events).map(p -> new ProxyRunner.Started() {
                    @Override
                    public java.net.InetSocketAddress address() {
                        return p.address();
                    }

                    @Override
                    public io.weft.future.Promise<Void> drain(java.time.Duration deadline) {
                        return p.drain(deadline);
                    }
                }));
    }

    @Override
    public void requestStop() {
        foreground.requestStop();
    }
}
