package io.weft.cli.echo;

import io.weft.green.GreenServer;
import io.weft.green.GreenSocket;
import io.weft.net.Protocol;
import io.weft.net.ServerOptions;
import io.weft.loop.EventLoop;
import io.weft.stream.StreamWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;

/**
 * The echo server written with green threads: one per connection reading and writing back,
 * started by {@link GreenServer} on the loop that accepted the connection (one instance per loop,
 * so on a loop group each loop has its own). Reads allocate nothing per call, and a connection
 * holds no buffer at all: every read, the parked one and the ones that drain the rest of a burst,
 * goes into one {@value #BURST}-byte buffer shared by the loop's green threads. That is safe
 * because a parked read touches its buffer only once its thread runs again, and nothing parks
 * between a read and the write that copies what the socket does not take. Flow control needs
 * no code here: a write parks while the connection's output is over its high-water mark, and a
 * green thread parked in a write does not read, which is exactly what {@link EchoProtocol} does
 * by hand with pause/resume.
 *
 * <p>Graceful shutdown stays the server's: it stops listening and closes the connections, whose
 * green threads then read end of stream (or an error) and finish. Loop thread (and its green
 * threads) only.
 */
final class GreenEcho {
    private static final int BURST = 64 * 1024;

    private final EchoStats stats;
    /** Shared by this loop's green threads: each read goes in here, and the write after it copies out. */
    private final ByteBuffer burst = ByteBuffer.allocate(BURST);

    private GreenEcho(EchoStats stats) {
        this.stats = stats;
    }

    /** The protocols of a green echo on {@code loop}: each connection gets a green thread there. */
    static java.util.function.Supplier<Protocol> on(EventLoop loop, ServerOptions options, EchoStats stats) {
        return GreenServer.handling(loop, options, new GreenEcho(stats)::serve);
    }

    private void serve(GreenSocket c) {
        stats.connections++;
        StreamWriter writer = c.writer();
        try (c) {
            int n;
            while ((n = c.read(burst.clear())) > 0) { // parks until bytes come
                stats.bytes += n;
                writer.write(burst.flip()); // copies what the socket does not take now: the buffer is free again
                // The rest of the burst, without parking, but only while under the high-water
                // mark: each write here is taken whole, so draining without looking would buffer
                // burst after burst for a peer that does not read.
                while (writer.bufferedBytes() <= writer.writeBufferHigh()
                        && (n = c.readAvailable(burst.clear())) > 0) {
                    stats.bytes += n;
                    writer.write(burst.flip());
                }
                if (n < 0) {
                    break;
                }
                if (writer.bufferedBytes() > writer.writeBufferHigh()) {
                    stats.readPauses++; // parked below: no reading until the peer catches up
                    c.flush();
                }
            }
        } catch (IOException | CancellationException e) {
            // reset, cut at the shutdown deadline, or the loop closing: nothing more to echo
        }
    }
}
