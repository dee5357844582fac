package io.weft.internal.io;

import io.weft.internal.io.completion.uring.UringDriver;
import io.weft.internal.io.completion.uring.UringProbe;
import io.weft.internal.io.readiness.epoll.EpollDriver;
import io.weft.internal.io.readiness.nio.NioDriver;
import io.weft.internal.io.readiness.poll.PollSelectors;
import io.weft.internal.sys.Sys;
import io.weft.loop.PollerKind;
import java.io.IOException;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that maps a {@link PollerKind} to a driver, probes what this machine offers, and
 * decides the default. Nothing else in Weft names a backend class.
 */
public final class Drivers {
    private Drivers() {
    }

    /** Whether a backend can run here, and if not, why (io_uring: if so, the flags and features the kernel took). */
    public record Status(PollerKind kind, boolean ok, String reason) {
        @Override
        public String toString() {
            return kind.configName() + ": " + (ok ? "ok" : reason);
        }
    }

    /** Opens {@code kind}'s driver for a loop, or says why it cannot run here. */
    public static IoDriver open(PollerKind kind, DriverContext context) throws IOException {
        return switch (kind) {
            case NIO -> new NioDriver(SelectorProvider.provider(), "nio", context);
            case POLL -> new NioDriver(PollSelectors.provider(), "poll", context);
            case EPOLL -> {
                Status s = status(kind);
                if (!s.ok()) {
                    throw new IOException("epoll cannot run here: " + s.reason()
                            + "; use LoopConfig.builder().poller(PollerKind.NIO)");
                }
                yield new EpollDriver(context);
            }
            case IO_URING -> {
                Status s = status(kind);
                if (!s.ok()) {
                    throw new IOException(kind.configName() + " cannot run here: " + s.reason()
                            + "; use LoopConfig.builder().poller(PollerKind.EPOLL) or NIO");
                }
                yield new UringDriver(context);
            }
        };
    }

    /** Every backend with {@code ok} or the reason it cannot run, in {@link PollerKind} order. */
    public static List<Status> statuses() {
        List<Status> out = new ArrayList<>();
        for (PollerKind k : PollerKind.values()) {
            out.add(status(k));
        }
        return out;
    }

    public static Status status(PollerKind kind) {
        return switch (kind) {
            case NIO -> new Status(kind, true, null);
            case POLL -> {
                try {
                    PollSelectors.provider();
                    yield new Status(kind, true, null);
                } catch (IOException e) {
                    yield new Status(kind, false, e.getMessage());
                }
            }
            case EPOLL -> {
                Sys.Probe p = Sys.probe();
                yield new Status(kind, p.ok(), p.ok() ? null : p.reason());
            }
            case IO_URING -> {
                // The kernel's answer alone: too old, kernel.io_uring_disabled, a seccomp filter, or
                // (ok) the setup flags and features it took, for weft info.
                UringProbe.Result r = UringProbe.result();
                yield new Status(kind, r.ok(), r.ok() ? r.describe() : r.reason());
            }
        };
    }

    /** Whether listening sockets can share a port (SO_REUSEPORT), so each loop of a group can listen on its own. */
    public static boolean reusePortSupported() {
        try (java.nio.channels.ServerSocketChannel probe = java.nio.channels.ServerSocketChannel.open()) {
            return probe.supportedOptions().contains(java.net.StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The backend a loop gets by default: native epoll where it can run (its whole suite passes,
     * and it measures leaner than NIO: see docs/benchmarks.md), else NIO, which runs wherever the
     * JDK does. io_uring passes the same suite and is taken when asked for by name, but is not the
     * default: no soak has run on it, and kernels (and container profiles) differ far more in what
     * io_uring they allow than in epoll. Probed once per process.
     */
    public static PollerKind preferred() {
        return Preferred.KIND;
    }

    /** Why {@link #preferred()} is what it is, for {@code weft info}. */
    public static String preferredReason() {
        return Preferred.KIND == PollerKind.EPOLL
                ? "epoll: native epoll runs here and passes the whole suite (io_uring too, where ok above, but only"
                        + " when asked for: --poller io_uring)"
                : "nio: native epoll cannot run here (" + status(PollerKind.EPOLL).reason() + ")";
    }

    /** The probe, made once, on first use (not in a static initialiser of an API class). */
    private static final class Preferred {
        static final PollerKind KIND = status(PollerKind.EPOLL).ok() ? PollerKind.EPOLL : PollerKind.NIO;
    }
}
