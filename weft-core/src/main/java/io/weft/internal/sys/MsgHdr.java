package io.weft.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct msghdr} (x86_64-linux-gnu/bits/socket.h), 56 bytes on the LP64 ABIs:
 * {@code msg_name} at 0, {@code socklen_t msg_namelen} at 8 (4 bytes of padding after),
 * {@code msg_iov} at 16, {@code size_t msg_iovlen} at 24, {@code msg_control} at 32,
 * {@code size_t msg_controllen} at 40, {@code int msg_flags} at 48 (padded to 56). The caller
 * owns the header segment and everything it points at until {@code sendmsg}/{@code recvmsg}
 * returns.
 */
public final class MsgHdr {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("msg_name"),
            ValueLayout.JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("msg_iov"),
            ValueLayout.JAVA_LONG.withName("msg_iovlen"),
            ValueLayout.ADDRESS.withName("msg_control"),
            ValueLayout.JAVA_LONG.withName("msg_controllen"),
            ValueLayout.JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));
    public static final long SIZE = LAYOUT.byteSize();
    private static final long NAMELEN = 8;
    private static final long FLAGS = 48;

    private MsgHdr() {
    }

    /**
     * Fills {@code header} for one call: the address buffer ({@code name} of {@code nameLength}
     * bytes, or {@link MemorySegment#NULL} and 0 on a connected socket), {@code iovCount} entries
     * of the {@link IoVec} array {@code iov}, no ancillary data.
     */
    public static void set(MemorySegment header, MemorySegment name, int nameLength, MemorySegment iov, int iovCount) {
        header.set(ValueLayout.ADDRESS, 0, name);
        header.set(ValueLayout.JAVA_INT, NAMELEN, nameLength);
        header.set(ValueLayout.JAVA_INT, NAMELEN + 4, 0);
        header.set(ValueLayout.ADDRESS, 16, iov);
        header.set(ValueLayout.JAVA_LONG, 24, iovCount);
        header.set(ValueLayout.ADDRESS, 32, MemorySegment.NULL);
        header.set(ValueLayout.JAVA_LONG, 40, 0);
        header.set(ValueLayout.JAVA_INT, FLAGS, 0);
    }

    /** The address length {@code recvmsg} wrote back (the sender's address is in the name buffer). */
    public static int nameLength(MemorySegment header) {
        return header.get(ValueLayout.JAVA_INT, NAMELEN);
    }

    /** {@code msg_flags} after {@code recvmsg}: {@link SocketConstants#MSG_TRUNC} if the datagram was cut short. */
    public static int flags(MemorySegment header) {
        return header.get(ValueLayout.JAVA_INT, FLAGS);
    }
}
