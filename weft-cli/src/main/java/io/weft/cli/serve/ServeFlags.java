package io.weft.cli.serve;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The flags every server command takes (a picocli mixin). The port is not here: each command
 * has its own default. Commands only parse flags; {@link #options} turns them into the
 * {@link ServeOptions} the server classes take.
 */
public final class ServeFlags {

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Name or address to listen on (default: ${DEFAULT-VALUE}); 0.0.0.0 or :: for every interface.")
    String host;

    @Option(names = "--poller", paramLabel = "epoll|nio|poll|io_uring", converter = PollerConverter.class,
            description = "The event loop's I/O backend: epoll (native, through FFM), nio (the JDK's selector), poll"
                    + " or io_uring (default: the best that works here; `weft info` says which and why).")
    PollerKind poller;

    @Option(names = "--shutdown-deadline", defaultValue = "5s", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "On SIGINT/SIGTERM, connections still flushing after this long are cut (default: ${DEFAULT-VALUE}).")
    Duration shutdownDeadline;

    @Option(names = "--style", defaultValue = "callbacks", paramLabel = "callbacks|green", converter = Style.Converter.class,
            description = "Per-connection code in callbacks (protocols) or green (a green thread per connection, blocking-style I/O on the loop; `fibers` is its old name) (default: ${DEFAULT-VALUE}).")
    Style style;

    @Option(names = "--loops", paramLabel = "N",
            description = "Event loops to serve on, one thread each, every one listening on the port with SO_REUSEPORT"
                    + " (default: every core; 1 with --style green).")
    Integer loops;

    /** The options these flags describe, listening on {@code port}; the loop thread is named {@code weft-NAME}. */
    public ServeOptions.Builder options(String name, int port) {
        return ServeOptions.builder(port)
                .host(host)
                .loop(LoopConfig.builder().poller(poller()).threadName("weft-" + name).build())
                .shutdownDeadline(shutdownDeadline)
                .style(style)
                .loops(loops());
    }

    /**
     * Checks what picocli cannot check alone, {@code --loops} and the command's own {@code port},
     * and reports a bad value as a usage error of {@code spec}'s command.
     */
    public void check(CommandSpec spec, int port) {
        try {
            loops();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0 to 65535, not " + port);
        }
    }

    /** {@code --loops}, or its default: every core for callbacks, one loop for green. */
    public int loops() {
        if (loops != null) {
            if (loops < 1) {
                throw new IllegalArgumentException("--loops must be at least 1, not " + loops);
            }
            return loops;
        }
        return style == Style.GREEN ? 1 : Runtime.getRuntime().availableProcessors();
    }

    public String host() {
        return host;
    }

    public PollerKind poller() {
        return poller != null ? poller : PollerKind.preferred();
    }

    public Style style() {
        return style;
    }

    public Duration shutdownDeadline() {
        return shutdownDeadline;
    }

    /** Reads a backend name ({@code epoll}, {@code nio}, {@code poll}, {@code io_uring}), in any case. */
    public static final class PollerConverter implements ITypeConverter<PollerKind> {
        @Override
        public PollerKind convert(String value) {
            try {
                return PollerKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
