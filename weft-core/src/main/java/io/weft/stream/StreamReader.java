package io.weft.stream;

import io.weft.future.Promise;
import io.weft.internal.stream.InputBuffer;
import io.weft.internal.stream.ReadRequest;
import io.weft.internal.stream.ReadRequest.Deliver;
import io.weft.internal.stream.ReadRequest.Fail;
import io.weft.internal.stream.ReadRequest.Step;
import io.weft.internal.stream.ReadRequest.Wait;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopClosedException;
import io.weft.net.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The receiving half of a stream connection, for code written with futures: each read returns
 * a {@link Promise} that completes, on the loop, once the bytes it asks for have arrived.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Thread.</b> Loop thread only; other threads get {@link WrongThreadException}. The
 *       reader is usable once the connection is made (a {@link StreamConnection} handed out by
 *       {@link Streams}, or from {@link StreamProtocol#connectionMade} on).</li>
 *   <li><b>One pending read.</b> A read started while another is pending throws
 *       {@link IllegalStateException}: chain the next read on the previous one's promise. A read
 *       whose promise is done (completed, failed or cancelled) is no longer pending.</li>
 *   <li><b>Ownership.</b> Every array a read returns, or an {@link IncompleteReadException}
 *       carries, is a fresh copy that belongs to the caller; the reader keeps no reference.</li>
 *   <li><b>Cancelling.</b> Cancelling a pending read's promise consumes nothing: the bytes stay
 *       buffered for the next read. ({@link #skipUntil} is the exception: what it has already
 *       skipped stays skipped.)</li>
 *   <li><b>End of stream.</b> At EOF, reads take what is buffered first; then {@link #read}
 *       returns an empty array, {@link #readLine} returns the unterminated last line and then
 *       {@code null}, {@link #readExactly} and {@link #readUntil} fail with
 *       {@link IncompleteReadException} carrying what was buffered. If the connection was lost
 *       to an error (a typed {@link java.io.IOException} from the transport such as
 *       {@link io.weft.net.ConnectionResetException}), that error takes the place of EOF: reads
 *       the buffer cannot satisfy fail with it, the pending one and every later one. A
 *       connection closed locally ends the stream as EOF does.</li>
 * </ul>
 *
 * <h2>The limit and flow control</h2>
 * The reader buffers what the transport delivers. While no read is waiting for more, it pauses
 * the transport's reading once the buffer holds {@link #limit()} bytes or more (default
 * {@value #DEFAULT_LIMIT}) and resumes it when reads bring the buffer under the limit again, so
 * a peer that sends faster than the code reads is held back by TCP instead of filling the heap.
 * A buffer is therefore at most the limit plus one socket read (64 KiB), except while
 * {@link #readExactly} waits for more than the limit, which the caller asked for.
 *
 * <p>{@link #readLine} and {@link #readUntil} search at most {@link #limit()} bytes: a line or
 * record (its terminator included) longer than that fails with
 * {@link LimitExceededException} ("line longer than 65536 bytes") and consumes nothing, so an
 * endless line costs bounded memory. After it the caller may close the connection, consume
 * the bytes with {@link #read}, or drop the rest of the line with {@link #skipUntil}.
 *
 * <h2>Reading into the caller's memory</h2>
 * {@link #readNow} and {@link #awaitData} read without a promise or a copy per call, into a
 * buffer the caller passes: for code that waits its own way, such as
 * {@link io.weft.green.GreenSocket}. A wait counts as a pending read for the one-pending-read rule.
 *
 * <p>The reader owns the transport's {@link Transport#pauseReading()} and
 * {@link Transport#resumeReading()}; do not call them yourself.
 */
public final class StreamReader {
    /** The default {@link #limit()}: 64 KiB. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private final InputBuffer buffer = new InputBuffer();
    private int limit;
    private Transport transport;
    private EventLoop loop;
    private Pending pending;
    private boolean ended;
    private Throwable error;
    /** Whether this reader paused the transport's reading. */
    private boolean paused;
    /** Run once when bytes arrive or the stream ends ({@link #awaitData}); null when nobody waits. */
    private Runnable waiter;
    /**
     * The transport's bytes while the waiter runs for them: read by {@link #readNow} before
     * they are buffered, and buffered only if the waiter leaves some. Lent by the transport for
     * its {@code dataReceived} call only; null outside it.
     */
    private ByteBuffer arriving;

    StreamReader(int limit) {
        this.limit = requirePositive(limit);
    }

    // ---- reads ----

    /**
     * Up to {@code max} bytes, as soon as at least one is available: whatever is buffered, up
     * to {@code max}. An empty array means EOF.
     *
     * @throws IllegalArgumentException if {@code max} is not positive
     */
    public Promise<byte[]> read(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("read(max) needs max > 0, got " + max);
        }
        return start(new ReadRequest.Some(max));
    }

    /**
     * Exactly {@code n} bytes. Fails with {@link IncompleteReadException} (carrying the bytes
     * that did arrive, which are consumed) if the stream ends first. {@code n} may exceed the
     * limit; the buffer then grows to {@code n}.
     */
    public Promise<byte[]> readExactly(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("readExactly(n) needs n >= 0, got " + n);
        }
        return start(new ReadRequest.Exactly(n));
    }

    /**
     * The next line, <em>without</em> its terminator. A line ends at LF; a CR right before the
     * LF is part of the terminator too (so CRLF and LF lines read the same), while a CR
     * elsewhere is data. At EOF the last line is returned even without a terminator; after it,
     * {@code null}. A line longer than {@link #limit()} bytes, terminator included, fails with
     * {@link LimitExceededException} and consumes nothing.
     */
    public Promise<byte[]> readLine() {
        return start(ReadRequest.Until.line());
    }

    /**
     * The bytes up to and <em>including</em> the next {@code separator}. Fails with
     * {@link IncompleteReadException} (carrying, and consuming, what was buffered) if the stream
     * ends before a separator, and with {@link LimitExceededException} (consuming nothing) if
     * none occurs within the first {@link #limit()} bytes.
     *
     * @param separator one or more bytes; copied at the call
     */
    public Promise<byte[]> readUntil(byte[] separator) {
        return start(ReadRequest.Until.separator(requireSeparator(separator)));
    }

    /**
     * Drops bytes up to and including the next {@code separator}, however many there are,
     * holding no more than the separator's length meanwhile; completes with the count dropped
     * (separator included). For getting past an over-long line: {@code skipUntil("\n")} after
     * {@link LimitExceededException}. Fails with {@link IncompleteReadException} at EOF. Cancelling
     * it keeps what is still buffered; what it skipped stays skipped.
     */
    public Promise<Long> skipUntil(byte[] separator) {
        return start(new ReadRequest.Skip(requireSeparator(separator)));
    }

    /**
     * Copies buffered bytes into {@code dst} now, as many as fit, without waiting.
     *
     * @return the count copied; 0 if nothing is buffered and the stream goes on (or {@code dst}
     *         is full); -1 at end of stream
     * @throws IOException the connection's error (a typed one such as
     *         {@link io.weft.net.ConnectionResetException}), once the buffered bytes are read
     * @throws IllegalStateException while another read is pending
     */
    public int readNow(ByteBuffer dst) throws IOException {
        checkThread();
        checkNothingPending("readNow");
        int n = Math.min(dst.remaining(), buffer.size());
        if (n > 0) {
            buffer.copyTo(dst, n);
            buffer.discard(n);
            // Bytes that come for a waiter are read from the transport's buffer (awaitData), so
            // an idle connection read this way keeps no array of the reader's own.
            buffer.releaseIfEmpty();
            updateFlow();
            return n;
        }
        ByteBuffer in = arriving;
        if (in != null && in.hasRemaining() && dst.hasRemaining()) {
            n = Math.min(dst.remaining(), in.remaining());
            int limit = in.limit();
            dst.put(in.limit(in.position() + n));
            in.limit(limit);
            return n;
        }
        if (!dst.hasRemaining() || !ended) {
            return 0;
        }
        if (error == null) {
            return -1;
        }
        if (error instanceof IOException io) {
            throw io;
        }
        throw new IOException(error);
    }

    /**
     * Runs {@code then} once, on the loop, when bytes arrive or the stream ends: for a caller
     * that found nothing with {@link #readNow} and waits its own way. When bytes arrive,
     * {@code then} runs inside the transport's delivery, before they are buffered: a
     * {@link #readNow} made by {@code then}, or by a green thread it resumes at once, copies them
     * straight from the transport's buffer, and only what is left is buffered. So a reader that
     * waits this way holds no buffer at all, neither its own nor the reader's, and the bytes are
     * copied once. Nothing is allocated per wait.
     *
     * @throws IllegalStateException if bytes are buffered (call {@link #readNow} first), the
     *         stream has ended, or another read is pending
     */
    public void awaitData(Runnable then) {
        checkThread();
        checkNothingPending("awaitData");
        if (bufferedBytes() > 0 || ended) {
            throw new IllegalStateException("awaitData is for waiting: " + (ended ? "the stream has ended"
                    : bufferedBytes() + " bytes are buffered") + "; call readNow(dst) first");
        }
        waiter = Objects.requireNonNull(then, "then");
        updateFlow();
    }

    /** Whether an {@link #awaitData} waits, and no bytes or end came for it yet. */
    public boolean isAwaitingData() {
        return waiter != null;
    }

    /** Ends an {@link #awaitData} before anything came (the waiter gave up). */
    public void stopAwaitingData() {
        waiter = null;
        if (loop != null && loop.inLoop()) {
            updateFlow();
        }
    }

    private void checkNothingPending(String what) {
        if (pending != null && !pending.promise.isDone() || waiter != null) {
            throw new IllegalStateException("a read is already pending on this stream (" + (waiter != null
                    ? "awaitData" : pending.request) + "); " + what + " must wait until it completes: one pending read"
                    + " at a time");
        }
    }

    /** Runs and forgets the waiter, if any. */
    private void wakeWaiter() {
        Runnable then = waiter;
        if (then != null) {
            waiter = null;
            then.run();
        }
    }

    /**
     * Buffers what a waiter left of the bytes it ran for: before anything that reads the buffer
     * alone, and before bytes that came later (an arrival nested in the waiter's run).
     */
    private void absorbArriving() {
        ByteBuffer in = arriving;
        if (in != null) {
            arriving = null;
            if (in.hasRemaining()) {
                buffer.append(in);
            }
        }
    }

    // ---- state ----

    /** Bytes received and not yet read. */
    public int bufferedBytes() {
        ByteBuffer in = arriving;
        return buffer.size() + (in != null ? in.remaining() : 0);
    }

    /** Whether the peer sent EOF (or the connection closed) and every byte has been read. */
    public boolean atEof() {
        return ended && error == null && bufferedBytes() == 0;
    }

    /** The most a line or separator search may span, and the buffer size that pauses reading. */
    public int limit() {
        return limit;
    }

    /** Sets {@link #limit()}; applies at once, to a pending read too. Loop thread. */
    public void setLimit(int limit) {
        this.limit = requirePositive(limit);
        if (loop != null) {
            checkThread();
            absorbArriving();
            advance();
        }
    }

    // ---- from the protocol ----

    void attach(Transport transport) {
        this.transport = transport;
        this.loop = transport.loop();
    }

    /** Bytes arrived; {@code data} is lent for the call, so it is copied in. */
    void dataReceived(ByteBuffer data) {
        if (ended) {
            return;
        }
        absorbArriving();
        if (waiter != null && buffer.isEmpty()) {
            // The waiter reads them from the transport's buffer: the reader's own stays empty.
            arriving = data;
            try {
                wakeWaiter();
            } finally {
                if (arriving == data) {
                    arriving = null;
                }
            }
            if (!data.hasRemaining()) {
                updateFlow();
                return;
            }
        }
        buffer.append(data);
        advance();
        if (!buffer.isEmpty()) {
            wakeWaiter(); // a waiter that came during the bytes' delivery, or an arrival nested in one
        }
    }

    /** No more bytes will come: EOF if {@code cause} is null, else the connection's error. */
    void ended(Throwable cause) {
        if (ended) {
            return; // the first end wins: a clean EOF stays clean if the write side fails later
        }
        absorbArriving();
        ended = true;
        error = cause;
        paused = false;
        wakeWaiter();
        advance();
    }

    // ---- the machinery ----

    private <T> Promise<T> start(ReadRequest request) {
        checkThread();
        if (waiter != null) {
            checkNothingPending("this read");
        }
        absorbArriving();
        if (pending != null && !pending.promise.isDone()) {
            throw new IllegalStateException("a read is already pending on this stream (" + pending.request
                    + "); start the next read when its promise completes: one pending read at a time");
        }
        Promise<T> promise = loop.newPromise();
        @SuppressWarnings("unchecked")
        Pending p = new Pending(request, (Promise<Object>) promise);
        pending = p;
        promise.onCancel(() -> onLoop(() -> {
            if (pending == p) {
                pending = null;
                updateFlow();
            }
        }));
        advance();
        return promise;
    }

    /** Gives the pending read what it can have now, then pauses or resumes the transport. */
    private void advance() {
        Pending p = pending;
        if (p != null && p.promise.isDone()) {
            pending = null; // cancelled from another thread; its cleanup is still on the way
        } else if (p != null) {
            Step step = p.request.step(buffer, ended, error, limit);
            switch (step) {
                case Wait w -> buffer.discard(w.discard());
                case Deliver d -> {
                    pending = null;
                    // Consume only if the promise took the value: it may have been cancelled
                    // from another thread a moment ago, and then the bytes belong to the next read.
                    if (p.promise.complete(d.value())) {
                        buffer.discard(d.consume());
                    }
                }
                case Fail f -> {
                    pending = null;
                    if (p.promise.fail(f.error())) {
                        buffer.discard(f.consume());
                    }
                }
            }
        }
        updateFlow();
    }

    /**
     * Reading is wanted while a read waits for bytes (it cannot complete otherwise) or the
     * buffer is under the limit.
     */
    private void updateFlow() {
        if (ended || transport == null) {
            return;
        }
        boolean waiting = pending != null && !pending.promise.isDone() || waiter != null;
        boolean want = waiting || buffer.size() < limit;
        if (want == paused) {
            paused = !want;
            if (want) {
                transport.resumeReading();
            } else {
                transport.pauseReading();
            }
        }
    }

    private void onLoop(Runnable r) {
        if (loop.inLoop()) {
            r.run();
            return;
        }
        try {
            loop.execute(r);
        } catch (LoopClosedException e) {
            // The loop and the connection are gone; there is nothing left to tidy.
        }
    }

    private void checkThread() {
        if (loop == null) {
            throw new IllegalStateException("the stream is not connected yet: use the reader of a connected"
                    + " StreamConnection, or from StreamProtocol.connectionMade on");
        }
        if (!loop.inLoop()) {
            throw new WrongThreadException("a StreamReader may only be used on its loop's thread (" + loop
                    + "); hand the work over with loop.execute(...)");
        }
    }

    private static int requirePositive(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the limit must be positive, got " + limit);
        }
        return limit;
    }

    private static byte[] requireSeparator(byte[] separator) {
        Objects.requireNonNull(separator, "separator");
        if (separator.length == 0) {
            throw new IllegalArgumentException("the separator must not be empty");
        }
        return separator;
    }

    @Override
    public String toString() {
        return "StreamReader[" + buffer.size() + " bytes buffered" + (ended ? error != null ? ", failed: " + error
                : ", EOF" : "") + (paused ? ", paused" : "") + (pending != null ? ", pending " + pending.request : "")
                + "]";
    }

    private record Pending(ReadRequest request, Promise<Object> promise) {
    }
}
