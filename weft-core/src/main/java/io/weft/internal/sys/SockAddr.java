package io.weft.internal.sys;

import static io.weft.internal.sys.SocketConstants.AF_INET;
import static io.weft.internal.sys.SocketConstants.AF_INET6;
import static io.weft.internal.sys.SocketConstants.AF_UNIX;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Encodes {@link InetSocketAddress} and {@link UnixDomainSocketAddress} into the kernel's
 * {@code struct sockaddr_*} in a caller's segment (usually {@link CallState#sockaddr()}), and
 * decodes them back. Allocates nothing native; decoding makes the Java address objects.
 *
 * <p>Layouts (the family is a host-order {@code unsigned short} first in each):
 * <ul>
 *   <li>{@code sockaddr_in} (linux/in.h), 16 bytes: port (big-endian {@code __be16}) at 2,
 *       address at 4, zero padding to {@code __SOCK_SIZE__} 16;
 *   <li>{@code sockaddr_in6} (linux/in6.h), 28 bytes: port at 2, flow info ({@code __be32}) at 4,
 *       address at 8, scope id (host order {@code __u32}) at 24;
 *   <li>{@code sockaddr_un} (linux/un.h), 110 bytes: {@code sun_path[UNIX_PATH_MAX]} (108) at 2.
 * </ul>
 */
public final class SockAddr {
    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int IN_SIZE = 16;
    /** {@code sizeof(struct sockaddr_in6)}. */
    public static final int IN6_SIZE = 28;
    /** {@code sizeof(struct sockaddr_un)}: {@code sa_family_t} + {@code UNIX_PATH_MAX} 108 (linux/un.h). */
    public static final int UN_SIZE = 110;
    /** The longest path, in bytes, that fits {@code sun_path} with its terminating NUL. */
    public static final int UN_MAX_PATH = 107;

    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort HOST_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt HOST_INT = ValueLayout.JAVA_INT_UNALIGNED;

    private SockAddr() {
    }

    /**
     * Writes {@code address} into {@code to} as the family its type says (IPv4 as
     * {@code sockaddr_in}, IPv6 as {@code sockaddr_in6}).
     *
     * @return the length to pass as {@code socklen_t}
     * @throws IllegalArgumentException for an unresolved address, a Unix path too long for
     *                                  {@code sun_path}, or a segment too small
     */
    public static int encode(SocketAddress address, MemorySegment to) {
        return encode(address, to, false);
    }

    /**
     * As {@link #encode(SocketAddress, MemorySegment)}, but on an IPv6 socket ({@code v6Socket})
     * an IPv4 address is written as its IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, RFC 4291
     * 2.5.5.2), which is what a dual-stack socket needs.
     */
    public static int encode(SocketAddress address, MemorySegment to, boolean v6Socket) {
        if (address instanceof InetSocketAddress inet) {
            InetAddress ip = inet.getAddress();
            if (ip == null) {
                throw new IllegalArgumentException("unresolved address " + inet
                        + ": resolve it first (the kernel takes numeric addresses only)");
            }
            if (ip instanceof Inet4Address && !v6Socket) {
                check(to, IN_SIZE);
                to.asSlice(0, IN_SIZE).fill((byte) 0);
                to.set(HOST_SHORT, 0, (short) AF_INET);
                to.set(BE_SHORT, 2, (short) inet.getPort());
                MemorySegment.copy(MemorySegment.ofArray(ip.getAddress()), 0, to, 4, 4);
                return IN_SIZE;
            }
            check(to, IN6_SIZE);
            to.asSlice(0, IN6_SIZE).fill((byte) 0);
            to.set(HOST_SHORT, 0, (short) AF_INET6);
            to.set(BE_SHORT, 2, (short) inet.getPort());
            if (ip instanceof Inet6Address v6) {
                MemorySegment.copy(MemorySegment.ofArray(v6.getAddress()), 0, to, 8, 16);
                to.set(HOST_INT, 24, v6.getScopeId());
            } else {
                to.set(ValueLayout.JAVA_BYTE, 18, (byte) 0xff);
                to.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xff);
                MemorySegment.copy(MemorySegment.ofArray(ip.getAddress()), 0, to, 20, 4);
            }
            return IN6_SIZE;
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            byte[] path = unix.getPath().toString().getBytes(PathCharset.CHARSET);
            if (path.length > UN_MAX_PATH) {
                throw new IllegalArgumentException("Unix socket path is " + path.length + " bytes, longer than the "
                        + UN_MAX_PATH + " that sockaddr_un holds: use a shorter path (a relative one, or a shorter"
                        + " directory): " + unix.getPath());
            }
            for (byte b : path) {
                if (b == 0) {
                    throw new IllegalArgumentException("Unix socket path contains a NUL byte: " + unix.getPath());
                }
            }
            check(to, UN_SIZE);
            to.asSlice(0, UN_SIZE).fill((byte) 0);
            to.set(HOST_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(MemorySegment.ofArray(path), 0, to, 2, path.length);
            // An empty path is the unnamed address: bind(2) autobinds, as the JDK does for a null address.
            return path.length == 0 ? 2 : 2 + path.length + 1;
        }
        throw new IllegalArgumentException("cannot encode a " + (address == null ? "null" : address.getClass().getName())
                + " address: expected an InetSocketAddress or a UnixDomainSocketAddress");
    }

    /**
     * Reads the address the kernel wrote into {@code from}, {@code length} bytes of it (the
     * {@code socklen_t} it returned). An IPv4-mapped IPv6 address decodes as the IPv4 address, as
     * the JDK does. A Unix address that is unnamed (length 2) or abstract (Linux's leading NUL,
     * which {@link UnixDomainSocketAddress} cannot carry) decodes as the empty path.
     *
     * @throws IllegalArgumentException for a family other than AF_INET, AF_INET6 and AF_UNIX
     */
    public static SocketAddress decode(MemorySegment from, int length) {
        int family = Short.toUnsignedInt(from.get(HOST_SHORT, 0));
        switch (family) {
            case AF_INET -> {
                byte[] ip = new byte[4];
                MemorySegment.copy(from, ValueLayout.JAVA_BYTE, 4, ip, 0, 4);
                return new InetSocketAddress(byAddress(ip, 0), port(from));
            }
            case AF_INET6 -> {
                byte[] ip = new byte[16];
                MemorySegment.copy(from, ValueLayout.JAVA_BYTE, 8, ip, 0, 16);
                return new InetSocketAddress(byAddress(ip, from.get(HOST_INT, 24)), port(from));
            }
            case AF_UNIX -> {
                int n = length - 2;
                if (n <= 0 || from.get(ValueLayout.JAVA_BYTE, 2) == 0) {
                    return UnixDomainSocketAddress.of("");
                }
                byte[] path = new byte[n];
                MemorySegment.copy(from, ValueLayout.JAVA_BYTE, 2, path, 0, n);
                int end = 0;
                while (end < n && path[end] != 0) {
                    end++;
                }
                return UnixDomainSocketAddress.of(new String(path, 0, end, PathCharset.CHARSET));
            }
            default -> throw new IllegalArgumentException("unexpected address family " + family
                    + " (expected AF_INET 2, AF_INET6 10 or AF_UNIX 1)");
        }
    }

    private static int port(MemorySegment from) {
        return Short.toUnsignedInt(from.get(BE_SHORT, 2));
    }

    private static InetAddress byAddress(byte[] ip, int scopeId) {
        try {
            // InetAddress.getByAddress turns an IPv4-mapped address into an Inet4Address.
            if (scopeId != 0 && ip.length == 16) {
                return Inet6Address.getByAddress(null, ip, scopeId);
            }
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes is always a valid address", e);
        }
    }

    private static void check(MemorySegment to, int size) {
        if (to.byteSize() < size) {
            throw new IllegalArgumentException("segment of " + to.byteSize() + " bytes cannot hold a " + size
                    + "-byte socket address: pass CallState.sockaddr()");
        }
    }

    /** The charset the JDK names files in ({@code sun.jnu.encoding}), so both backends agree on a path's bytes. */
    private static final class PathCharset {
        static final Charset CHARSET = charset();

        private static Charset charset() {
            try {
                return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
            } catch (RuntimeException e) {
                return StandardCharsets.UTF_8;
            }
        }
    }
}
