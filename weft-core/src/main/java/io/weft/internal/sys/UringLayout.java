package io.weft.internal.sys;

/**
 * The io_uring ABI as the kernel's UAPI header declares it: struct offsets, opcodes and flag
 * bits, each with the header and field it comes from. Every number here is from
 * {@code /usr/include/linux/io_uring.h} (the 6.1 UAPI this machine ships; the kernel runs newer
 * and keeps the ABI) unless the comment names another header. The structs have no
 * architecture-dependent padding (all fields are fixed-width {@code __u8..__u64}), so x86-64 and
 * aarch64 agree.
 */
public final class UringLayout {
    private UringLayout() {
    }

    // ---- system call numbers: x86_64-linux-gnu/asm/unistd_64.h; asm-generic/unistd.h (aarch64) has the same ----
    static final long NR_IO_URING_SETUP = 425;    // __NR_io_uring_setup
    static final long NR_IO_URING_ENTER = 426;    // __NR_io_uring_enter
    static final long NR_IO_URING_REGISTER = 427; // __NR_io_uring_register

    // ---- io_uring_setup(2) flags (IORING_SETUP_*) ----
    public static final int SETUP_CQSIZE = 1 << 3;          // IORING_SETUP_CQSIZE: app defines CQ size
    public static final int SETUP_CLAMP = 1 << 4;           // IORING_SETUP_CLAMP: clamp SQ/CQ ring sizes
    public static final int SETUP_R_DISABLED = 1 << 6;      // IORING_SETUP_R_DISABLED: start with ring disabled
    public static final int SETUP_SUBMIT_ALL = 1 << 7;      // IORING_SETUP_SUBMIT_ALL: continue submit on error
    public static final int SETUP_SINGLE_ISSUER = 1 << 12;  // IORING_SETUP_SINGLE_ISSUER
    public static final int SETUP_DEFER_TASKRUN = 1 << 13;  // IORING_SETUP_DEFER_TASKRUN

    // ---- io_uring_params.features (IORING_FEAT_*) ----
    public static final int FEAT_SINGLE_MMAP = 1 << 0;      // IORING_FEAT_SINGLE_MMAP
    public static final int FEAT_NODROP = 1 << 1;           // IORING_FEAT_NODROP
    public static final int FEAT_SUBMIT_STABLE = 1 << 2;    // IORING_FEAT_SUBMIT_STABLE
    public static final int FEAT_FAST_POLL = 1 << 5;        // IORING_FEAT_FAST_POLL
    public static final int FEAT_EXT_ARG = 1 << 8;          // IORING_FEAT_EXT_ARG
    public static final int FEAT_NATIVE_WORKERS = 1 << 9;   // IORING_FEAT_NATIVE_WORKERS
    public static final int FEAT_CQE_SKIP = 1 << 11;        // IORING_FEAT_CQE_SKIP

    // ---- opcodes: enum io_uring_op, counted from IORING_OP_NOP = 0 ----
    public static final int OP_NOP = 0;           // IORING_OP_NOP
    public static final int OP_WRITEV = 2;        // IORING_OP_WRITEV
    public static final int OP_POLL_ADD = 6;      // IORING_OP_POLL_ADD (one-shot without IORING_POLL_ADD_MULTI in len)
    public static final int OP_SENDMSG = 9;       // IORING_OP_SENDMSG
    public static final int OP_RECVMSG = 10;      // IORING_OP_RECVMSG
    public static final int OP_ACCEPT = 13;       // IORING_OP_ACCEPT
    public static final int OP_ASYNC_CANCEL = 14; // IORING_OP_ASYNC_CANCEL
    public static final int OP_CONNECT = 16;      // IORING_OP_CONNECT
    public static final int OP_READ = 22;         // IORING_OP_READ
    public static final int OP_SEND = 26;         // IORING_OP_SEND
    public static final int OP_RECV = 27;         // IORING_OP_RECV
    public static final int OP_SPLICE = 30;       // IORING_OP_SPLICE (socket to pipe and pipe to socket, io.weft.internal.io.completion.uring.UringSplicer)
    // file operations (io.weft.internal.io.completion.uring.UringFiles)
    public static final int OP_FSYNC = 3;         // IORING_OP_FSYNC
    public static final int OP_OPENAT = 18;       // IORING_OP_OPENAT
    public static final int OP_CLOSE = 19;        // IORING_OP_CLOSE
    public static final int OP_STATX = 21;        // IORING_OP_STATX
    public static final int OP_WRITE = 23;        // IORING_OP_WRITE
    // a connection's half-close and close (io.weft.internal.io.completion.uring.UringSocketIo; OP_CLOSE above too)
    public static final int OP_SHUTDOWN = 34;     // IORING_OP_SHUTDOWN (Linux 5.11): sqe->len is shutdown(2)'s how

    // ---- sqe->flags (IOSQE_*, from enum IOSQE_*_BIT) ----
    public static final int IOSQE_BUFFER_SELECT = 1 << 5;   // IOSQE_BUFFER_SELECT_BIT = 5
    public static final int IOSQE_ASYNC = 1 << 4;           // IOSQE_ASYNC_BIT = 4: go to io-wq without trying inline first
    public static final int IOSQE_IO_LINK = 1 << 2;         // IOSQE_IO_LINK_BIT = 2: the next SQE runs after this one, and is cancelled if this one fails
    public static final int IOSQE_IO_HARDLINK = 1 << 3;     // IOSQE_IO_HARDLINK_BIT = 3: as IO_LINK, but the next runs even if this one fails (or is short)

    // ---- per-opcode flags ----
    public static final int RECV_MULTISHOT = 1 << 1;        // IORING_RECV_MULTISHOT (sqe->ioprio of RECV)
    public static final int ACCEPT_MULTISHOT = 1 << 0;      // IORING_ACCEPT_MULTISHOT (sqe->ioprio of ACCEPT)
    public static final int FSYNC_DATASYNC = 1 << 0;        // IORING_FSYNC_DATASYNC (sqe->fsync_flags of FSYNC)
    /**
     * SPLICE's {@code sqe->splice_flags}: the splice(2) flags, which linux/splice.h declares (not
     * installed here; glibc's x86_64-linux-gnu/bits/fcntl-linux.h copies them, as {@link Io#SPLICE_F_NONBLOCK} does).
     */
    public static final int SPLICE_F_NONBLOCK = 2;          // SPLICE_F_NONBLOCK: don't wait on the pipe (the sockets are O_NONBLOCK themselves)
    public static final int SPLICE_F_MOVE = 1;              // SPLICE_F_MOVE: move pages, not copy (a hint)

    // ---- poll(2) event bits for POLL_ADD's poll32_events and its CQE's res: asm-generic/poll.h ----
    public static final int POLLIN = 0x0001;                // POLLIN
    public static final int POLLOUT = 0x0004;               // POLLOUT
    public static final int POLLERR = 0x0008;               // POLLERR
    public static final int POLLHUP = 0x0010;               // POLLHUP

    // ---- cqe->flags (IORING_CQE_F_*) ----
    public static final int CQE_F_BUFFER = 1 << 0;          // IORING_CQE_F_BUFFER: upper 16 bits are the buffer id
    public static final int CQE_F_MORE = 1 << 1;            // IORING_CQE_F_MORE: the SQE will post more CQEs
    public static final int CQE_BUFFER_SHIFT = 16;          // IORING_CQE_BUFFER_SHIFT

    // ---- io_uring_enter(2) flags ----
    static final int ENTER_GETEVENTS = 1 << 0;              // IORING_ENTER_GETEVENTS
    static final int ENTER_EXT_ARG = 1 << 3;                // IORING_ENTER_EXT_ARG

    // ---- sq_ring->flags ----
    static final int SQ_CQ_OVERFLOW = 1 << 1;               // IORING_SQ_CQ_OVERFLOW: completions wait in the overflow list

    // ---- io_uring_register(2) opcodes ----
    static final int REGISTER_PROBE = 8;                    // IORING_REGISTER_PROBE
    static final int REGISTER_ENABLE_RINGS = 12;            // IORING_REGISTER_ENABLE_RINGS
    static final int REGISTER_PBUF_RING = 22;               // IORING_REGISTER_PBUF_RING
    static final int UNREGISTER_PBUF_RING = 23;             // IORING_UNREGISTER_PBUF_RING
    static final int IO_URING_OP_SUPPORTED = 1;             // IO_URING_OP_SUPPORTED (io_uring_probe_op.flags)

    // ---- mmap(2) offsets of the rings ----
    static final long OFF_SQ_RING = 0L;                     // IORING_OFF_SQ_RING
    static final long OFF_SQES = 0x10000000L;               // IORING_OFF_SQES

    // ---- struct io_uring_params (120 bytes) ----
    static final int PARAMS_SIZE = 120;
    static final int P_SQ_ENTRIES = 0;      // __u32 sq_entries
    static final int P_CQ_ENTRIES = 4;      // __u32 cq_entries
    static final int P_FLAGS = 8;           // __u32 flags
    static final int P_FEATURES = 20;       // __u32 features
    static final int P_SQ_OFF = 40;         // struct io_sqring_offsets sq_off (after resv[3] ending at 40)
    static final int P_CQ_OFF = 80;         // struct io_cqring_offsets cq_off (sq_off is 40 bytes)
    // struct io_sqring_offsets: head, tail, ring_mask, ring_entries, flags, dropped, array (all __u32)
    static final int SQO_HEAD = 0, SQO_TAIL = 4, SQO_RING_MASK = 8, SQO_RING_ENTRIES = 12, SQO_FLAGS = 16,
            SQO_ARRAY = 24;
    // struct io_cqring_offsets: head, tail, ring_mask, ring_entries, overflow, cqes (all __u32)
    static final int CQO_HEAD = 0, CQO_TAIL = 4, CQO_RING_MASK = 8, CQO_RING_ENTRIES = 12, CQO_OVERFLOW = 16,
            CQO_CQES = 20;

    // ---- struct io_uring_sqe (64 bytes) ----
    public static final int SQE_SIZE = 64;
    static final int SQE_OPCODE = 0;        // __u8 opcode
    static final int SQE_FLAGS = 1;         // __u8 flags (IOSQE_*)
    static final int SQE_IOPRIO = 2;        // __u16 ioprio (multishot bits of RECV and ACCEPT)
    static final int SQE_FD = 4;            // __s32 fd
    static final int SQE_OFF = 8;           // __u64 off / addr2 (CONNECT: the address length)
    static final int SQE_ADDR = 16;         // __u64 addr
    static final int SQE_LEN = 24;          // __u32 len
    static final int SQE_OP_FLAGS = 28;     // __u32 msg_flags / accept_flags / cancel_flags union
    static final int SQE_POLL32_EVENTS = 28; // __u32 poll32_events, in the same union ("word-reversed for BE")
    static final int SQE_USER_DATA = 32;    // __u64 user_data
    static final int SQE_BUF_GROUP = 40;    // __u16 buf_index / buf_group (packed union)
    static final int SQE_SPLICE_FD_IN = 44; // __s32 splice_fd_in (after __u16 personality at 42); SPLICE's off_in is addr's union (splice_off_in), off_out is off
    // __u32 optlen, the same union as splice_fd_in / file_index (the header here names only those two;
    // newer ones name optlen too). A multishot RECV with it non-zero ends, without CQE_F_MORE, once it
    // has received that many bytes (io_uring/net.c io_recv_prep, IORING_RECV_MSHOT_LIM, Linux 6.16+);
    // older kernels refuse a non-zero file_index on RECV with EINVAL.
    static final int SQE_OPTLEN = 44;

    // ---- struct io_uring_cqe (16 bytes) ----
    static final int CQE_SIZE = 16;
    static final int CQE_USER_DATA = 0;     // __u64 user_data
    static final int CQE_RES = 8;           // __s32 res
    static final int CQE_FLAGS = 12;        // __u32 flags

    // ---- struct io_uring_getevents_arg (24 bytes) and struct __kernel_timespec (linux/time_types.h, 16) ----
    static final int GETEVENTS_ARG_SIZE = 24;
    static final int GEA_SIGMASK = 0;       // __u64 sigmask
    static final int GEA_SIGMASK_SZ = 8;    // __u32 sigmask_sz
    static final int GEA_TS = 16;           // __u64 ts (pointer to a __kernel_timespec)
    static final int TIMESPEC_SIZE = 16;    // __kernel_time64_t tv_sec; long long tv_nsec

    // ---- struct io_uring_probe (16-byte header) and io_uring_probe_op (8 bytes each) ----
    static final int PROBE_HEADER = 16;     // __u8 last_op, __u8 ops_len, __u16 resv, __u32 resv2[3]
    static final int PROBE_OP_SIZE = 8;     // __u8 op, __u8 resv, __u16 flags, __u32 resv2
    static final int PROBE_OPS = 256;       // ops[] entries asked for (opcodes are a __u8)

    // ---- struct io_uring_buf (16 bytes), struct io_uring_buf_ring, struct io_uring_buf_reg (40 bytes) ----
    public static final int BUF_SIZE = 16;
    static final int BUF_ADDR = 0;          // __u64 addr
    static final int BUF_LEN = 8;           // __u32 len
    static final int BUF_BID = 12;          // __u16 bid
    /** io_uring_buf_ring's {@code __u16 tail}, overlaid on bufs[0].resv. */
    static final int BUF_RING_TAIL = 14;
    static final int BUF_REG_SIZE = 40;     // __u64 ring_addr, __u32 ring_entries, __u16 bgid, __u16 pad, __u64 resv[3]

    // ---- errno numbers io_uring returns beside the socket ones (asm-generic/errno.h) ----
    public static final int ETIME = 62;     // asm-generic/errno.h ETIME: a wait's timeout expired
    public static final int EBUSY = 16;     // asm-generic/errno-base.h EBUSY: CQ overflow, reap first
    public static final int EEXIST = 17;    // asm-generic/errno-base.h EEXIST: SINGLE_ISSUER ring entered by another task
    public static final int ECANCELED = 125; // asm-generic/errno.h ECANCELED
    public static final int EALREADY = 114; // asm-generic/errno.h EALREADY
    public static final int ENOBUFS = 105;  // asm-generic/errno.h ENOBUFS: no provided buffer left

    /** Names an opcode this backend uses, for probe messages. */
    public static String opName(int op) {
        return switch (op) {
            case OP_NOP -> "NOP";
            case OP_WRITEV -> "WRITEV";
            case OP_POLL_ADD -> "POLL_ADD";
            case OP_SENDMSG -> "SENDMSG";
            case OP_RECVMSG -> "RECVMSG";
            case OP_ACCEPT -> "ACCEPT";
            case OP_ASYNC_CANCEL -> "ASYNC_CANCEL";
            case OP_CONNECT -> "CONNECT";
            case OP_READ -> "READ";
            case OP_SEND -> "SEND";
            case OP_RECV -> "RECV";
            case OP_SPLICE -> "SPLICE";
            case OP_FSYNC -> "FSYNC";
            case OP_OPENAT -> "OPENAT";
            case OP_CLOSE -> "CLOSE";
            case OP_STATX -> "STATX";
            case OP_WRITE -> "WRITE";
            default -> "op " + op;
        };
    }
}
