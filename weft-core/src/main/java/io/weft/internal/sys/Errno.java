package io.weft.internal.sys;

/**
 * The errno numbers this layer looks at, from asm-generic/errno-base.h (1..34) and
 * asm-generic/errno.h (35..), which x86-64 and aarch64 both use; the name beside each is its
 * {@code #define}.
 */
public final class Errno {
    public static final int EPERM = 1;            // errno-base.h EPERM
    public static final int ENOENT = 2;           // errno-base.h ENOENT
    public static final int EINTR = 4;            // errno-base.h EINTR
    public static final int EIO = 5;              // errno-base.h EIO
    public static final int EBADF = 9;            // errno-base.h EBADF
    public static final int EAGAIN = 11;          // errno-base.h EAGAIN (errno.h EWOULDBLOCK is EAGAIN)
    public static final int ENOMEM = 12;          // errno-base.h ENOMEM
    public static final int EACCES = 13;          // errno-base.h EACCES
    public static final int EFAULT = 14;          // errno-base.h EFAULT
    public static final int EEXIST = 17;          // errno-base.h EEXIST
    public static final int ENOTDIR = 20;         // errno-base.h ENOTDIR
    public static final int EINVAL = 22;          // errno-base.h EINVAL
    public static final int ENFILE = 23;          // errno-base.h ENFILE
    public static final int EMFILE = 24;          // errno-base.h EMFILE
    public static final int ENOSPC = 28;          // errno-base.h ENOSPC
    public static final int EPIPE = 32;           // errno-base.h EPIPE
    public static final int ENAMETOOLONG = 36;    // errno.h ENAMETOOLONG
    public static final int ENOSYS = 38;          // errno.h ENOSYS
    public static final int ELOOP = 40;           // errno.h ELOOP
    public static final int ENOTSOCK = 88;        // errno.h ENOTSOCK
    public static final int EDESTADDRREQ = 89;    // errno.h EDESTADDRREQ
    public static final int EMSGSIZE = 90;        // errno.h EMSGSIZE
    public static final int EPROTOTYPE = 91;      // errno.h EPROTOTYPE
    public static final int ENOPROTOOPT = 92;     // errno.h ENOPROTOOPT
    public static final int EPROTONOSUPPORT = 93; // errno.h EPROTONOSUPPORT
    public static final int EOPNOTSUPP = 95;      // errno.h EOPNOTSUPP
    public static final int EAFNOSUPPORT = 97;    // errno.h EAFNOSUPPORT
    public static final int EADDRINUSE = 98;      // errno.h EADDRINUSE
    public static final int EADDRNOTAVAIL = 99;   // errno.h EADDRNOTAVAIL
    public static final int ENETDOWN = 100;       // errno.h ENETDOWN
    public static final int ENETUNREACH = 101;    // errno.h ENETUNREACH
    public static final int ENETRESET = 102;      // errno.h ENETRESET
    public static final int ECONNABORTED = 103;   // errno.h ECONNABORTED
    public static final int ECONNRESET = 104;     // errno.h ECONNRESET
    public static final int ENOBUFS = 105;        // errno.h ENOBUFS
    public static final int EISCONN = 106;        // errno.h EISCONN
    public static final int ENOTCONN = 107;       // errno.h ENOTCONN
    public static final int ESHUTDOWN = 108;      // errno.h ESHUTDOWN
    public static final int ETIMEDOUT = 110;      // errno.h ETIMEDOUT
    public static final int ECONNREFUSED = 111;   // errno.h ECONNREFUSED
    public static final int EHOSTDOWN = 112;      // errno.h EHOSTDOWN
    public static final int EHOSTUNREACH = 113;   // errno.h EHOSTUNREACH
    public static final int EALREADY = 114;       // errno.h EALREADY
    public static final int EINPROGRESS = 115;    // errno.h EINPROGRESS

    private Errno() {
    }

    /** The {@code #define} name of {@code errno} ({@code "ECONNREFUSED"}), or {@code "errno 123"}. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EEXIST -> "EEXIST";
            case ENOTDIR -> "ENOTDIR";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOSPC -> "ENOSPC";
            case EPIPE -> "EPIPE";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENOSYS -> "ENOSYS";
            case ELOOP -> "ELOOP";
            case ENOTSOCK -> "ENOTSOCK";
            case EDESTADDRREQ -> "EDESTADDRREQ";
            case EMSGSIZE -> "EMSGSIZE";
            case EPROTOTYPE -> "EPROTOTYPE";
            case ENOPROTOOPT -> "ENOPROTOOPT";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ENETDOWN -> "ENETDOWN";
            case ENETUNREACH -> "ENETUNREACH";
            case ENETRESET -> "ENETRESET";
            case ECONNABORTED -> "ECONNABORTED";
            case ECONNRESET -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS";
            case EISCONN -> "EISCONN";
            case ENOTCONN -> "ENOTCONN";
            case ESHUTDOWN -> "ESHUTDOWN";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EHOSTDOWN -> "EHOSTDOWN";
            case EHOSTUNREACH -> "EHOSTUNREACH";
            case EALREADY -> "EALREADY";
            case EINPROGRESS -> "EINPROGRESS";
            default -> "errno " + errno;
        };
    }
}
