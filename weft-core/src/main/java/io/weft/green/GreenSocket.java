package io.weft.green;

import io.weft.future.Promise;
import io.weft.internal.green.GreenThread;
import io.weft.net.ConnectOptions;
import io.weft.stream.ConnectionClosedException;
import io.weft.stream.StreamConnection;
import io.weft.stream.StreamReader;
import io.weft.stream.StreamWriter;
import io.weft.stream.Streams;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * A stream connection for green threads, with blocking-style calls that park only the calling
 * green thread: the loop runs callbacks and other green threads meanwhile.
 *
 * <p>It is a {@link StreamReader} and a {@link StreamWriter} (so TCP, Unix domain sockets and
 * TLS alike, and the same limits and flow control) with each call awaited. Reads park until the
 * data is there; {@link #write} parks only while the connection's buffered output is above its
 * high-water mark, until it drains to the low one. Errors are the typed {@link IOException}s of
 * the transport and the reader ({@link io.weft.net.ConnectionResetException},
 * {@link io.weft.stream.IncompleteReadException}, {@link io.weft.stream.LimitExceededException},
 * ...); cancelling the green thread makes a parked call throw {@link CancellationException}
 * (buffered input is kept for a later read, as the reader promises).
 *
 * <p>{@link #read(byte[], int, int)}, {@link #read(ByteBuffer)} and {@link #readAvailable} read
 * into the caller's memory and allocate nothing per call, and a thread parked in them holds no
 * buffer; the other reads return fresh arrays (simpler, and a promise and a copy per call).
 *
 * <p>Use it only in a green thread of the loop it lives on; it is not thread-safe.
 */
public final class GreenSocket implements AutoCloseable {
    private final StreamReader reader;
    private final StreamWriter writer;
    /** The green thread parked in {@link #read(ByteBuffer)}, if any. */
    private GreenThread parked;
    /** Wakes {@link #parked}; made once, so a read that parks allocates nothing. */
    private final Runnable wake = this::wakeReader;
    /** The last array {@link #read(byte[], int, int)} read into, wrapped once. */
    private ByteBuffer wrapped;

    GreenSocket(StreamReader reader, StreamWriter writer) {
        this.reader = reader;
        this.writer = writer;
    }

    /** Connects to {@code host}:{@code port} (resolved off the loop; RFC 8305 races; default options). */
    public static GreenSocket connect(String host, int port) throws IOException {
        return connect(host, port, ConnectOptions.defaults());
    }

    public static GreenSocket connect(String host, int port, ConnectOptions options) throws IOException {
        return of(await(Streams.connect(Green.loop(), host, port, options)));
    }

    /** Connects to one address: TCP or Unix domain ({@link java.net.UnixDomainSocketAddress}). */
    public static GreenSocket connect(SocketAddress address, ConnectOptions options) throws IOException {
        return of(await(Streams.connect(Green.loop(), address, options)));
    }

    private static GreenSocket of(StreamConnection c) {
        return new GreenSocket(c.reader(), c.writer());
    }

    /** Up to {@code max} bytes, as soon as any are there; an empty array at end of stream. */
    public byte[] read(int max) throws IOException {
        return await(reader.read(max));
    }

    /**
     * Reads into {@code dst[off, off + len)}: parks until at least one byte is there, then
     * copies as many as are, up to {@code len}. Allocates nothing per call (the array is wrapped
     * once, while the same one is passed), so a loop of reads makes no garbage.
     *
     * <p>{@code dst} is written only while the calling thread runs, never while it is parked:
     * when bytes come, the loop resumes the thread at once and it copies them from the
     * transport's buffer, from the position and up to the limit {@code dst} had when this was
     * called. So a parked read holds no buffer of the socket's, and the loop's green threads may
     * all read into one buffer they share, provided nothing parks between a read and the last use
     * of what it read.
     *
     * @return the count read, at least 1; 0 only if {@code len} is 0; -1 at end of stream
     * @throws IOException the connection's error ({@link io.weft.net.ConnectionResetException}, ...)
     * @throws CancellationException if the green thread is cancelled before any byte came
     *         (bytes that come later stay buffered for the next read)
     */
    public int read(byte[] dst, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        ByteBuffer b = wrapped;
        if (b == null || b.array() != dst) {
            b = wrapped = ByteBuffer.wrap(dst);
        }
        b.limit(off + len).position(off);
        return read(b);
    }

    /**
     * Reads into {@code dst} from its position: as {@link #read(byte[], int, int)}, for up to
     * {@code dst.remaining()} bytes; its position moves past what was read.
     */
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        int n;
        while ((n = reader.readNow(dst)) == 0) {
            GreenThread g = GreenThread.require("GreenSocket.read");
            int position = dst.position();
            int limit = dst.limit();
            reader.awaitData(wake);
            parked = g;
            try {
                while (reader.isAwaitingData()) {
                    g.park();
                }
            } catch (CancellationException e) {
                reader.stopAwaitingData();
                throw e;
            } finally {
                parked = null;
            }
            dst.limit(limit).position(position); // a buffer shared with other green threads moved meanwhile
        }
        return n;
    }

    /**
     * Copies what is buffered into {@code dst} now, without parking: the count, 0 if nothing is
     * buffered, -1 at end of stream. For draining a burst after a {@link #read} without parking.
     */
    public int readAvailable(ByteBuffer dst) throws IOException {
        return reader.readNow(dst);
    }

    /**
     * The reader's wake-up: bytes came, so the thread runs at once and reads them from the
     * transport's buffer (nothing buffered, nothing queued); the end of the stream (or a
     * cancelled wait) queues it instead, so that the connection's end is fully handled before
     * it runs.
     */
    private void wakeReader() {
        GreenThread g = parked;
        if (g == null) {
            return;
        }
        if (reader.bufferedBytes() > 0) {
            g.resumeNow();
        } else {
            g.unpark();
        }
    }

    /** Exactly {@code n} bytes; {@link io.weft.stream.IncompleteReadException} if the stream ends first. */
    public byte[] readExactly(int n) throws IOException {
        return await(reader.readExactly(n));
    }

    /** The next line as UTF-8, without its terminator (LF or CRLF); null at end of stream. */
    public String readLine() throws IOException {
        byte[] line = await(reader.readLine());
        return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    /** The bytes up to and including {@code separator}. */
    public byte[] readUntil(byte[] separator) throws IOException {
        return await(reader.readUntil(separator));
    }

    /**
     * Sends the buffer's remaining bytes. Returns at once while the connection's buffered output
     * stays at or under its high-water mark; above it, parks until it drains to the low one.
     * Throws the connection's error if it is lost (or {@link ConnectionClosedException}).
     */
    public void write(ByteBuffer data) throws IOException {
        checkOpen();
        writer.write(data);
        if (writer.bufferedBytes() > writer.writeBufferHigh()) {
            await(writer.drain());
        }
    }

    public void write(byte[] data) throws IOException {
        write(ByteBuffer.wrap(data));
    }

    /** Writes {@code text} as UTF-8. */
    public void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Parks until everything written so far is handed to the kernel (down to the low-water mark). */
    public void flush() throws IOException {
        await(writer.drain());
    }

    /** Half-closes: the peer sees end of stream once the buffer is sent; reading goes on. */
    public void writeEof() {
        writer.writeEof();
    }

    /** Sends what is buffered, then closes, and parks until the connection is closed. */
    @Override
    public void close() throws IOException {
        try {
            await(writer.close());
        } catch (ConnectionClosedException alreadyClosed) {
            // closing a closed socket is not an error
        }
    }

    /** Closes now, dropping buffered output. */
    public void abort() {
        writer.transport().abort();
    }

    public SocketAddress localAddress() {
        return writer.transport().localAddress();
    }

    public SocketAddress remoteAddress() {
        return writer.transport().remoteAddress();
    }

    /** The reader underneath, for what this class does not wrap (limits, skipUntil). */
    public StreamReader reader() {
        return reader;
    }

    /** The writer underneath. */
    public StreamWriter writer() {
        return writer;
    }

    /** Completes when the connection is closed. */
    Promise<Void> closed() {
        return writer.closed();
    }

    private void checkOpen() throws IOException {
        Promise<Void> closed = writer.closed();
        if (closed.isDone()) {
            Throwable cause = closed.cause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new ConnectionClosedException("write: the connection is closed");
        }
    }

    /** Awaits a promise, throwing its failure as the IOException it is, or unchecked. */
    static <T> T await(Promise<T> p) throws IOException {
        try {
            return Green.await(p);
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    @Override
    public String toString() {
        return "GreenSocket[" + localAddress() + " <-> " + remoteAddress() + "]";
    }
}
