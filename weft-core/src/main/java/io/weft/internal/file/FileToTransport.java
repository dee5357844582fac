package io.weft.internal.file;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import io.weft.loop.TimerHandle;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import io.weft.stream.ConnectionClosedException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Sends a byte range of a file through a transport with bounded memory: the copy loop behind
 * {@link Transport#sendFile} where the transport has no zero-copy path of its own.
 *
 * <p>One chunk is read at a time and handed to {@code transport.write}; the next read starts at
 * once unless the transport is paused, so the file read of one chunk overlaps the socket send of
 * the one before. Memory: this chunk, plus what the transport buffers, which stays near its
 * high-water mark: the sender stands in as the transport's protocol while it runs, hears
 * {@code pauseWriting}/{@code resumeWriting} (passing every event on to the protocol it stands in
 * for), and reads nothing while paused. If the buffer is already far above any water mark when
 * the sender looks (the transport paused before the sender stood in, so no pause event will
 * come), it waits for it to drain, looking again every millisecond.
 *
 * <p>Loop thread only. The promise gives the bytes handed to the transport (not yet necessarily
 * sent) and fails with the connection's loss if it is lost first, or with a
 * {@link ConnectionClosedException} if the transport is closed while it runs (the rest is not
 * read); the original protocol is the transport's protocol again when the promise settles.
 */
public final class FileToTransport implements Protocol {
    /** Bytes per read. */
    static final int CHUNK = 256 << 10;
    /** Buffered bytes above which the sender waits even without a pause event. */
    static final long HARD_LIMIT = 4L << 20;

    private final Transport transport;
    /** Where chunks go: {@code transport::write}, or the transport's own path for them. */
    private final Consumer<ByteBuffer> writer;
    private final Protocol original;
    private final AsyncFile file;
    private final long end;
    private final Promise<Long> result;
    private final ByteBuffer chunk;
    private long position;
    private final long start;
    private boolean paused;
    private boolean reading;
    private TimerHandle recheck;

    private FileToTransport(Transport transport, Consumer<ByteBuffer> writer, AsyncFile file, long position, long count) {
        this.transport = transport;
        this.writer = writer;
        this.original = transport.protocol();
        this.file = file;
        this.start = position;
        this.position = position;
        this.end = position + count;
        this.result = transport.loop().newPromise();
        this.chunk = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(1, count)));
    }

    /** Starts sending {@code count} bytes from {@code position}; loop thread. */
    public static Promise<Long> start(Transport transport, AsyncFile file, long position, long count) {
        return start(transport, transport::write, file, position, count);
    }

    /**
     * As {@link #start(Transport, AsyncFile, long, long)}, the chunks handed to {@code writer}
     * instead of {@code transport.write}: for a transport that refuses other writes meanwhile.
     */
    public static Promise<Long> start(Transport transport, Consumer<ByteBuffer> writer, AsyncFile file, long position,
            long count) {
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("sendFile needs a position and count of 0 or more, got "
                    + position + " and " + count);
        }
        if (transport.isClosing()) {
            throw new IllegalStateException("sendFile on a transport that is closing: send before close()");
        }
        FileToTransport s = new FileToTransport(transport, writer, file, position, count);
        transport.setProtocol(s);
        s.next();
        return s.result;
    }

    private void next() {
        if (result.isDone() || reading) {
            return;
        }
        if (position >= end) {
            finish(null);
            return;
        }
        if (transport.isClosing()) {
            closing();
            return;
        }
        if (paused || transport.writeBufferSize() > HARD_LIMIT) {
            if (!paused && recheck == null) {
                recheck = transport.loop().callLater(Duration.ofMillis(1), () -> {
                    recheck = null;
                    next();
                });
            }
            return;
        }
        chunk.clear().limit((int) Math.min(chunk.capacity(), end - position));
        reading = true;
        file.read(position, chunk).whenComplete((n, e) -> {
            reading = false;
            if (result.isDone()) {
                return;
            }
            if (e != null) {
                finish(e);
            } else if (transport.isClosing()) {
                closing();
            } else if (n < 0) {
                finish(new java.io.EOFException("sendFile " + file.path() + ": the file ended at byte " + position
                        + ", before the " + (end - start) + " bytes asked for from " + start));
            } else {
                position += n;
                writer.accept(chunk.flip());
                next();
            }
        });
    }

    /**
     * The transport is closing under the send. While this is its protocol, connectionLost comes
     * and fails the send with the cause (a reset is a reset, whichever of the read's completion
     * and the loss the loop hears first); otherwise there is nobody to hear it, and the send
     * fails now.
     */
    private void closing() {
        if (transport.protocol() != this) {
            finish(closedDuring());
        }
    }

    private ConnectionClosedException closedDuring() {
        return new ConnectionClosedException("sendFile " + file.path() + " stopped: the transport was closed (by close(), abort() or the connection's end) after "
                + (position - start) + " of " + (end - start) + " bytes");
    }

    private void finish(Throwable failure) {
        if (recheck != null) {
            recheck.cancel();
            recheck = null;
        }
        if (transport.protocol() == this) {
            transport.setProtocol(original);
        }
        if (failure == null) {
            result.complete(position - start);
        } else {
            result.fail(failure);
        }
    }

    // ---- standing in for the protocol: flow control is ours to hear, everything else passes on ----

    @Override
    public void connectionMade(Transport t) {
        // never called: a protocol set with setProtocol gets no connectionMade
    }

    @Override
    public void pauseWriting() {
        paused = true;
        original.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        paused = false;
        original.resumeWriting();
        next();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        original.dataReceived(data);
    }

    @Override
    public boolean eofReceived() {
        return original.eofReceived();
    }

    @Override
    public void connectionLost(Throwable cause) {
        if (!result.isDone()) {
            transport.setProtocol(original);
            result.fail(cause != null ? cause
                    : new ConnectionClosedException("sendFile " + file.path() + ": the connection was closed cleanly (close()) after "
                            + (position - start) + " of " + (end - start) + " bytes"));
        }
        original.connectionLost(cause);
    }
}
