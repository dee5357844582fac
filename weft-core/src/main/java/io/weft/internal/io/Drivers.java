package io.weft.internal.io;

import io.weft.internal.io.readiness.nio.NioDriver;
import io.weft.internal.io.readiness.poll.PollSelectors;
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

    /** Whether a backend can run here, and if not, why. */
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
            case EPOLL, IO_URING -> {
                Status s = status(kind);
                throw new IOException(kind.configName() + " cannot run here: " + s.reason()
                        + "; use LoopConfig.builder().poller(PollerKind.NIO)");
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
            case EPOLL -> new Status(kind, false, "not in this build yet");
            case IO_URING -> new Status(kind, false, "the io_uring completion driver is not written yet");
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

    /** The backend a loop gets by default: see {@link #preferredReason()}. */
    public static PollerKind preferred() {
        return PollerKind.NIO;
    }

    /** Why {@link #preferred()} is what it is, for {@code weft info}. */
    public static String preferredReason() {
        return "nio: the only backend whose whole suite passes here";
    }
}
