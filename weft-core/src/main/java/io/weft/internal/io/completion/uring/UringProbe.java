package io.weft.internal.io.completion.uring;

import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Sys;
import io.weft.internal.sys.UringLayout;
import io.weft.internal.sys.UringRing;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the io_uring driver can run here, worked out once per process by doing what the
 * driver does on a scratch ring: set it up (with the flag fallback), enable it, probe every
 * opcode the driver submits (IORING_REGISTER_PROBE), register a provided-buffer ring, and make
 * one NOP round trip through {@code io_uring_enter}. A failure is explained: EPERM from the
 * {@code kernel.io_uring_disabled} sysctl is told apart from EPERM from a seccomp filter (Docker's
 * default profile) by reading the sysctl. Any thread. Asked by {@code Drivers} alone.
 */
public final class UringProbe {
    /**
     * The outcome: ok with what the kernel took, or the reason it cannot run. {@code ringCloses}:
     * whether a connection's close and half-close go through the ring ({@link UringDriver#CLOSE_OPCODES});
     * without them the driver falls back to {@code close(2)} and {@code shutdown(2)}.
     */
    public record Result(boolean ok, String reason, int flags, int features, boolean ringCloses) {
        /** {@code "flags SINGLE_ISSUER|..., features ..."}, for {@code weft info}. */
        public String describe() {
            return ok ? "setup flags " + UringRing.flagNames(flags) + "; features " + UringRing.featureNames(features)
                    + (ringCloses ? "; close and shutdown through the ring" : "; close and shutdown by system call"
                    + " (the ring lacks IORING_OP_CLOSE or IORING_OP_SHUTDOWN)")
                    : reason;
        }
    }

    private UringProbe() {
    }

    public static Result result() {
        return Holder.RESULT;
    }

    private static final class Holder {
        static final Result RESULT = run();
    }

    private static Result run() {
        Sys.Probe sys = Sys.probe();
        if (!sys.ok()) {
            return no(sys.reason());
        }
        if (!Boolean.parseBoolean(System.getProperty("weft.uring.enabled", "true"))) {
            return no("turned off by -Dweft.uring.enabled=false");
        }
        try (CallState cs = new CallState()) {
            UringRing ring;
            try {
                ring = UringRing.open(cs, 8, 32);
            } catch (IOException e) {
                return no(explain(e.getMessage()));
            }
            try (Arena arena = Arena.ofShared()) {
                ring.enable(cs);
                java.util.List<String> missing = ring.unsupported(cs, UringDriver.OPCODES);
                if (!missing.isEmpty()) {
                    return no("the kernel's io_uring lacks opcodes " + missing + " (kernel older than 5.19?)");
                }
                try {
                    new BufferRing(ring, cs, arena).close(ring, cs);
                } catch (IOException e) {
                    return no("provided-buffer rings (IORING_REGISTER_PBUF_RING, Linux 5.19) do not work: "
                            + e.getMessage());
                }
                long at = ring.nextSqe();
                ring.prep(at, UringLayout.OP_NOP, -1, 0, 0, 0, 42L);
                int r = ring.submitAndWait(cs, 1, 1_000_000_000L);
                if (r < 0 || ring.cqReady() != 1 || ring.cqeUserData(0) != 42L) {
                    return no("a NOP round trip through io_uring_enter failed (" + (r < 0 ? Errno.name(-r) : "no CQE")
                            + ")");
                }
                ring.cqAdvance(1);
                boolean closes = ring.unsupported(cs, UringDriver.CLOSE_OPCODES).isEmpty();
                return new Result(true, null, ring.flags(), ring.features(), closes);
            } catch (IOException e) {
                return no(e.getMessage());
            } finally {
                ring.close();
            }
        } catch (Throwable t) {
            return no("io_uring calls do not link here: " + t);
        }
    }

    private static Result no(String reason) {
        return new Result(false, reason, 0, 0, false);
    }

    /** Adds why a setup failed, from the sysctl and the errno. */
    private static String explain(String message) {
        String sysctl = sysctl();
        if (message.contains("EPERM")) {
            if ("2".equals(sysctl)) {
                return message + ": io_uring is disabled for all processes (sysctl kernel.io_uring_disabled=2)";
            }
            if ("1".equals(sysctl)) {
                return message + ": io_uring is limited to the kernel.io_uring_group (sysctl"
                        + " kernel.io_uring_disabled=1) and this process is not in it";
            }
            return message + ": not the sysctl (kernel.io_uring_disabled=" + (sysctl == null ? "absent" : sysctl)
                    + "), so a seccomp filter or an LSM refused io_uring_setup (Docker's default profile does)";
        }
        if (message.contains("ENOSYS")) {
            return message + ": this kernel has no io_uring (CONFIG_IO_URING off, or older than 5.1), or a seccomp"
                    + " filter answers ENOSYS for it";
        }
        return message;
    }

    private static String sysctl() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/io_uring_disabled")).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
