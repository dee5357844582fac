package io.weft.cli.serve;

import io.weft.loop.LoopConfig;
import io.weft.net.ServerOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how an example server listens: what every {@code weft} server command has in
 * common. Build with {@link #builder(int)}.
 *
 * @param host             the name or address to listen on; every address it resolves to is bound
 * @param port             the port; 0 picks a free one
 * @param loop             the event loop's configuration (poller, clock, thread name)
 * @param server           the listening server's options (timeouts, output caps, TLS)
 * @param shutdownDeadline how long a graceful stop waits for connections to flush before cutting them
 * @param style            callbacks or green threads for the per-connection code
 * @param loops            how many event loops serve (each on its own thread, SO_REUSEPORT per loop); at least 1
 */
public record ServeOptions(String host, int port, LoopConfig loop, ServerOptions server, Duration shutdownDeadline,
        Style style, int loops) {

    public ServeOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(shutdownDeadline, "shutdownDeadline");
        Objects.requireNonNull(style, "style");
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be at least 1: " + loops);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        if (shutdownDeadline.isNegative()) {
            throw new IllegalArgumentException("shutdownDeadline must not be negative: " + shutdownDeadline);
        }
    }

    /** Loopback, the default loop and server options, a 5 s shutdown deadline, callbacks on one loop. */
    public static Builder builder(int port) {
        return new Builder(port);
    }

    public Builder toBuilder() {
        return new Builder(port).host(host).loop(loop).server(server).shutdownDeadline(shutdownDeadline)
                .style(style).loops(loops);
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private LoopConfig loop = LoopConfig.defaults();
        private ServerOptions server = ServerOptions.defaults();
        private Duration shutdownDeadline = Duration.ofSeconds(5);
        private Style style = Style.CALLBACKS;
        private int loops = 1;

        private Builder(int port) {
            this.port = port;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder loop(LoopConfig loop) {
            this.loop = loop;
            return this;
        }

        public Builder server(ServerOptions server) {
            this.server = server;
            return this;
        }

        public Builder shutdownDeadline(Duration deadline) {
            this.shutdownDeadline = deadline;
            return this;
        }

        public Builder style(Style style) {
            this.style = style;
            return this;
        }

        public Builder loops(int loops) {
            this.loops = loops;
            return this;
        }

        public ServeOptions build() {
            return new ServeOptions(host, port, loop, server, shutdownDeadline, style, loops);
        }
    }
}
