package io.weft.loop;

import io.weft.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything an {@link EventLoop} is configured with. Build one with {@link #builder()}; the
 * defaults suit production.
 *
 * @param poller                which kernel interface the loop's I/O driver uses (default:
 *                              {@link PollerKind#preferred()})
 * @param clock                 the loop's time source
 * @param debug                 debug mode: slow-callback warnings, dropped-failure warnings,
 *                              and the call site of each callback in error messages
 * @param slowCallbackThreshold in debug mode, a callback running longer than this is reported
 * @param exceptionHandler      where exceptions escaping callbacks go
 * @param threadName            the name of the thread that runs the loop
 * @param offloadThreads        threads of the process's offload pool ({@link EventLoop#offload},
 *                              file I/O, name lookups), which every loop shares: the pool grows
 *                              to the largest number any loop asks for; 0 (the default) means
 *                              four per core
 */
public record LoopConfig(
        PollerKind poller,
        Clock clock,
        boolean debug,
        Duration slowCallbackThreshold,
        ExceptionHandler exceptionHandler,
        String threadName,
        int offloadThreads) {

    public LoopConfig {
        Objects.requireNonNull(poller, "poller");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(slowCallbackThreshold, "slowCallbackThreshold");
        Objects.requireNonNull(exceptionHandler, "exceptionHandler");
        Objects.requireNonNull(threadName, "threadName");
        if (slowCallbackThreshold.isNegative()) {
            throw new IllegalArgumentException("slowCallbackThreshold must not be negative: " + slowCallbackThreshold);
        }
        if (offloadThreads < 0) {
            throw new IllegalArgumentException("offloadThreads must be 0 (the default, four per core) or more: "
                    + offloadThreads);
        }
    }

    /** The defaults: the preferred backend, system clock, debug off unless {@code WEFT_DEBUG=1}. */
    public static LoopConfig defaults() {
        return builder().build();
    }

    /**
     * A builder with the defaults. Debug mode starts on when the environment variable
     * {@code WEFT_DEBUG} is {@code 1} or {@code true}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.poller = poller;
        b.clock = clock;
        b.debug = debug;
        b.slowCallbackThreshold = slowCallbackThreshold;
        b.exceptionHandler = exceptionHandler;
        b.threadName = threadName;
        b.offloadThreads = offloadThreads;
        return b;
    }

    /** Builds a {@link LoopConfig}. Not thread-safe. */
    public static final class Builder {
        private PollerKind poller = PollerKind.preferred();
        private Clock clock = Clock.system();
        private boolean debug = debugFromEnvironment();
        private Duration slowCallbackThreshold = Duration.ofMillis(100);
        private ExceptionHandler exceptionHandler = ExceptionHandler.logging();
        private String threadName = "weft-loop";
        private int offloadThreads;

        private Builder() {
        }

        private static boolean debugFromEnvironment() {
            String v = System.getenv("WEFT_DEBUG");
            return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
        }

        public Builder poller(PollerKind poller) {
            this.poller = poller;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder debug(boolean debug) {
            this.debug = debug;
            return this;
        }

        public Builder slowCallbackThreshold(Duration threshold) {
            this.slowCallbackThreshold = threshold;
            return this;
        }

        public Builder exceptionHandler(ExceptionHandler handler) {
            this.exceptionHandler = handler;
            return this;
        }

        public Builder threadName(String name) {
            this.threadName = name;
            return this;
        }

        /** Threads of the shared offload pool; 0 (the default) is four per core. */
        public Builder offloadThreads(int threads) {
            this.offloadThreads = threads;
            return this;
        }

        public LoopConfig build() {
            return new LoopConfig(poller, clock, debug, slowCallbackThreshold, exceptionHandler, threadName,
                    offloadThreads);
        }
    }
}
