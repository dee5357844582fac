package io.weft.internal.io.completion.uring;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.CompletionSplicer;
import io.weft.internal.io.IoSink;
import io.weft.internal.io.SocketIo;
import io.weft.internal.io.WriteQueue;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.Io;
import io.weft.internal.sys.IoVec;
import io.weft.internal.sys.SockAddr;
import io.weft.internal.sys.SocketConstants;
import io.weft.internal.sys.Sockets;
import io.weft.internal.sys.SysErrors;
import io.weft.internal.sys.UringLayout;
import io.weft.internal.sys.UringRing;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * {@link SocketIo} on the ring: one multishot {@code RECV} into the loop's provided buffers while
 * the transport reads, and one {@code SEND}/{@code WRITEV} at a time from the write queue.
 *
 * <p><b>Reads.</b> Each receive CQE names a provided buffer; the CQE only records it and queues
 * this socket's task, which in the run phase lends the buffer to {@link IoSink#onRead} and
 * {@linkplain BufferRing#recycle recycles} it right after. ENOBUFS (every buffer out) ends the
 * multishot receive: the ring {@linkplain BufferRing#grow grows} and the receive is armed again at
 * the end of the turn, once the run phase has given the buffers back; no byte is lost, the kernel
 * keeps them.
 *
 * <p><b>Pausing</b> leaves the bytes in the kernel: the multishot receive is cancelled
 * (ASYNC_CANCEL) and not armed again until reading resumes, so the socket's receive buffer fills
 * and TCP's window stops the peer. What the receive delivered before the cancel took effect stays
 * in its ring buffers, undelivered, uncopied ({@linkplain BufferRing#park parked}, {@link #PARK} at
 * most, within the ring's budget); only bytes beyond that are copied out into a heap buffer
 * ({@link #held}). On resume the held bytes come first, then the parked buffers, then the receive
 * armed again: in order. Copying every such buffer out (the design before) cost the io_uring
 * copy relay, which pauses and resumes all the time, a fresh heap array per pause. How much the
 * receive can have brought is bounded per socket, not by the ring: each arming takes
 * {@link #RECV_LIMIT} bytes at most and ends by itself, and is armed again only once all it
 * brought was delivered.
 *
 * <p><b>Resets while paused.</b> With the receive cancelled nothing of the socket would be in the
 * kernel, so a reset would go unheard until reading resumes. So while reading is paused (and no
 * end of stream or error is known) a one-shot {@code POLL_ADD} for {@code POLLERR|POLLHUP} only is
 * kept armed, armed at the end of the turn that paused (a transport that pauses and resumes within
 * a turn costs nothing). It never asks for {@code POLLIN}: data and a FIN that arrive while paused
 * stay in the socket. When it fires with {@code POLLERR}/{@code POLLHUP} and no send is in flight
 * (a send hears the reset itself), the task reads {@code SO_ERROR} and reports it to
 * {@link IoSink#onIoError} at once, as the epoll backend's hang-up parking does; with no pending
 * error (both directions shut) nothing is reported and resuming shows the end of stream. The poll
 * is not armed again until the next pause (it is level-triggered: re-armed, a hang-up would
 * complete it at once, every turn). The kernel also completes it on {@code POLLRDHUP} (a FIN):
 * then too it stays unarmed until the next pause, so a reset after a FIN while still paused is
 * heard on resume, as the end of stream is. Resuming or closing cancels it; close waits for its CQE.
 *
 * <p><b>Writes.</b> {@link #writeNow} returns 0 (unless direct sends are turned on): the turn's
 * writes go through the queue and leave at its end as one gathered ring send, straight from the queue's direct chunks,
 * which are {@linkplain UringChunks#lend lent} (kept from reuse) until the CQE; heap chunks (one
 * write larger than a chunk) are staged into a driver-pooled direct buffer first. For the
 * server-wide outbound cap, bytes waiting for that send are not held for the peer while the
 * socket has taken every send in full ({@link #unoffered}); a send left short, or still in flight
 * after the enter that submitted it (the socket is full), makes the queue count, and the
 * transport hears it at once.
 *
 * <p><b>Close</b> cancels what is in flight and frees nothing until every CQE is back: then the
 * descriptor is closed and the slot given up. With {@link UringDriver#ringCloses} the close is an
 * {@code IORING_OP_CLOSE} queued after the last completion (so no operation of ours names the
 * descriptor when the kernel frees its number for reuse), and the slot is given up at its CQE; a
 * half-close is an {@code IORING_OP_SHUTDOWN}, which counts as in flight, so a close right after
 * it waits for it. Both leave in the turn's one enter: no system call of their own. Loop thread only.
 */
final class UringSocketIo implements SocketIo, Completion {
    /** Direct chunks gathered per send at most. */
    private static final int GATHER = 64;
    /** Undelivered ring buffers a paused socket keeps uncopied at most (64 KiB). */
    private static final int PARK = 8;
    /** Held bytes per sink call at most: the loop's read buffer size on the readiness backends. */
    private static final int HELD_SLICE = 64 * 1024;
    /**
     * The most one arming of the multishot receive takes before it ends by itself (the kernel's
     * total, {@code sqe->optlen}); it is armed again at the end of the turn that delivered it all.
     * This is what bounds the bytes a paused socket holds, or hands over at a relay's switch to
     * splicing: a pause cancels the receive, but the cancel reaches the kernel with the next
     * enter, and without a total one enter's task work took up to the loop's 4 MiB of provided
     * buffers from a socket whose buffer had filled (TransferTest saw 741 KiB). With it a socket
     * holds at most this, as a readiness backend's pause costs at most one read of the loop's
     * 64 KiB buffer. Ping-pong never reaches it (one re-arm per 1,024 messages of 64 bytes).
     */
    static final int RECV_LIMIT = 64 * 1024;

    private final UringDriver driver;
    private final UringRing ring;
    private final CallState cs;
    private final int fd;
    private final boolean unix;
    private final int slot;
    private final long recvTag;
    private final long sendTag;
    private final long pollTag;
    private final long closeTag;
    private final long shutdownTag;
    /** A ring SHUTDOWN's failure (not ENOTCONN), for the task to report. */
    private IOException shutdownError;
    private IoSink sink;
    private boolean reading;
    private boolean closed;
    private boolean released;
    /** Operations of this socket in the kernel (their final CQE not yet seen). */
    private int inflight;

    private boolean recvArmed;
    /** Whether the receive in the kernel was armed with {@link #RECV_LIMIT}. */
    private boolean recvLimited;
    private boolean cancelRequested;
    private boolean rearmQueued;
    private final Runnable rearm = this::rearmRecv;
    /** Received buffers not yet delivered: (bid, length) pairs, in order. */
    private int[] pendBid = new int[8];
    private int[] pendLen = new int[8];
    private int pendHead;
    private int pendCount;
    /** How many of the undelivered buffers count against the ring's parking budget ({@link BufferRing#park}); at most {@link #pendCount}. */
    private int parked;
    /** Bytes that arrived while paused, copied out of the ring; delivered first on resume. */
    private ByteBuffer held;
    /** Where {@link #held}'s undelivered bytes start; they end at its position. */
    private int heldFrom;
    private boolean eof;
    private boolean eofDelivered;
    /** An end of stream seen with a reset and a send in flight: decided by the send's CQE. */
    private boolean eofAfterSend;
    private IOException readError;

    /** The hang-up watch: a POLL_ADD in the kernel, its cancel asked for, its firing this pause, a reset to report. */
    private boolean pollArmed;
    private boolean pollCancelRequested;
    private boolean pollFired;
    private boolean hangupHeard;
    private boolean pauseQueued;
    private final Runnable settlePause = this::settlePause;

    private WriteQueue queue;
    private boolean sendArmed;
    private boolean flushQueued;
    /**
     * Chunks under the send in flight, lent until its CQE: a one-chunk send (the common case)
     * keeps its chunk in {@link #flightOne}; the array is made at the first gathered send, so an
     * idle or small-message connection does not carry 64 references (272 bytes of heap each, the
     * most of io_uring's extra memory per idle connection against epoll's).
     */
    private ByteBuffer[] flight;
    private ByteBuffer flightOne;
    private int flightCount;
    private ByteBuffer staging;
    private boolean sendDone;
    private int sendRes;
    private boolean sendWasWritev;
    /** Bytes the send in flight offered. */
    private long sendTotal;
    /**
     * Whether the kernel left bytes of ours untaken: a send short, or still in flight after the
     * enter that submitted it (its socket full: the kernel waits for room). Until then the queue
     * is bytes about to be offered, not held for the peer ({@link #unoffered}); it ends when a
     * send takes all it offered.
     */
    private boolean refused;
    /** The transport has yet to hear that {@link #refused} became true. */
    private boolean refusedNews;

    private final Task task = new Task(this::run, null);
    private boolean taskQueued;
    private SocketAddress local;
    private SocketAddress remote;
    /** The zero-copy relay's path from or to this socket, once asked for; see the splicing section. */
    private UringSplicer splicer;
    private CompletionSplicer.TakeOver takeOver;
    private boolean takeOverQueued;

    UringSocketIo(UringDriver driver, int fd, boolean unix) {
        this.driver = driver;
        this.ring = driver.ring;
        this.cs = driver.cs;
        this.fd = fd;
        this.unix = unix;
        this.slot = driver.register(this);
        this.recvTag = driver.userData(slot, UringDriver.OP_RECV);
        this.sendTag = driver.userData(slot, UringDriver.OP_SEND);
        this.pollTag = driver.userData(slot, UringDriver.OP_POLL);
        this.closeTag = driver.userData(slot, UringDriver.OP_CLOSE_FD);
        this.shutdownTag = driver.userData(slot, UringDriver.OP_SHUTDOWN);
    }

    @Override
    public WriteQueue.Chunks chunks() {
        return driver.chunks;
    }

    @Override
    public void start(IoSink sink) {
        this.sink = sink;
        settlePauseLater(); // a transport that never resumes reading still hears a reset
    }

    @Override
    public void setReading(boolean on) {
        if (closed || reading == on) {
            return;
        }
        reading = on;
        if (on) {
            if (heldBytes() > 0 || pendCount > 0 || eof || readError != null) {
                queueTask();
            }
            if (mayArm()) {
                armRecv(); // else once the task has delivered what is held and parked
            }
            hangupHeard = false; // the receive will see the error itself
            pollFired = false;
            if (pollArmed && !pollCancelRequested) {
                pollCancelRequested = true;
                driver.cancel(pollTag);
            }
        } else {
            // Cancelled now, not at the end of the turn: its SQE must go ahead of the turn's sends,
            // or a send to a peer on this loop can fill this socket and the receive take it all
            // (up to the whole buffer ring) before the kernel reaches the cancel.
            if (recvArmed && !cancelRequested) {
                cancelRequested = true;
                driver.cancel(recvTag);
            }
            settlePauseLater();
        }
    }

    private void settlePauseLater() {
        if (!pauseQueued) {
            pauseQueued = true;
            driver.rearmAtEndOfTurn(settlePause);
        }
    }

    /** The end of a turn that paused, if still paused: the hang-up watch armed. */
    private void settlePause() {
        pauseQueued = false;
        if (!closed && !reading) {
            armPoll();
        }
    }

    /** A one-shot POLL_ADD for POLLERR|POLLHUP while paused. */
    private void armPoll() {
        if (!driver.hangupPolls || pollArmed || pollFired || eof || eofDelivered || readError != null) {
            return;
        }
        long at = driver.sqe();
        ring.prep(at, UringLayout.OP_POLL_ADD, fd, 0, 0, 0, pollTag);
        ring.sqePollEvents(at, UringLayout.POLLERR | UringLayout.POLLHUP);
        pollArmed = true;
        inflight++;
    }

    /** The POLL_ADD's one CQE: {@code res} is the events seen, or -ECANCELED after a resume or close. */
    private void polled(int res) {
        pollArmed = false;
        pollCancelRequested = false;
        inflight--;
        if (closed) {
            return;
        }
        if (res == -UringLayout.ECANCELED) {
            settlePauseLater(); // cancelled by a resume; if paused again since, the pause's watch found this one still armed
            return;
        }
        if (reading) {
            return; // resumed before the cancel took effect: the receive hears whatever it was
        }
        pollFired = true;
        if (res > 0 && (res & (UringLayout.POLLERR | UringLayout.POLLHUP)) != 0) {
            hangupHeard = true;
            queueTask();
        }
    }

    private void armRecv() {
        long at = driver.sqe();
        ring.prep(at, UringLayout.OP_RECV, fd, 0, 0, 0, recvTag);
        ring.sqeIoprio(at, UringLayout.RECV_MULTISHOT);
        ring.sqeFlags(at, UringLayout.IOSQE_BUFFER_SELECT);
        ring.sqeBufGroup(at, BufferRing.GROUP);
        recvLimited = driver.recvLimits;
        if (recvLimited) {
            ring.sqeRecvLimit(at, RECV_LIMIT);
        }
        recvArmed = true;
        inflight++;
    }

    /**
     * Whether the receive may be armed now: reading, and nothing held or parked left to deliver.
     * Armed behind held bytes, it would take up to the whole ring again (the socket's buffer holds
     * megabytes by then), to be copied behind them: a copy relay spent its CPU moving bytes into
     * {@link #held} and back.
     */
    private boolean mayArm() {
        return !closed && reading && !recvArmed && !eof && readError == null && pendCount == 0 && heldBytes() == 0;
    }

    private void rearmRecv() {
        rearmQueued = false;
        if (mayArm()) {
            armRecv();
        }
    }

    private void rearmLater() {
        if (!rearmQueued) {
            rearmQueued = true;
            driver.rearmAtEndOfTurn(rearm);
        }
    }

    @Override
    public void complete(int op, int res, int flags) {
        if (op == UringDriver.OP_RECV) {
            received(res, flags);
        } else if (op == UringDriver.OP_POLL) {
            polled(res);
        } else if (op == UringDriver.OP_CLOSE_FD) {
            driver.release(slot); // the descriptor is gone (EINTR or not: never retried, as close(2))
            return;
        } else if (op == UringDriver.OP_SHUTDOWN) {
            shutDown(res);
        } else {
            sent(res);
        }
        if (takeOver != null && !recvArmed) {
            tookOverLater();
        }
        if (closed) {
            maybeRelease();
        }
    }

    private void received(int res, int flags) {
        boolean more = (flags & UringLayout.CQE_F_MORE) != 0;
        if (!more) {
            recvArmed = false;
            cancelRequested = false;
            inflight--;
        }
        if ((flags & UringLayout.CQE_F_BUFFER) != 0) {
            int bid = flags >>> UringLayout.CQE_BUFFER_SHIFT;
            if (closed || res <= 0) {
                driver.buffers.recycle(bid);
            } else {
                push(bid, res);
            }
        }
        if (closed) {
            return;
        }
        if (res > 0) {
            queueTask();
            if (!more) {
                rearmLater(); // the multishot receive ended on its own
            }
        } else if (res == 0) {
            if (sendArmed && !unix && tcpState() == TCP_CLOSE) {
                // Closed, not half-closed, with a send in flight: a reset came too. The send's CQE
                // says whether a FIN came before it, see sendSawEof.
                eofAfterSend = true;
            } else {
                eof = true;
                queueTask();
            }
        } else if (res == -Errno.EINVAL && recvLimited && !more) {
            driver.recvLimits = false; // a kernel without the total: armed again without it
            rearmLater();
        } else if (res == -UringLayout.ENOBUFS || res == -UringLayout.ECANCELED || res == -Errno.EINTR) {
            if (res == -UringLayout.ENOBUFS) {
                driver.buffers.grow(driver.turn());
            }
            if (!more) {
                rearmLater(); // buffers come back in the run phase; a cancel for a pause re-arms only if resumed
            }
        } else {
            readError = SysErrors.exception("recv", -res);
            queueTask();
        }
    }

    private void push(int bid, int len) {
        if (pendCount == pendBid.length) {
            int[] b = new int[pendCount * 2];
            int[] l = new int[pendCount * 2];
            for (int i = 0; i < pendCount; i++) {
                b[i] = pendBid[(pendHead + i) % pendCount];
                l[i] = pendLen[(pendHead + i) % pendCount];
            }
            pendBid = b;
            pendLen = l;
            pendHead = 0;
        }
        int at = (pendHead + pendCount) % pendBid.length;
        pendBid[at] = bid;
        pendLen[at] = len;
        pendCount++;
    }

    private void queueTask() {
        if (!taskQueued) {
            taskQueued = true;
            driver.queue(task);
        }
    }

    /** The socket's task, in the run phase: deliver what completed. */
    private void run() {
        taskQueued = false;
        if (closed) {
            return;
        }
        if (sendDone && sendRes < 0 && sendRes != -Errno.EINTR && sendRes != -Errno.EAGAIN
                && !(eof && sendRes == -Errno.EPIPE)) {
            // A reset seen by the send first, on an open stream (ECONNRESET): its error is the
            // connection's fate, ahead of the EOF the receive then reads (the send consumed the
            // socket's pending error). An EPIPE after an end of stream waits behind it: the FIN
            // came first, as a readiness backend's recv reports it (see sendSawEof).
            sendDone = false;
            sendCompleted(sendRes);
            return;
        }
        if (shutdownError != null) {
            IOException e = shutdownError;
            shutdownError = null;
            sink.onIoError(e);
            return;
        }
        if (hangupHeard) {
            hangupHeard = false;
            if (!reading && !sendArmed && readError == null) {
                // As EpollSocketIo.onHangup: the pending error, reported at once though paused.
                int r = Sockets.soError(cs, fd);
                if (r < 0) {
                    sink.onIoError(SysErrors.exception("recv", -r));
                    return;
                }
                // No pending error: both directions are shut; resuming reading will show the end of stream.
            }
        }
        deliverReads();
        if (closed) {
            return;
        }
        if (sendDone) {
            sendDone = false;
            refusedNews = false;
            sendCompleted(sendRes);
        } else if (refusedNews) {
            refusedNews = false;
            sink.onFlushed(); // the queue now counts as held: let the server's cap hear it
        }
    }

    private void deliverReads() {
        if (reading && heldBytes() > 0) {
            deliverHeld();
            if (closed) {
                return;
            }
        }
        while (pendCount > 0 && reading && !closed) {
            int bid = pendBid[pendHead];
            int len = pendLen[pendHead];
            popPend();
            try {
                sink.onRead(driver.buffers.lend(bid, len));
            } finally {
                driver.buffers.recycle(bid);
            }
        }
        if (closed) {
            return;
        }
        if (!reading) {
            park();
            if (readError == null) {
                return;
            }
        }
        if (pendCount == 0 && readError != null) {
            IOException e = readError;
            readError = null;
            sink.onIoError(e);
            return;
        }
        if (mayArm()) {
            rearmLater(); // resumed behind held or parked bytes, all delivered now
        }
        if (pendCount == 0 && eof && !eofDelivered && reading && heldBytes() == 0) {
            eofDelivered = true;
            reading = false;
            sink.onReadEof();
        }
    }

    /**
     * The held bytes, {@link #HELD_SLICE} at a time while the sink keeps reading: a receive can
     * have taken megabytes before a pause took effect, and one call with all of them would push
     * a relay that far past its high-water mark. What a pause leaves stays held, ahead of the
     * rest, from {@link #heldFrom}: not compacted, which would move megabytes per 64 KiB delivered.
     */
    private void deliverHeld() {
        while (heldBytes() > 0 && reading) {
            int n = Math.min(heldBytes(), HELD_SLICE);
            ByteBuffer part = held.slice(heldFrom, n);
            heldFrom += n;
            if (heldFrom == held.position()) {
                held.clear();
                heldFrom = 0;
            }
            sink.onRead(part);
            if (closed) {
                return; // held is gone with the rest
            }
        }
    }

    private int heldBytes() {
        return held == null ? 0 : held.position() - heldFrom;
    }

    /** Drops the oldest undelivered buffer from the list (its bid is the caller's to deliver or recycle). */
    private void popPend() {
        pendHead = (pendHead + 1) % pendBid.length;
        pendCount--;
        if (parked > pendCount) {
            parked--;
            driver.buffers.unpark();
        }
    }

    /**
     * While paused: the undelivered buffers stay lent, uncopied, as far as the ring's parking
     * budget allows ({@link #PARK} at most, none once an error waits to be reported); the oldest of
     * the rest are copied into {@link #held} (which is delivered before them) and recycled, so
     * paused sockets never keep the ring empty.
     */
    private void park() {
        park(readError != null ? 0 : Math.min(pendCount, PARK));
    }

    /** Copies every undelivered buffer into {@link #held} (behind what it holds) and recycles them. */
    private void holdPending() {
        park(0);
    }

    private void park(int keep) {
        for (; parked > keep; parked--) {
            driver.buffers.unpark();
        }
        while (parked < keep && driver.buffers.park()) {
            parked++;
        }
        while (pendCount > parked) {
            int bid = pendBid[pendHead];
            int len = pendLen[pendHead];
            popPend();
            if (held == null) {
                held = ByteBuffer.allocate(Math.max(len, 16 * 1024));
            } else if (held.remaining() < len) {
                int have = heldBytes();
                ByteBuffer to = held;
                if (have + len > held.capacity() / 2) {
                    to = ByteBuffer.allocate(Math.max(held.capacity() * 2, have + len));
                }
                System.arraycopy(held.array(), heldFrom, to.array(), 0, have); // compacted only when out of room
                to.clear().position(have);
                held = to;
                heldFrom = 0;
            }
            driver.buffers.copy(bid, len, held);
            driver.buffers.recycle(bid);
        }
    }

    // ---- writes ----

    /**
     * By default 0: every write is queued and the turn's writes leave at its end as one ring
     * send, submitted by the next turn's one {@code io_uring_enter} (one system call a turn for
     * all of a turn's I/O: the batching that lets a completion backend beat a one-call-per-message
     * loop). With {@code -Dweft.uring.directSend=true}, a turn's first write to the socket is a
     * plain non-blocking {@code send} at once instead (the readiness backends' shape; it costs a
     * system call per message, see {@link UringDriver#directSend}). Only called while nothing is
     * queued, so no ring send is in flight.
     */
    @Override
    public int writeNow(ByteBuffer src) throws IOException {
        if (closed || !src.hasRemaining() || sendArmed || !driver.directSend) {
            return 0;
        }
        long turn = driver.turn();
        if (lastWriteTurn == turn) {
            return 0;
        }
        lastWriteTurn = turn;
        long n;
        if (src.isDirect()) {
            n = Io.sendAddress(cs, fd, address(src), src.remaining(), SocketConstants.MSG_NOSIGNAL);
            java.lang.ref.Reference.reachabilityFence(src);
        } else {
            ByteBuffer stage = driver.chunks.staging();
            try {
                int len = Math.min(src.remaining(), stage.capacity());
                stage.put(0, src, src.position(), len);
                n = Io.sendAddress(cs, fd, address(stage.clear()), len, SocketConstants.MSG_NOSIGNAL);
                java.lang.ref.Reference.reachabilityFence(stage);
            } finally {
                driver.chunks.releaseStaging(stage);
            }
        }
        driver.directSends++;
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
            refused = n == -Errno.EAGAIN;
            return 0;
        }
        if (n < 0) {
            throw SysErrors.exception("send", (int) -n);
        }
        refused = n < src.remaining(); // what it left is held, as on a readiness backend
        src.position(src.position() + (int) n);
        return (int) n;
    }

    /** The driver's turn of this socket's last direct send. */
    private long lastWriteTurn = -1;

    @Override
    public void flush(WriteQueue queue) {
        this.queue = queue;
        if (closed || sendArmed || flushQueued || queue.isEmpty()) {
            return;
        }
        flushQueued = true;
        driver.flushAtEndOfTurn(this);
    }

    /** The driver's end of turn: one send of the queue's front. */
    void submitSend() {
        flushQueued = false;
        WriteQueue q = queue;
        if (closed || sendArmed || q == null || q.isEmpty()) {
            return;
        }
        ByteBuffer[] bufs = q.array();
        int off = q.offset();
        int end = off + q.count();
        long total = 0;
        long at = driver.sqe();
        if (bufs[off].isDirect()) {
            int n = 1;
            while (off + n < end && n < GATHER && bufs[off + n].isDirect()) {
                n++;
            }
            flightCount = n;
            if (n == 1) {
                ByteBuffer b = bufs[off];
                flightOne = b;
                total = b.remaining();
                ring.prep(at, UringLayout.OP_SEND, fd, address(b), b.remaining(), 0, sendTag);
                ring.sqeOpFlags(at, SocketConstants.MSG_NOSIGNAL);
                sendWasWritev = false;
                driver.chunks.lend(b);
            } else {
                if (flight == null) {
                    flight = new ByteBuffer[GATHER];
                }
                System.arraycopy(bufs, off, flight, 0, n);
                int first = driver.iovecs(n);
                MemorySegment iov = driver.iovArea();
                for (int i = 0; i < n; i++) {
                    ByteBuffer b = flight[i];
                    IoVec.setRaw(iov, first + i, address(b), b.remaining());
                    total += b.remaining();
                    driver.chunks.lend(b);
                }
                ring.prep(at, UringLayout.OP_WRITEV, fd, iov.address() + (long) first * IoVec.SIZE, n, 0, sendTag);
                sendWasWritev = true;
            }
        } else {
            staging = driver.chunks.staging();
            for (int i = off; i < end && staging.hasRemaining(); i++) {
                ByteBuffer b = bufs[i];
                int n = Math.min(b.remaining(), staging.remaining());
                staging.put(staging.position(), b, b.position(), n);
                staging.position(staging.position() + n);
            }
            total = staging.position();
            ring.prep(at, UringLayout.OP_SEND, fd, address(staging) - staging.position(), (int) total, 0, sendTag);
            ring.sqeOpFlags(at, SocketConstants.MSG_NOSIGNAL);
            sendWasWritev = false;
        }
        q.beginFlight(total);
        sendTotal = total;
        sendArmed = true;
        inflight++;
        driver.sendOps++;
        driver.checkAfterEnter(this);
    }

    /**
     * Bytes of {@code queue} about to be offered to a socket that took everything offered so far:
     * the whole queue, until the kernel leaves a send unfinished (see {@link #refused}).
     */
    @Override
    public long unoffered(WriteQueue queue) {
        return refused ? 0 : queue.size();
    }

    /**
     * After the enter that submitted this socket's send, and the reaping of its completions: a
     * send still in flight found the socket full, so its bytes and those behind it are held.
     */
    void entered() {
        if (sendArmed && !closed && !refused) {
            refused = true;
            refusedNews = true;
            queueTask();
        }
    }

    /** The native address of {@code b}'s position; {@code b} stays reachable through the queue, or {@link #flightOne} / {@link #flight} while lent. */
    private static long address(ByteBuffer b) {
        return MemorySegment.ofBuffer(b).address();
    }

    /**
     * A send's CQE. The queue's accounting is settled at once (in-flight bytes end, what the
     * kernel took leaves), so the queue never shows bytes in flight that the kernel let go of;
     * the transport hears of it from the task.
     */
    private void sent(int res) {
        sendArmed = false;
        inflight--;
        if (flightCount == 1) {
            driver.chunks.unlend(flightOne);
            flightOne = null;
        } else {
            for (int i = 0; i < flightCount; i++) {
                driver.chunks.unlend(flight[i]);
                flight[i] = null;
            }
        }
        flightCount = 0;
        if (staging != null) {
            driver.chunks.releaseStaging(staging);
            staging = null;
        }
        if (closed) {
            return;
        }
        if (eofAfterSend) {
            eofAfterSend = false;
            eof = sendSawEof(res);
        }
        WriteQueue q = queue;
        q.endFlight();
        refused = res < sendTotal;
        if (res > 0) {
            advance(q, res);
            q.consumed(res);
        }
        sendDone = true;
        sendRes = res;
        queueTask();
    }

    /**
     * Whether a receive's 0 that came with a reset (socket in TCP_CLOSE, a send in flight) is an
     * end of stream the peer sent before the reset, judged by the send's result {@code res}.
     * Linux's {@code tcp_reset} (net/ipv4/tcp_input.c) records ECONNRESET on an open connection
     * but EPIPE in CLOSE_WAIT, that is after the peer's FIN; and {@code tcp_recvmsg} returns 0
     * once a FIN was read, before it looks at the pending error. So: the send went out (the RST
     * came later, drawn by it), or failed with EPIPE (the FIN came first, then the RST): an end
     * of stream, read before the error as on a readiness backend. ECONNRESET: a reset without a
     * FIN before it, whose error the send consumed (the receive then sees only the closed
     * socket): the reset is the connection's fate.
     */
    private static boolean sendSawEof(int res) {
        return res >= 0 || res == -Errno.EINTR || res == -Errno.EAGAIN || res == -Errno.EPIPE;
    }

    private void sendCompleted(int res) {
        WriteQueue q = queue;
        if (res < 0 && res != -Errno.EINTR && res != -Errno.EAGAIN) {
            sink.onIoError(SysErrors.exception(sendWasWritev ? "writev" : "send", -res));
            return;
        }
        if (!q.isEmpty()) {
            flush(q);
        }
        if (res > 0) {
            sink.onFlushed();
        }
    }

    private static void advance(WriteQueue q, long n) {
        ByteBuffer[] bufs = q.array();
        for (int i = q.offset(); n > 0; i++) {
            ByteBuffer b = bufs[i];
            int step = (int) Math.min(b.remaining(), n);
            b.position(b.position() + step);
            n -= step;
        }
    }

    /** {@code TCP_CLOSE} of netinet/tcp.h's state enum (TCP_ESTABLISHED = 1, ..., TCP_CLOSE = 7). */
    private static final int TCP_CLOSE = 7;
    /** {@code TCP_INFO} (linux/tcp.h): its first byte is {@code tcpi_state}. */
    private static final int TCP_INFO = 11;

    /** The TCP state of the socket (the first byte of {@code struct tcp_info}), or -1. */
    private int tcpState() {
        int r = Sockets.getInt(cs, fd, SocketConstants.IPPROTO_TCP, TCP_INFO);
        return r < 0 ? -1 : cs.intResult(0) & 0xFF;
    }

    /**
     * Sends FIN. The transport asks only once its queue is empty, so no send of ours is in the
     * kernel and the SHUTDOWN cannot overtake one; if one were, the system call keeps the order
     * the readiness backends have (the bytes taken go before the FIN).
     */
    @Override
    public void shutdownOutput() throws IOException {
        if (closed) {
            return;
        }
        if (driver.ringCloses && !sendArmed && !flushQueued) {
            ring.prep(driver.sqe(), UringLayout.OP_SHUTDOWN, fd, 0, SocketConstants.SHUT_WR, 0, shutdownTag);
            inflight++;
            return;
        }
        driver.closeCalls++;
        int r = Sockets.shutdown(cs, fd, SocketConstants.SHUT_WR);
        if (r < 0 && r != -Errno.ENOTCONN) {
            throw SysErrors.exception("shutdown", -r);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (pendCount > 0) {
            int bid = pendBid[pendHead];
            popPend();
            driver.buffers.recycle(bid);
        }
        held = null;
        heldFrom = 0;
        if (recvArmed && !cancelRequested) {
            cancelRequested = true;
            driver.cancel(recvTag);
        }
        if (pollArmed && !pollCancelRequested) {
            pollCancelRequested = true;
            driver.cancel(pollTag);
        }
        hangupHeard = false;
        if (splicer != null) {
            splicer.socketClosed(); // their operations hold this socket until their CQEs
        }
        if (sendArmed) {
            driver.cancel(sendTag);
            // The queue may be cleared now; its chunks under the send stay lent until the CQE.
            queue.endFlight();
        }
        sendDone = false;
        maybeRelease();
    }

    /** A ring SHUTDOWN's CQE: ENOTCONN (the peer reset first) is no news, as with the system call. */
    private void shutDown(int res) {
        inflight--;
        if (res < 0 && res != -Errno.ENOTCONN && !closed) {
            shutdownError = SysErrors.exception("shutdown", -res);
            queueTask();
        }
    }

    /**
     * Closes the descriptor once nothing of ours in the kernel names it. Through the ring, the
     * CLOSE is queued now, after every other CQE of this socket, so the number the kernel frees is
     * named by nothing in flight; the slot stays taken until the CLOSE's CQE, so the loop's close
     * drains it too.
     */
    private void maybeRelease() {
        if (closed && inflight == 0 && !released) {
            released = true;
            if (driver.ringCloses) {
                ring.prep(driver.sqe(), UringLayout.OP_CLOSE, fd, 0, 0, 0, closeTag);
                return;
            }
            driver.closeCalls++;
            Fd.close(cs, fd); // EINTR or not, released: never retried
            driver.release(slot);
        }
    }

    // ---- splicing: the hooks of UringSplicer ----

    /** Made at the first ask, for a relay; null without the ring's splice (see {@link UringDriver#splices}). */
    @Override
    public CompletionSplicer completionSplicer() {
        if (splicer == null && !closed && driver.splices) {
            splicer = new UringSplicer(driver, this, fd);
        }
        return splicer;
    }

    /** See {@link CompletionSplicer#takeOver}: runs once the receive is out of the kernel. */
    void takeOver(CompletionSplicer.TakeOver then) {
        takeOver = then;
        if (!recvArmed) {
            tookOverLater();
        }
    }

    private void tookOverLater() {
        if (!takeOverQueued) {
            takeOverQueued = true;
            driver.queue(new Task(this::tookOver, null));
        }
    }

    /** In the run phase: what the receive brought and the transport did not see, to the splicer's caller. */
    private void tookOver() {
        CompletionSplicer.TakeOver then = takeOver;
        takeOver = null;
        takeOverQueued = false;
        if (closed || then == null) {
            return;
        }
        holdPending();
        IOException error = readError;
        readError = null;
        ByteBuffer early = held != null ? held.slice(heldFrom, heldBytes()) : ByteBuffer.allocate(0);
        try {
            then.taken(early, error);
        } finally {
            if (held != null) {
                held.clear();
                heldFrom = 0;
            }
        }
    }

    /** An operation of a splice pipe names this socket: its descriptor stays open until {@link #unhold}. */
    void hold() {
        inflight++;
    }

    void unhold() {
        inflight--;
        if (closed) {
            maybeRelease();
        }
    }

    @Override
    public SocketAddress localAddress() {
        if (local == null && !closed && Sockets.getsockname(cs, fd) == 0) {
            local = SockAddr.decode(cs.sockaddr(), cs.sockaddrLength());
        }
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        if (remote == null && !closed && Sockets.getpeername(cs, fd) == 0) {
            remote = SockAddr.decode(cs.sockaddr(), cs.sockaddrLength());
        }
        return remote;
    }

    @Override
    public void ringGone() {
        if (!released) {
            released = true;
            Fd.close(cs, fd);
        }
    }

    @Override
    public String toString() {
        return "io_uring socket fd " + fd + (unix ? " (unix)" : "");
    }
}
