package io.weft.internal.file;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import io.weft.stream.ConnectionClosedException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Streams what a transport receives into a file with bounded memory: behind
 * {@link AsyncFile#writeFrom}.
 *
 * <p>It stands in as the transport's protocol while it runs. Received bytes (lent, so copied)
 * fill a chunk; a full chunk goes to the file as a positional write, several in flight at once.
 * With {@value #MAX_CHUNKS} chunks in flight or full, reading pauses until a write finishes, so
 * memory stays at {@value #MAX_CHUNKS} chunks of {@value #CHUNK} bytes whatever the sender does.
 * After {@code count} bytes the original protocol is the transport's protocol again and gets
 * the rest of that read through {@code dataReceived}; at end of stream it gets
 * {@code eofReceived}, and decides whether the connection stays open. Reading is left on.
 *
 * <p>Loop thread only. The promise settles once every write has, with the bytes written, or the
 * first failure: a file error (the transport is then aborted, since its bytes can go nowhere) or
 * the connection's loss before {@code count} bytes.
 *
 * <p>Stopping ({@link StopSignal}, set when the caller cancels): no further write starts, the
 * writes in flight are cancelled (in the kernel where the backend can), the bytes received and
 * not yet handed to a write are dropped, and the original protocol is the transport's protocol
 * again, with reading resumed: what arrives afterwards is its. The promise then fails with
 * {@link java.util.concurrent.CancellationException}, once every write has settled.
 */
public final class TransportToFile implements Protocol {
    static final int CHUNK = 256 << 10;
    static final int MAX_CHUNKS = 4;

    private final Transport transport;
    private final Protocol original;
    private final AsyncFile file;
    private final long limit; // bytes to take; Long.MAX_VALUE: to the end of stream
    private final Promise<Long> result;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    /** The writes in flight, to cancel if the caller stops this. */
    private final java.util.Set<Promise<Integer>> writes = new java.util.HashSet<>();
    private ByteBuffer filling;
    private long received;
    private long written;
    private long nextPosition;
    private int writing;
    private boolean done; // no more bytes will come: count reached, end of stream, or lost
    private Throwable failure;

    private TransportToFile(Transport transport, AsyncFile file, long position, long count) {
        this.transport = transport;
        this.original = transport.protocol();
        this.file = file;
        this.limit = count < 0 ? Long.MAX_VALUE : count;
        this.nextPosition = position;
        this.result = transport.loop().newPromise();
    }

    /** Starts receiving; loop thread. Setting {@code stop} (any thread) stops it, as the class says. */
    public static Promise<Long> start(Transport transport, AsyncFile file, long position, long count, StopSignal stop) {
        if (transport.isClosing()) {
            throw new IllegalStateException("writeFrom on a transport that is closing");
        }
        TransportToFile r = new TransportToFile(transport, file, position, count);
        if (r.limit == 0) {
            r.result.complete(0L);
            return r.result;
        }
        transport.setProtocol(r);
        transport.resumeReading();
        stop.whenStopped(() -> {
            try {
                if (transport.loop().inLoop()) {
                    r.stop(); // at once: bytes that arrive from now on are the original protocol's
                } else {
                    transport.loop().execute(r::stop);
                }
            } catch (RuntimeException closed) {
                // the loop is closing: its transports close, and connectionLost ends this
            }
        });
        return r.result;
    }

    /** The caller cancelled: see the class comment. Loop thread. */
    private void stop() {
        if (result.isDone() || (done && failure != null)) {
            return;
        }
        if (failure == null) {
            failure = new java.util.concurrent.CancellationException("writeFrom " + file.path() + " was cancelled after "
                    + written + " bytes written");
        }
        if (!done) {
            done = true;
            filling = null; // received, never to be written
            giveBack();
        }
        for (Promise<Integer> w : java.util.List.copyOf(writes)) {
            w.cancel();
        }
        finishIfDone();
    }

    @Override
    public void connectionMade(Transport t) {
        // never called: a protocol set with setProtocol gets no connectionMade
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        while (data.hasRemaining() && !done) {
            if (filling == null) {
                filling = free.isEmpty() ? ByteBuffer.allocateDirect(CHUNK) : free.poll();
            }
            int n = (int) Math.min(Math.min(data.remaining(), filling.remaining()), limit - received);
            filling.put(filling.position(), data, data.position(), n);
            filling.position(filling.position() + n);
            data.position(data.position() + n);
            received += n;
            if (!filling.hasRemaining() || received == limit) {
                flush();
            }
            if (received == limit) {
                done = true;
                giveBack();
                if (data.hasRemaining()) {
                    original.dataReceived(data);
                }
            }
        }
        if (!done && writing >= MAX_CHUNKS - 1) {
            transport.pauseReading(); // the next chunk would be the last one we allow
        }
        finishIfDone();
    }

    @Override
    public boolean eofReceived() {
        done = true;
        flush();
        giveBack();
        finishIfDone();
        return original.eofReceived();
    }

    @Override
    public void connectionLost(Throwable cause) {
        if (!done) {
            done = true;
            if (failure == null && received < limit && limit != Long.MAX_VALUE) {
                failure = cause != null ? cause : new ConnectionClosedException("writeFrom " + file.path()
                        + ": the connection closed after " + received + " of " + limit + " bytes");
            }
            flush();
            giveBack();
            finishIfDone();
        }
        original.connectionLost(cause);
    }

    @Override
    public void pauseWriting() {
        original.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        original.resumeWriting();
    }

    private void flush() {
        if (filling == null || filling.position() == 0 || failure != null) {
            return;
        }
        ByteBuffer chunk = filling.flip();
        filling = null;
        long at = nextPosition;
        nextPosition += chunk.remaining();
        writing++;
        Promise<Integer> write = file.write(at, chunk);
        writes.add(write);
        write.whenComplete((n, e) -> {
            writes.remove(write);
            writing--;
            if (e != null) {
                if (failure == null) {
                    failure = e;
                    if (!done) {
                        done = true;
                        giveBack();
                        transport.abort();
                    }
                }
            } else {
                written += n;
                free.push(chunk.clear());
                if (!done && writing < MAX_CHUNKS - 1) {
                    transport.resumeReading();
                }
            }
            finishIfDone();
        });
    }

    private void giveBack() {
        if (transport.protocol() == this) {
            transport.setProtocol(original);
        }
        transport.resumeReading();
    }

    private void finishIfDone() {
        if (!done || writing > 0 || result.isDone()) {
            return;
        }
        if (failure != null) {
            result.fail(failure);
        } else {
            result.complete(written);
        }
    }
}
