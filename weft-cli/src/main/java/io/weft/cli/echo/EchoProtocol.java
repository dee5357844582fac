package io.weft.cli.echo;

import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.nio.ByteBuffer;

/**
 * Writes back whatever it reads, with flow control: while the transport's write buffer is over
 * its high-water mark ({@link #pauseWriting}), reading is paused, so a peer that sends without
 * reading fills its own socket buffers and blocks, instead of filling this server's heap.
 *
 * <p>When the peer shuts its write side, the transport flushes what is buffered and closes
 * ({@link #eofReceived} keeps the default {@code false}). Loop thread only, like every protocol.
 */
final class EchoProtocol implements Protocol {
    private final EchoStats stats;
    private Transport transport;

    EchoProtocol(EchoStats stats) {
        this.stats = stats;
    }

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
        stats.connections++;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        stats.bytes += data.remaining();
        transport.write(data); // copies what the socket does not take now: the buffer is only lent
    }

    @Override
    public void pauseWriting() {
        stats.readPauses++;
        transport.pauseReading();
    }

    @Override
    public void resumeWriting() {
        transport.resumeReading();
    }
}
