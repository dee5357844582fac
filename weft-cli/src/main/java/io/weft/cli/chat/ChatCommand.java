package io.weft.cli.chat;

import io.weft.cli.WeftVersion;
import io.weft.cli.serve.ByteSize;
import io.weft.cli.serve.Durations;
import io.weft.cli.serve.Foreground;
import io.weft.cli.serve.ServeFlags;
import io.weft.cli.serve.ServeOptions;
import io.weft.cli.serve.ServerCommand;
import io.weft.cli.serve.StartException;
import io.weft.net.OverflowPolicy;
import io.weft.net.ServerOptions;
import java.io.PrintWriter;
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
 * {@code weft chat}: parses flags, starts a {@link ChatServer}, prints where it listens, and
 * stops it gracefully on SIGINT or SIGTERM, printing a one-line summary. Exit codes: 0 after a
 * clean stop, 1 when the server cannot start, 2 for bad flags.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, versionProvider = WeftVersion.class,
        description = {"Run a line-based chat server: each line a client sends goes to every other client.",
                "Commands: /nick NAME, /who, /quit. Ctrl-C or SIGTERM stops it gracefully.",
                "Try it: nc 127.0.0.1 7008 (or telnet, or socat - TCP:127.0.0.1:7008,crlf)"})
public final class ChatCommand implements Callable<Integer>, ServerCommand {

    @Mixin
    ServeFlags serve;

    @Option(names = "--port", defaultValue = "7008", paramLabel = "PORT",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-pending", defaultValue = "1MiB", paramLabel = "SIZE", converter = ByteSize.Converter.class,
            description = "Disconnect a client whose unsent output passes this: it stopped reading (default: ${DEFAULT-VALUE}).")
    long maxPending;

    @Option(names = "--max-line", defaultValue = "8KiB", paramLabel = "SIZE", converter = ByteSize.Converter.class,
            description = "Refuse longer lines with an error line (default: ${DEFAULT-VALUE}).")
    long maxLine;

    @Option(names = "--idle-timeout", defaultValue = "10m", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Disconnect a client that sends nothing for this long; 0 or off for never (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--max-buffered", defaultValue = "0", paramLabel = "SIZE", converter = ByteSize.Converter.class,
            description = "Cap on unsent output summed over all clients; past it the largest are dropped. 0: no cap (default).")
    long maxBuffered;

    @Spec
    CommandSpec spec;

    private final Foreground foreground = new Foreground();

    @Override
    public Integer call() {
        ChatOptions chat = chatOptions();
        PrintWriter out = spec.commandLine().getOut();
        ChatServer server;
        try {
            ServerOptions options = ServerOptions.builder().maxBufferedBytes(maxBuffered, OverflowPolicy.DROP_LARGEST).build();
            ServeOptions serveOptions = serve.options("chat", port).server(options).build();
            server = ChatServer.start(serveOptions, chat);
        } catch (StartException e) {
            spec.commandLine().getErr().println("weft chat: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        out.println("weft chat listening on " + server.describeAddresses() + " (poller "
                + serve.poller().configName() + ")");
        out.flush();
        foreground.run(serve.shutdownDeadline(), () -> {
            ChatServer.Summary summary = server.stop();
            out.println(summary.describe());
            summary.describePerLoop().ifPresent(out::println);
            out.flush();
        });
        return 0;
    }

    private ChatOptions chatOptions() {
        serve.check(spec, port);
        if (maxPending < 1) {
            throw new ParameterException(spec.commandLine(), "--max-pending must be at least 1 byte");
        }
        if (maxLine < 1 || maxLine > Integer.MAX_VALUE - 1) {
            throw new ParameterException(spec.commandLine(), "--max-line must be between 1 byte and 2GiB");
        }
        return ChatOptions.builder().maxPending(maxPending).maxLine((int) maxLine).idleTimeout(idleTimeout).build();
    }

    @Override
    public void requestStop() {
        foreground.requestStop();
    }
}
