package io.weft.internal.sys;

import static io.weft.internal.sys.SocketConstants.AF_INET;
import static io.weft.internal.sys.SocketConstants.AF_INET6;
import static io.weft.internal.sys.SocketConstants.AF_UNIX;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** Test steps on raw descriptors, each failing with the typed exception of the call that failed. */
final class Raw {
    private Raw() {
    }

    static void assumeNative() {
        Sys.Probe p = Sys.probe();
        assumeTrue(p.ok(), () -> "native calls cannot run here: " + p.reason());
    }

    /** {@code r} if it is not an error; else the call's exception, unchecked. */
    static long check(long r, String call) {
        if (r < 0) {
            throw new UncheckedIOException(SysErrors.exception(call, (int) -r));
        }
        return r;
    }

    static int family(SocketAddress a) {
        if (a instanceof UnixDomainSocketAddress) {
            return AF_UNIX;
        }
        return ((InetSocketAddress) a).getAddress() instanceof java.net.Inet6Address ? AF_INET6 : AF_INET;
    }

    /** A listening stream socket bound to {@code at}; its descriptor. */
    static int listen(CallState cs, SocketAddress at) {
        int fd = (int) check(Sockets.socket(cs, family(at), SocketConstants.SOCK_STREAM, 0), "socket");
        try {
            check(Sockets.setInt(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, 1), "setsockopt");
            check(Sockets.bind(cs, fd, SockAddr.encode(at, cs.sockaddr())), "bind");
            check(Sockets.listen(cs, fd, 16), "listen");
            return fd;
        } catch (RuntimeException e) {
            Fd.close(cs, fd);
            throw e;
        }
    }

    static SocketAddress localAddress(CallState cs, int fd) {
        check(Sockets.getsockname(cs, fd), "getsockname");
        return SockAddr.decode(cs.sockaddr(), cs.sockaddrLength());
    }

    /** Starts a non-blocking connect to {@code to}: the descriptor, and the connect's raw result. */
    static int[] startConnect(CallState cs, SocketAddress to, int type) {
        int fd = (int) check(Sockets.socket(cs, family(to), type, 0), "socket");
        int r = Sockets.connect(cs, fd, SockAddr.encode(to, cs.sockaddr()));
        return new int[] {fd, r};
    }

    /** Polls {@code accept4} until a connection is there (bounded: the connect was made on loopback). */
    static int accept(CallState cs, int listener) throws InterruptedException {
        for (int i = 0; i < 2_000; i++) {
            int fd = Sockets.accept(cs, listener);
            if (fd != -Errno.EAGAIN) {
                return (int) check(fd, "accept4");
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no connection to accept within 2 s");
    }

    static void closeAll(CallState cs, int... fds) {
        for (int fd : fds) {
            if (fd >= 0) {
                Fd.close(cs, fd);
            }
        }
    }

    static IOException io(long r, String call) {
        return SysErrors.exception(call, (int) -r);
    }
}
