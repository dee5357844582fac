package io.weft.internal.io.completion.uring;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.ChannelFds;
import io.weft.internal.io.ChannelWatches;
import io.weft.internal.sys.SysErrors;
import io.weft.internal.sys.UringLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.IdentityHashMap;

/**
 * {@code addReader}/{@code addWriter} on an io_uring loop: readiness callbacks on JDK channels
 * built from one-shot {@code IORING_OP_POLL_ADD}s, with the readiness backends' contract.
 *
 * <p><b>Level-triggered from one-shot polls.</b> A watched side (reader: {@code POLLIN}, writer:
 * {@code POLLOUT}; {@code POLLERR}/{@code POLLHUP} always count) keeps one one-shot POLL_ADD in the
 * kernel. Its CQE queues the callback, and the end of that turn (after the run phase, so after the
 * callback had its chance to read) arms the next: on a descriptor still ready the kernel completes
 * that at once, so a callback is called again, turn after turn, while data stays unread, and not
 * again once it was read. Multishot poll is not used: it reports changes (edge-like), not state.
 * Reader and writer are two polls under two operation kinds of one slot, so they never interfere.
 *
 * <p><b>Removing.</b> {@code removeReader}, a handle's cancel or a replacement takes the callback
 * off its side at once (a completion that comes later finds no callback and queues nothing); at
 * the end of the turn a poll still in the kernel for a side nobody wants is cancelled
 * ({@code ASYNC_CANCEL} by its user_data, never by descriptor number, which may be reused by then).
 * A reader removed and added again within a turn keeps the poll it had. A channel with neither
 * side leaves the map (and {@link #size()}) at once, but its slot is released only when its last
 * CQE is back, so the slot's generation check in the driver still holds for late completions, and
 * a poll's reference on the file (the kernel keeps a closed channel's socket alive while a poll
 * holds it) is dropped in the next {@code io_uring_enter}.
 *
 * <p><b>Closing.</b> {@link #clear()} cancels every poll; the driver's close then waits for their
 * CQEs, as for any operation. A poll holds a reference on its file, so a channel the user closes
 * while its poll waits in the kernel would stay open there (no FIN to its peer) until the poll
 * completed (epoll forgets a closed descriptor by itself): so the end of every turn
 * ({@link #sweepClosed}) looks for watched channels that are closed with a poll in the kernel and
 * cancels both sides' polls; the watch keeps its callbacks (never called again) until
 * {@code removeReader}/{@code removeWriter} or the loop's close. Arming checks
 * {@link SelectableChannel#isOpen()} first, so a closed channel's (perhaps reused) number is never
 * polled.
 *
 * <p>Without POLL_ADD on the ring (a filtered kernel) {@link #set} refuses with that reason.
 * Loop thread only.
 */
final class UringReadiness implements ChannelWatches {
    private final UringDriver driver;
    /** Why watches cannot work here, or null. */
    private final String refusal;
    private final IdentityHashMap<SelectableChannel, Watch> channels = new IdentityHashMap<>();
    /** Watches out of {@link #channels} whose slot still waits for a CQE. */
    private int retiring;

    UringReadiness(UringDriver driver, String refusal) {
        this.driver = driver;
        this.refusal = refusal;
    }

    /** Slots held by removed watches until their polls' CQEs come: not channels with a callback. */
    int retiring() {
        return retiring;
    }

    @Override
    public void set(SelectableChannel channel, boolean reader, Task task) {
        if (refusal != null) {
            throw new UnsupportedOperationException(refusal);
        }
        if (driver.isClosed()) {
            throw new IllegalStateException("the io_uring driver is closed");
        }
        Watch w = channels.get(channel);
        if (w == null) {
            int fd = ChannelFds.fdOf(channel, "io_uring");
            try {
                if (channel.isBlocking()) {
                    channel.configureBlocking(false);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot watch " + channel, e);
            }
            w = new Watch(channel, fd);
            channels.put(channel, w);
        }
        Side s = reader ? w.read : w.write;
        if (s.task != null) {
            s.task.markCancelled();
        }
        s.task = task;
        s.failed = false;
        w.settleLater();
    }

    @Override
    public boolean remove(SelectableChannel channel, boolean reader, Task task) {
        Watch w = channels.get(channel);
        if (w == null) {
            return false;
        }
        Side s = reader ? w.read : w.write;
        if (s.task == null || task != null && s.task != task) {
            return false; // replaced or removed already
        }
        s.task.markCancelled();
        s.task = null;
        if (w.read.task == null && w.write.task == null) {
            channels.remove(channel);
            w.retired = true;
            retiring++;
        }
        w.settleLater();
        return true;
    }

    /**
     * The end of the turn: cancels the polls of watched channels the user closed. A look at each
     * watch per turn while any exists (addReader/addWriter are for the few JDK channels a program
     * mixes in, not for the loop's own sockets).
     */
    void sweepClosed() {
        if (channels.isEmpty()) {
            return;
        }
        for (Watch w : channels.values()) {
            if ((w.read.inKernel && !w.read.cancelAsked || w.write.inKernel && !w.write.cancelAsked)
                    && !w.channel.isOpen()) {
                w.settle();
            }
        }
    }

    @Override
    public int size() {
        return channels.size();
    }

    @Override
    public void clear() {
        ArrayList<Watch> all = new ArrayList<>(channels.values());
        channels.clear();
        for (Watch w : all) {
            for (Side s : w.sides) {
                if (s.task != null) {
                    s.task.markCancelled();
                    s.task = null;
                }
            }
            w.retired = true;
            retiring++;
            w.settle(); // now: the driver's close drains what this cancels
        }
    }

    /** One side (reader or writer) of a watched channel: its callback and its poll in the kernel. */
    private static final class Side {
        final int events;
        final int op;
        final long tag;
        Task task;
        /** A POLL_ADD is queued or in the kernel and its CQE has not come. */
        boolean inKernel;
        boolean cancelAsked;
        /** The poll failed (its error went to the loop's handler): not armed again until set anew. */
        boolean failed;

        Side(int events, int op, long tag) {
            this.events = events;
            this.op = op;
            this.tag = tag;
        }
    }

    /** A watched channel: one driver slot, two sides. */
    private final class Watch implements Completion {
        final SelectableChannel channel;
        final int fd;
        final int slot;
        final Side read;
        final Side write;
        final Side[] sides;
        final Runnable settle = this::settle;
        boolean settleQueued;
        boolean retired;
        boolean released;

        Watch(SelectableChannel channel, int fd) {
            this.channel = channel;
            this.fd = fd;
            this.slot = driver.register(this);
            this.read = new Side(UringLayout.POLLIN, UringDriver.OP_WATCH_READ,
                    driver.userData(slot, UringDriver.OP_WATCH_READ));
            this.write = new Side(UringLayout.POLLOUT, UringDriver.OP_WATCH_WRITE,
                    driver.userData(slot, UringDriver.OP_WATCH_WRITE));
            this.sides = new Side[] {read, write};
        }

        void settleLater() {
            if (!settleQueued) {
                settleQueued = true;
                driver.rearmAtEndOfTurn(settle);
            }
        }

        /** End of turn (or the loop's close): arm what is wanted, cancel what is not, release when idle. */
        void settle() {
            settleQueued = false;
            if (released) {
                return;
            }
            boolean open = channel.isOpen();
            for (Side s : sides) {
                boolean wanted = open && s.task != null && !s.task.isCancelled() && !s.failed;
                if (wanted && !s.inKernel && !driver.isClosed()) {
                    long at = driver.sqe();
                    driver.ring.prep(at, UringLayout.OP_POLL_ADD, fd, 0, 0, 0, s.tag);
                    driver.ring.sqePollEvents(at, s.events);
                    s.inKernel = true;
                } else if (!wanted && s.inKernel && !s.cancelAsked) {
                    driver.cancel(s.tag);
                    s.cancelAsked = true;
                }
            }
            if (retired && !read.inKernel && !write.inKernel) {
                released = true;
                retiring--;
                driver.release(slot);
            }
        }

        /** A poll's one CQE: {@code res} is the events seen, -ECANCELED after a cancel, or another -errno. */
        @Override
        public void complete(int op, int res, int flags) {
            Side s = op == UringDriver.OP_WATCH_READ ? read : write;
            s.inKernel = false;
            s.cancelAsked = false;
            if (s.task != null && !s.task.isCancelled() && res != -UringLayout.ECANCELED) {
                if (res >= 0) {
                    driver.queue(s.task);
                } else {
                    s.failed = true;
                    driver.report((s == read ? "reader" : "writer") + " poll of " + channel,
                            SysErrors.exception("io_uring POLL_ADD", -res));
                }
            }
            settleLater(); // armed again (or released) after this turn's run phase
        }
    }
}
