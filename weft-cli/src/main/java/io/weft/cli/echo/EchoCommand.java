package io.weft.cli.echo;

import io.weft.cli.WeftVersion;
import io.weft.cli.serve.Durations;
import io.weft.cli.serve.Foreground;
import io.weft.cli.serve.ServeFlags;
import io.weft.cli.serve.ServerCommand;
import io.weft.cli.serve.ServeOptions;
import io.weft.cli.serve.StartException;
import io.weft.cli.serve.TlsSupport;
import io.weft.net.ServerOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code weft echo}: parses flags, starts an {@link EchoServer}, prints where it listens, and
 * stops it gracefully on SIGINT or SIGTERM, printing a one-line summary. Exit codes: 0 after a
 * clean stop, 1 when the server cannot start (the reason on stderr, no stack trace), 2 for bad
 * flags.
 */
@Command(name = "echo", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"Run a TCP echo server: every byte a client sends comes back.",
                "Prints where it listens; Ctrl-C or SIGTERM stops it gracefully.",
                "Try it: nc 127.0.0.1 7007"})
public final class EchoCommand implements Callable<Integer>, ServerCommand {

    @Mixin
    ServeFlags serve;

    @Option(names = "--port", defaultValue = "7007", paramLabel = "PORT",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--tls", description = "Serve TLS, with a self-signed certificate made at start unless --cert and --key are given.")
    boolean tls;

    @Option(names = "--cert", paramLabel = "FILE", description = "With --tls: the certificate chain, PEM.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "With --tls: the private key, PEM (unencrypted PKCS#8).")
    Path key;

    @Option(names = "--idle-timeout", defaultValue = "off", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Close connections with no traffic for this long, e.g. 30s or 10m (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Spec
    CommandSpec spec;

    private final Foreground foreground = new Foreground();

    @Override
    public Integer call() {
        checkFlags();
        PrintWriter out = spec.commandLine().getOut();
        EchoServer server;
        String tlsNote = "";
        try {
            ServerOptions.Builder options = ServerOptions.builder().idleTimeout(idleTimeout.isZero() ? null : idleTimeout);
            if (tls) {
                TlsSupport.Made made = cert != null ? TlsSupport.fromPem(cert, key) : TlsSupport.selfSigned(serve.host());
                options.tls(made.options());
                tlsNote = ", TLS with " + made.description();
            }
            ServeOptions serveOptions = serve.options("echo", port).server(options.build()).build();
            server = EchoServer.start(serveOptions);
        } catch (StartException e) {
            spec.commandLine().getErr().println("weft echo: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        out.println("weft echo listening on " + server.describeAddresses() + " (poller "
                + serve.poller().configName() + tlsNote + ")");
        out.flush();
        foreground.run(serve.shutdownDeadline(), () -> {
            EchoServer.Summary summary = server.stop();
            out.println(summary.describe());
            summary.describePerLoop().ifPresent(out::println);
            out.flush();
        });
        return 0;
    }

    private void checkFlags() {
        serve.check(spec, port);
        if ((cert == null) != (key == null)) {
            throw new ParameterException(spec.commandLine(), "--cert and --key go together: give both, or neither for a self-signed certificate");
        }
        if (cert != null && !tls) {
            throw new ParameterException(spec.commandLine(), "--cert and --key need --tls");
        }
    }

    @Override
    public void requestStop() {
        foreground.requestStop();
    }
}
