package io.weft.cli.http.serve;

import io.weft.cli.WeftVersion;
import io.weft.cli.serve.Durations;
import io.weft.cli.serve.Foreground;
import io.weft.cli.serve.ServerCommand;
import io.weft.http.HttpGroupServer;
import io.weft.http.HttpServerOptions;
import io.weft.loop.LoopConfig;
import io.weft.loop.LoopGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code weft serve [DIR]}: static files over HTTP/1.1 on every loop of a group ({@code --loops},
 * one per core by default), one log line per request on stdout, a graceful stop on
 * SIGINT/SIGTERM. Exit codes: 0 after a clean stop, 1 when it
 * cannot start (the reason on stderr), 2 for bad flags.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"Serve the files of a directory over HTTP/1.1 (GET, HEAD, ranges, ETag and Last-Modified).",
                "Logs one line per request; Ctrl-C or SIGTERM stops it gracefully.",
                "Try it: curl -i http://127.0.0.1:8000/"})
public final class ServeCommand implements Callable<Integer>, ServerCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The directory to serve (default: the current one).")
    Path dir = Path.of(".");

    @Option(names = "--port", defaultValue = "8000", paramLabel = "PORT",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to listen on (default: ${DEFAULT-VALUE}); 0.0.0.0 or :: for every interface.")
    String host;

    @Option(names = "--shutdown-deadline", defaultValue = "5s", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "On SIGINT/SIGTERM, requests still running after this long are cut (default: ${DEFAULT-VALUE}).")
    Duration shutdownDeadline;

    @Option(names = "--loops", paramLabel = "N",
            description = "Event loops (threads) serving connections (default: one per core, here ${DEFAULT-VALUE}).")
    int loops = Runtime.getRuntime().availableProcessors();

    @Option(names = "--quiet", description = "No log line per request (for benchmarks).")
    boolean quiet;

    @Spec
    CommandSpec spec;

    private final Foreground foreground = new Foreground();

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0 to 65535, not " + port);
        }
        if (loops < 1 || loops > 1024) {
            throw new ParameterException(spec.commandLine(), "--loops must be 1 to 1024, not " + loops);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StaticFiles files;
        try {
            files = new StaticFiles(dir, quiet ? null : line -> {
                out.println(line);
                out.flush();
            });
        } catch (IOException e) {
            err.println("weft serve: cannot serve " + dir + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        LoopGroup group = LoopGroup.start(loops, LoopConfig.builder().threadName("weft-serve").build());
        HttpGroupServer server;
        try {
            // One handler for every loop: StaticFiles keeps no state but its root and log.
            server = HttpGroupServer.listen(group, new InetSocketAddress(host, port), HttpServerOptions.defaults(),
                    loop -> files);
        } catch (IOException | RuntimeException e) {
            group.close();
            err.println("weft serve: cannot listen on " + host + ":" + port + ": " + e);
            err.flush();
            return 1;
        }
        InetSocketAddress bound = (InetSocketAddress) server.addresses().get(0);
        out.println("weft serve: " + files.root() + " on http://" + hostForUrl(bound) + ":" + bound.getPort() + "/"
                + " (" + loops + (loops == 1 ? " loop)" : " loops)"));
        out.flush();
        foreground.run(shutdownDeadline, () -> {
            try {
                server.shutdown(shutdownDeadline).get(shutdownDeadline.toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                err.println("weft serve: the graceful stop did not finish: " + e);
            }
            group.close();
            out.println("weft serve stopped");
            out.flush();
        });
        return 0;
    }

    private static String hostForUrl(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }

    @Override
    public void requestStop() {
        foreground.requestStop();
    }
}
