package io.weft.internal.io;

import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.SockAddr;
import io.weft.internal.sys.SocketConstants;
import io.weft.internal.sys.Sockets;
import io.weft.internal.sys.SysErrors;
import io.weft.net.DatagramOptions;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * What the two native backends (epoll and io_uring) do alike to make a socket before their ways
 * part: pick the address family, open a non-blocking close-on-exec socket, set options, and open
 * a bound (and maybe connected) UDP socket. Every failure is the typed exception SysErrors gives,
 * and a socket made here is closed again when a later step fails. Any thread; each call uses the
 * caller's {@link CallState}.
 */
public final class NativeSockets {
    private NativeSockets() {
    }

    /** A listening socket's address, and the Unix socket file it made (null for TCP). */
    public record Listening(SocketAddress local, UnixSocketFile socketFile) {
    }

    /**
     * Sets {@code fd}'s options, binds it to {@code address} and listens, a TCP or a Unix socket
     * (the socket file made safely: {@link UnixSocketFile}). Failures name the address; a
     * BindException stays one (address in use, permission). The caller closes {@code fd} on any
     * failure.
     */
    public static Listening listen(CallState cs, int fd, SocketAddress address, ServerOptions options)
            throws IOException {
        try {
            if (address instanceof UnixDomainSocketAddress ua) {
                SocketAddress[] local = new SocketAddress[1];
                UnixSocketFile file = UnixSocketFile.bind(ua, () -> {
                    local[0] = bindAndListen(cs, fd, ua, options.backlog());
                    return ((UnixDomainSocketAddress) local[0]).getPath();
                });
                return new Listening(local[0], file);
            }
            option(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR,
                    options.reuseAddress() ? 1 : 0, "SO_REUSEADDR");
            if (options.reusePort()) {
                option(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEPORT, 1, "SO_REUSEPORT");
            }
            return new Listening(bindAndListen(cs, fd, address, options.backlog()), null);
        } catch (BindException e) {
            BindException typed = new BindException("cannot listen on " + address + ": " + e.getMessage());
            typed.initCause(e);
            throw typed;
        } catch (IOException e) {
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    private static SocketAddress bindAndListen(CallState cs, int fd, SocketAddress address, int backlog)
            throws IOException {
        int r = Sockets.bind(cs, fd, SockAddr.encode(address, cs.sockaddr()));
        if (r < 0) {
            throw SysErrors.exception("bind", -r);
        }
        r = Sockets.listen(cs, fd, backlog);
        if (r < 0) {
            throw SysErrors.exception("listen", -r);
        }
        r = Sockets.getsockname(cs, fd);
        if (r < 0) {
            throw SysErrors.exception("getsockname", -r);
        }
        SocketAddress local = SockAddr.decode(cs.sockaddr(), cs.sockaddrLength());
        if (local instanceof UnixDomainSocketAddress u && u.getPath().toString().isEmpty()) {
            return address; // the kernel reports a path it was given relative as written
        }
        return local;
    }

    /** A UDP socket ready for its backend: its fd (the caller's to close), family and bound address. */
    public record Datagram(int fd, boolean v6, SocketAddress bound) {
    }

    /** The address family a stream socket to or at {@code address} needs. */
    public static int family(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return SocketConstants.AF_UNIX;
        }
        if (address instanceof InetSocketAddress inet) {
            if (inet.getAddress() == null) {
                throw new IllegalArgumentException("unresolved address " + inet + ": resolve it first");
            }
            return inet.getAddress() instanceof Inet6Address ? SocketConstants.AF_INET6 : SocketConstants.AF_INET;
        }
        throw new IllegalArgumentException("unsupported address type " + address.getClass().getName()
                + ": expected an InetSocketAddress or a UnixDomainSocketAddress");
    }

    /** A new non-blocking, close-on-exec socket, or the typed failure. */
    public static int open(CallState cs, int family, int type) throws IOException {
        int fd = Sockets.socket(cs, family, type, 0);
        if (fd < 0) {
            throw SysErrors.exception("socket", -fd);
        }
        return fd;
    }

    /** Sets an int option, throwing the typed failure if it fails (the caller closes {@code fd}). */
    public static void option(CallState cs, int fd, int level, int name, int value, String what) throws IOException {
        int r = Sockets.setInt(cs, fd, level, name, value);
        if (r < 0) {
            throw SysErrors.exception("setsockopt(" + what + ")", -r);
        }
    }

    /**
     * A UDP socket bound to {@code local} (any address and a free port when null) and, when
     * {@code remote} is given, connected to it. The family follows the addresses; with none, a
     * dual-stack IPv6 socket as the JDK makes (IPv4 where the host has no IPv6).
     */
    public static Datagram openDatagram(CallState cs, SocketAddress local, SocketAddress remote, DatagramOptions options)
            throws IOException {
        Boolean wantV6 = familyOf(local, remote);
        int fd;
        boolean v6;
        if (wantV6 == null) {
            fd = Sockets.socket(cs, SocketConstants.AF_INET6, SocketConstants.SOCK_DGRAM, 0);
            v6 = fd >= 0;
            if (fd < 0) {
                fd = open(cs, SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM);
            }
        } else {
            v6 = wantV6;
            fd = open(cs, v6 ? SocketConstants.AF_INET6 : SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM);
        }
        try {
            if (wantV6 == null && v6) {
                option(cs, fd, SocketConstants.IPPROTO_IPV6, SocketConstants.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
            }
            option(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR,
                    options.reuseAddress() ? 1 : 0, "SO_REUSEADDR");
            if (options.reusePort()) {
                option(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEPORT, 1, "SO_REUSEPORT");
            }
            if (options.broadcast()) {
                option(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_BROADCAST, 1, "SO_BROADCAST");
            }
            if (options.receiveBufferSize() > 0) {
                option(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF,
                        options.receiveBufferSize(), "SO_RCVBUF");
            }
            SocketAddress bindTo = local != null ? local
                    : new InetSocketAddress(InetAddress.getByAddress(new byte[v6 ? 16 : 4]), 0);
            int r = Sockets.bind(cs, fd, SockAddr.encode(bindTo, cs.sockaddr(), v6));
            if (r < 0) {
                IOException e = SysErrors.exception("bind", -r);
                BindException typed = new BindException("cannot bind a UDP endpoint to "
                        + (local == null ? "a free port" : local) + ": " + e.getMessage());
                typed.initCause(e);
                throw typed;
            }
            if (remote != null) {
                r = Sockets.connect(cs, fd, SockAddr.encode(remote, cs.sockaddr(), v6));
                if (r < 0) {
                    IOException e = SysErrors.exception("connect", -r);
                    throw new IOException("cannot connect a UDP endpoint to " + remote + ": " + e.getMessage(), e);
                }
            }
            r = Sockets.getsockname(cs, fd);
            if (r < 0) {
                throw SysErrors.exception("getsockname", -r);
            }
            return new Datagram(fd, v6, SockAddr.decode(cs.sockaddr(), cs.sockaddrLength()));
        } catch (IOException | RuntimeException e) {
            Fd.close(cs, fd); // clean up first, then throw
            throw e;
        }
    }

    /** IPv6 (true), IPv4 (false), or null for "the default" when no address is specific. */
    private static Boolean familyOf(SocketAddress local, SocketAddress remote) {
        for (SocketAddress a : new SocketAddress[] {remote, local}) {
            if (a instanceof InetSocketAddress inet && inet.getAddress() != null
                    && !inet.getAddress().isAnyLocalAddress()) {
                return inet.getAddress() instanceof Inet6Address;
            }
        }
        if (local instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress() instanceof Inet6Address ? null : Boolean.FALSE;
        }
        return null;
    }
}
