package io.weft.internal.file.uring;

import io.weft.file.FileStat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code struct statx} as {@code /usr/include/linux/stat.h} declares it: the offsets of the
 * fields the file backend reads, the mask bits it asks for, and decoding into {@link FileStat}.
 * Every field is fixed-width, so the layout is the same on every architecture.
 */
final class Statx {
    /** sizeof(struct statx): 0x100 (the struct ends with __u64 __spare3[12] at 0xa0). */
    static final int SIZE = 256;

    private static final int STX_MASK = 0x00;             // __u32 stx_mask
    private static final int STX_BLKSIZE = 0x04;          // __u32 stx_blksize
    private static final int STX_MODE = 0x1c;             // __u16 stx_mode
    private static final int STX_SIZE = 0x28;             // __u64 stx_size
    private static final int STX_MTIME = 0x70;            // struct statx_timestamp stx_mtime: __s64 tv_sec, __u32 tv_nsec
    private static final int STX_DIO_MEM_ALIGN = 0x98;    // __u32 stx_dio_mem_align
    private static final int STX_DIO_OFFSET_ALIGN = 0x9c; // __u32 stx_dio_offset_align

    static final int STATX_TYPE = 0x1;                    // STATX_TYPE: stx_mode & S_IFMT
    static final int STATX_MTIME = 0x40;                  // STATX_MTIME
    static final int STATX_SIZE = 0x200;                  // STATX_SIZE
    static final int STATX_DIOALIGN = 0x2000;             // STATX_DIOALIGN (Linux 6.1)

    static final int AT_SYMLINK_NOFOLLOW = 0x100;         // linux/fcntl.h AT_SYMLINK_NOFOLLOW
    static final int AT_EMPTY_PATH = 0x1000;              // linux/fcntl.h AT_EMPTY_PATH

    // linux/stat.h S_IFMT and the types
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;

    private Statx() {
    }

    static FileStat.Type type(MemorySegment st) {
        int mode = Short.toUnsignedInt(st.get(ValueLayout.JAVA_SHORT, STX_MODE)) & S_IFMT;
        return switch (mode) {
            case S_IFREG -> FileStat.Type.FILE;
            case S_IFDIR -> FileStat.Type.DIRECTORY;
            case S_IFLNK -> FileStat.Type.SYMBOLIC_LINK;
            default -> FileStat.Type.OTHER;
        };
    }

    static long size(MemorySegment st) {
        return st.get(ValueLayout.JAVA_LONG, STX_SIZE);
    }

    static FileStat decode(Path path, MemorySegment st) {
        Instant mtime = Instant.ofEpochSecond(st.get(ValueLayout.JAVA_LONG, STX_MTIME),
                Integer.toUnsignedLong(st.get(ValueLayout.JAVA_INT, STX_MTIME + 8)));
        return new FileStat(path, type(st), size(st), mtime);
    }

    /**
     * The multiple O_DIRECT needs of addresses, offsets and lengths: the larger of the two
     * STATX_DIOALIGN answers where the kernel gave them, else the preferred I/O size (the file
     * system's block size, as the pool backend uses).
     */
    static int directAlignment(MemorySegment st) {
        int mask = st.get(ValueLayout.JAVA_INT, STX_MASK);
        if ((mask & STATX_DIOALIGN) != 0) {
            int a = Math.max(st.get(ValueLayout.JAVA_INT, STX_DIO_MEM_ALIGN), st.get(ValueLayout.JAVA_INT, STX_DIO_OFFSET_ALIGN));
            if (a > 1) {
                return a;
            }
        }
        return Math.max(512, st.get(ValueLayout.JAVA_INT, STX_BLKSIZE));
    }
}
