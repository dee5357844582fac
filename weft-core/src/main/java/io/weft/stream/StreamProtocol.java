package io.weft.stream;

import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The {@link Protocol} that connects a {@link StreamReader} and a {@link StreamWriter} to a
 * transport. {@link Streams} uses it; use it directly to run streams over a connection made
 * with {@link io.weft.net.Net}: {@code Net.createConnection(loop, StreamProtocol::new, ...)}.
 *
 * <p>It applies its water marks to the transport in {@link #connectionMade} (the writer needs
 * to know them), and keeps the write side open after the peer's EOF ({@link #eofReceived}
 * returns true): the connection closes when the writer closes it. Loop thread only.
 */
public final class StreamProtocol implements Protocol {
    private final StreamReader reader;
    private final StreamWriter writer;
    private final StreamConnection connection;
    private final Consumer<StreamProtocol> onConnected;

    /** Reader limit 64 KiB, write buffer marks 64 KiB and 16 KiB (the transport defaults). */
    public StreamProtocol() {
        this(StreamReader.DEFAULT_LIMIT, 64 * 1024, 16 * 1024);
    }

    /**
     * @param readLimit       the reader's {@link StreamReader#limit()}
     * @param writeBufferHigh the transport's high-water mark, bytes
     * @param writeBufferLow  its low-water mark, at or below which {@link StreamWriter#drain()} completes
     */
    public StreamProtocol(int readLimit, int writeBufferHigh, int writeBufferLow) {
        this(readLimit, writeBufferHigh, writeBufferLow, null);
    }

    StreamProtocol(int readLimit, int writeBufferHigh, int writeBufferLow, Consumer<StreamProtocol> onConnected) {
        this.reader = new StreamReader(readLimit);
        this.writer = new StreamWriter(writeBufferHigh, writeBufferLow);
        this.connection = new StreamConnection(reader, writer);
        this.onConnected = onConnected;
    }

    public StreamReader reader() {
        return reader;
    }

    public StreamWriter writer() {
        return writer;
    }

    public StreamConnection connection() {
        return connection;
    }

    @Override
    public void connectionMade(Transport transport) {
        reader.attach(transport);
        writer.attach(transport);
        if (onConnected != null) {
            onConnected.accept(this);
        }
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        reader.dataReceived(data);
    }

    @Override
    public boolean eofReceived() {
        reader.ended(null);
        return true;
    }

    @Override
    public void connectionLost(Throwable cause) {
        reader.ended(cause);
        writer.connectionLost(cause);
    }

    @Override
    public void pauseWriting() {
        writer.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        writer.resumeWriting();
    }
}
