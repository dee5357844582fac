package io.weft.internal.sys;

/**
 * Socket domains, types, levels, options and flags, each with the header and {@code #define} it
 * comes from (paths under /usr/include; x86_64-linux-gnu/ is glibc's, the rest the kernel's UAPI).
 * The asm-generic numbers hold on x86-64 and aarch64 alike ({@link Arch}).
 */
public final class SocketConstants {
    // Address families: x86_64-linux-gnu/bits/socket.h
    public static final int AF_UNSPEC = 0;            // bits/socket.h PF_UNSPEC
    public static final int AF_UNIX = 1;              // bits/socket.h PF_LOCAL (PF_UNIX)
    public static final int AF_INET = 2;              // bits/socket.h PF_INET
    public static final int AF_INET6 = 10;            // bits/socket.h PF_INET6

    // Socket types and their creation flags: x86_64-linux-gnu/bits/socket_type.h
    public static final int SOCK_STREAM = 1;          // socket_type.h SOCK_STREAM
    public static final int SOCK_DGRAM = 2;           // socket_type.h SOCK_DGRAM
    public static final int SOCK_NONBLOCK = 04000;    // socket_type.h SOCK_NONBLOCK (= asm-generic/fcntl.h O_NONBLOCK)
    public static final int SOCK_CLOEXEC = 02000000;  // socket_type.h SOCK_CLOEXEC (= asm-generic/fcntl.h O_CLOEXEC)

    // Levels
    public static final int SOL_SOCKET = 1;           // asm-generic/socket.h SOL_SOCKET
    public static final int IPPROTO_IP = 0;           // linux/in.h IPPROTO_IP
    public static final int IPPROTO_TCP = 6;          // linux/in.h IPPROTO_TCP
    public static final int IPPROTO_UDP = 17;         // linux/in.h IPPROTO_UDP
    public static final int IPPROTO_IPV6 = 41;        // linux/in.h IPPROTO_IPV6

    // SOL_SOCKET options: asm-generic/socket.h
    public static final int SO_REUSEADDR = 2;         // asm-generic/socket.h SO_REUSEADDR
    public static final int SO_TYPE = 3;              // asm-generic/socket.h SO_TYPE
    public static final int SO_ERROR = 4;             // asm-generic/socket.h SO_ERROR
    public static final int SO_BROADCAST = 6;         // asm-generic/socket.h SO_BROADCAST
    public static final int SO_SNDBUF = 7;            // asm-generic/socket.h SO_SNDBUF
    public static final int SO_RCVBUF = 8;            // asm-generic/socket.h SO_RCVBUF
    public static final int SO_KEEPALIVE = 9;         // asm-generic/socket.h SO_KEEPALIVE
    public static final int SO_LINGER = 13;           // asm-generic/socket.h SO_LINGER (struct linger)
    public static final int SO_REUSEPORT = 15;        // asm-generic/socket.h SO_REUSEPORT

    // IPPROTO_TCP options: linux/tcp.h
    public static final int TCP_NODELAY = 1;          // linux/tcp.h TCP_NODELAY

    // IPPROTO_IP options: linux/in.h
    public static final int IP_MULTICAST_IF = 32;     // linux/in.h IP_MULTICAST_IF
    public static final int IP_MULTICAST_TTL = 33;    // linux/in.h IP_MULTICAST_TTL
    public static final int IP_MULTICAST_LOOP = 34;   // linux/in.h IP_MULTICAST_LOOP

    // IPPROTO_IPV6 options: linux/in6.h
    public static final int IPV6_MULTICAST_IF = 17;   // linux/in6.h IPV6_MULTICAST_IF
    public static final int IPV6_MULTICAST_HOPS = 18; // linux/in6.h IPV6_MULTICAST_HOPS
    public static final int IPV6_MULTICAST_LOOP = 19; // linux/in6.h IPV6_MULTICAST_LOOP
    public static final int IPV6_V6ONLY = 26;         // linux/in6.h IPV6_V6ONLY

    // send/recv flags: x86_64-linux-gnu/bits/socket.h (enum with a #define each)
    public static final int MSG_PEEK = 0x02;          // bits/socket.h MSG_PEEK
    public static final int MSG_TRUNC = 0x20;         // bits/socket.h MSG_TRUNC
    public static final int MSG_DONTWAIT = 0x40;      // bits/socket.h MSG_DONTWAIT
    public static final int MSG_NOSIGNAL = 0x4000;    // bits/socket.h MSG_NOSIGNAL

    // shutdown(2) how: x86_64-linux-gnu/sys/socket.h
    public static final int SHUT_RD = 0;              // sys/socket.h SHUT_RD
    public static final int SHUT_WR = 1;              // sys/socket.h SHUT_WR
    public static final int SHUT_RDWR = 2;            // sys/socket.h SHUT_RDWR

    private SocketConstants() {
    }
}
