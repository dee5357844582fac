package io.weft.internal.net;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import io.weft.internal.file.FileErrors;
import io.weft.internal.io.CompletionSplicer;
import io.weft.internal.io.FileSender;
import io.weft.internal.io.SendableFile;
import io.weft.internal.loop.Loop;
import io.weft.stream.ConnectionClosedException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;

/**
 * One zero-copy {@code sendFile} of a {@link StreamTransport}: the file's range goes from the
 * page cache to the socket through the backend's {@link FileSender}, driven by writability, or
 * through a completion backend's splice rounds ({@link CompletionSplicer#openFilePipe}), driven
 * by their completions; never through a buffer of this process.
 *
 * <h2>Steps</h2>
 * <pre>
 *   OPENING  the file is opened again by path, read-only, on the offload pool (open(2) may wait
 *            for the disk); the range is checked against its size
 *   SENDING  while the transport's write queue is empty (what was written before the call goes
 *            first): a window of at most {@link #WINDOW} bytes at a time, asked of the page cache
 *            first; a cached one is sent on the loop, as much as the socket takes; a full socket
 *            waits for writability; at most {@link #SENDS_PER_CALLBACK} sends per callback, so
 *            that one fast connection does not hold the loop
 *   WARMING  a window that is not cached: its first {@link #WARM} bytes are read once through the
 *            AsyncFile (the offload pool) into a scratch buffer, which brings them into the page
 *            cache; then they are sent as above without asking again
 *   ROUNDS   (a completion backend, instead of SENDING and WARMING) while the write queue is
 *            empty, one round at a time through a kernel pipe: pipe empty -&gt; fill (the file at
 *            the next position into the pipe, then on to the socket); pipe holds bytes -&gt; drain
 *            (when the socket is writable). A file read that waits for the disk waits in the
 *            kernel's worker, not on the loop, so no window is asked of the page cache or warmed.
 *   DONE     the promise completes with the count (every byte handed to the kernel), or fails:
 *            the connection's loss or reset (typed by the backend), close() or cancel() of the
 *            promise (the rest is not sent), a file shorter than the range (EOFException before
 *            anything is sent), or the file's open failure (a FileException)
 * </pre>
 *
 * <p>Why the path is opened again: the {@link AsyncFile}'s own descriptor belongs to its backend
 * and is not reachable from here. A file replaced at that path after the AsyncFile was opened is
 * sent as the path has it now. The descriptor is owned by this send from the open to DONE (or, if
 * DONE came first, to the open's completion) and closed on the loop (closing a regular file does
 * not block).
 *
 * <p>Memory: nothing per byte; the socket's send buffer (and in ROUNDS one pipe of {@link #PIPE}
 * bytes, in the kernel) is the only buffer, so a slow reader holds the send at the kernel's
 * limit with no growth here. A scratch buffer of {@link #WARM} bytes
 * exists only for a send that had to warm a window. Loop thread only.
 */
final class FileSend {
    /**
     * The range one cache probe covers (its first and last byte), and the most one sendfile call
     * is asked for: tcp_wmem's largest send buffer (4 MiB), about the most one call can send.
     */
    static final long WINDOW = 4 << 20;
    /** Bytes one warming read brings in (and the scratch buffer's size). */
    static final int WARM = 1 << 20;
    /** Sends per callback before yielding to the rest of the loop until the next writable event. */
    static final int SENDS_PER_CALLBACK = 8;
    /**
     * The pipe ROUNDS ask for: fs.pipe-max-size's default (1 MiB), the most the kernel gives an
     * unprivileged process; a round then moves up to this much per pair of splices.
     */
    static final int PIPE = 1 << 20;

    private final StreamTransport transport;
    private final Loop loop;
    private final FileSender sender;
    /** The completion backend's splicer (ROUNDS), when {@link #sender} is null. */
    private final CompletionSplicer splicer;
    private CompletionSplicer.FilePipe pipe;
    /** Bytes in the pipe: read from the file, not yet taken by the socket. */
    private long level;
    private boolean inRound;
    private final AsyncFile file;
    private final long start;
    private final long end;
    private final Promise<Long> result;
    private long position;
    private SendableFile source;
    private boolean warming;
    private ByteBuffer scratch;
    /** The end of the window last found cached: sends below it need no probe. */
    private long cachedUntil;
    private boolean done;

    /** A send through {@code sender} (readiness), or else through {@code splicer}'s file pipe (completion). */
    FileSend(StreamTransport transport, Loop loop, FileSender sender, CompletionSplicer splicer, AsyncFile file,
            long position, long count) {
        this.transport = transport;
        this.loop = loop;
        this.sender = sender;
        this.splicer = splicer;
        this.file = file;
        this.start = position;
        this.position = position;
        this.end = position + count;
        this.result = loop.newPromise();
    }

    Promise<Long> result() {
        return result;
    }

    /** OPENING. */
    void begin() {
        result.onCancel(() -> {
            if (loop.inLoop()) {
                stop(null);
            } else {
                loop.execute(() -> stop(null));
            }
        });
        if (start == end) {
            succeed();
            return;
        }
        java.nio.file.Path path = file.path();
        loop.offload(() -> {
            try {
                return SendableFile.open(path);
            } catch (IOException | RuntimeException e) {
                throw FileErrors.translate("open", path, e);
            }
        }).whenComplete((src, e) -> {
            if (done) {
                if (src != null) {
                    src.close();
                }
                return;
            }
            if (e != null) {
                fail(e);
                return;
            }
            source = src;
            if (src.size() < end) {
                fail(new EOFException("sendFile " + path + ": the file ended at byte " + src.size() + ", before the "
                        + (end - start) + " bytes asked for from " + start + " (nothing was sent)"));
                return;
            }
            if (sender == null) {
                try {
                    pipe = splicer.openFilePipe(PIPE, src, this.rounds());
                } catch (IOException ex) {
                    source = null; // the pipe owned it, and closed it
                    fail(ex);
                    return;
                }
            }
            pump();
        });
    }

    /** SENDING: called when the file is open, when the queue drained, on writability, after warming. */
    void pump() {
        if (done || source == null || warming || !transport.queueEmpty()) {
            return; // the transport calls again once the queue is empty (onFlushed)
        }
        if (pipe != null) {
            nextRound();
            return;
        }
        for (int i = 0; i < SENDS_PER_CALLBACK; i++) {
            if (position >= end) {
                succeed();
                return;
            }
            if (position >= cachedUntil) {
                long w = Math.min(end - position, WINDOW);
                if (!sender.cached(source, position, w)) {
                    warm((int) Math.min(w, WARM));
                    return;
                }
                cachedUntil = position + w;
            }
            long n = cachedUntil - position;
            long sent;
            try {
                sent = sender.send(source, position, n);
            } catch (IOException e) {
                transport.fileSendFailed(e); // the connection is lost: lost(e) follows from there
                return;
            }
            if (sent < 0) {
                fail(new EOFException("sendFile " + file.path() + ": the file ended at byte " + position
                        + ", before the " + (end - start) + " bytes asked for from " + start + " (it shrank)"));
                return;
            }
            if (sent == 0) {
                sender.whenWritable(this::pump);
                return;
            }
            position += sent;
            transport.fileProgress();
        }
        if (position >= end) {
            succeed();
        } else {
            sender.whenWritable(this::pump); // yield: back on the next writable event
        }
    }

    /** ROUNDS: the next round, or DONE once the socket took every byte. */
    private void nextRound() {
        if (inRound) {
            return;
        }
        if (position >= end) {
            succeed();
        } else if (level > 0) {
            inRound = true;
            pipe.drain(level);
        } else {
            inRound = true;
            pipe.fill(position, (int) Math.min(end - position, PIPE));
        }
    }

    /** ROUNDS: what each round moved; on the loop, in the run phase. */
    private CompletionSplicer.Listener rounds() {
        return new CompletionSplicer.Listener() {
            @Override
            public void roundEnded(long in, long out) {
                inRound = false;
                if (done) {
                    return;
                }
                if (in < 0) {
                    fail(new EOFException("sendFile " + file.path() + ": the file ended at byte " + (position + level)
                            + ", before the " + (end - start) + " bytes asked for from " + start + " (it shrank)"));
                    return;
                }
                level += in - out;
                position += out;
                if (out > 0) {
                    transport.fileProgress();
                }
                pump();
            }

            @Override
            public void failed(IOException error, boolean atFile) {
                inRound = false;
                if (!done) {
                    transport.fileSendFailed(error); // as a failed sendfile(2): lost(e) follows from there
                }
            }
        };
    }

    /** WARMING: one read of the window through the AsyncFile, off the loop, brings it into the page cache. */
    private void warm(int n) {
        warming = true;
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(WARM);
        }
        scratch.clear().limit(n);
        long at = position;
        file.read(at, scratch).whenComplete((k, e) -> {
            warming = false;
            if (done) {
                return;
            }
            if (e != null) {
                fail(e);
            } else {
                // Just read: send it without asking again, so that a cache too small to keep
                // it cannot make the send warm the same bytes forever.
                cachedUntil = at + Math.max(1, k);
                pump();
            }
        });
    }

    /** Whether it is waiting on the socket (for the write timeout): open and not warming. */
    boolean waitingOnSocket() {
        return !done && source != null && !warming;
    }

    long sent() {
        return position - start;
    }

    private void succeed() {
        release();
        result.complete(end - start);
    }

    private void fail(Throwable failure) {
        release();
        result.fail(failure);
    }

    /**
     * Stops sending: {@code cause} from the transport's close() (a {@link ConnectionClosedException}),
     * or null from a cancelled promise.
     */
    void stop(Throwable cause) {
        if (done) {
            return;
        }
        fail(cause != null ? cause : new CancellationException("sendFile " + file.path() + " cancelled after "
                + sent() + " of " + (end - start) + " bytes"));
    }

    /** The connection is gone: fail with its cause. */
    void lost(Throwable cause) {
        if (done) {
            return;
        }
        fail(cause != null ? cause : new ConnectionClosedException("sendFile " + file.path()
                + ": the connection closed after " + sent() + " of " + (end - start) + " bytes"));
    }

    private void release() {
        if (done) {
            return;
        }
        done = true;
        if (pipe != null) {
            pipe.close(); // cancels its round; it closes the file once the kernel is done with it
            pipe = null;
        } else if (source != null) {
            source.close();
        }
        if (sender != null) {
            sender.whenWritable(null);
        }
        source = null;
        scratch = null;
        transport.fileSendEnded(this);
    }
}
