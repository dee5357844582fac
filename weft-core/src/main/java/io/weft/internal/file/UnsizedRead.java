package io.weft.internal.file;

import io.weft.file.FileTooLargeException;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;

/**
 * Reads a file whose size says nothing (0 for {@code /proc} files, pipes and FIFOs, character
 * devices) to its end: sequential reads at the descriptor's offset into a heap buffer that
 * doubles as it fills, one read at a time because such files cannot be read at a position.
 * Loop thread only; the result settles after the last read has.
 */
public final class UnsizedRead {
    private static final int FIRST = 64 << 10;

    private final FileHandle file;
    private final long limit;
    private final Promise<ByteBuffer> result;
    private final StopSignal stop;
    private ByteBuffer buffer = ByteBuffer.allocate(FIRST);

    private UnsizedRead(EventLoop loop, FileHandle file, long limit, StopSignal stop) {
        this.stop = stop;
        this.file = file;
        this.limit = limit;
        this.result = loop.newPromise();
    }

    /**
     * Everything up to the end of the file, as a heap buffer (position 0, limit the byte count).
     * Once {@code stop} is set no further read starts and the promise is cancelled, after the
     * read in hand has ended (on a FIFO, that read waits for a writer).
     */
    public static Promise<ByteBuffer> start(EventLoop loop, FileHandle file, long limit, StopSignal stop) {
        UnsizedRead r = new UnsizedRead(loop, file, limit, stop);
        r.next();
        return r.result;
    }

    private void next() {
        if (stop.stopped()) {
            result.cancel();
            return;
        }
        if (!buffer.hasRemaining()) {
            if (buffer.capacity() >= limit) {
                result.fail(new FileTooLargeException("readAll", file.path(), buffer.capacity() + 1L, limit));
                return;
            }
            ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(limit, 2L * buffer.capacity()));
            bigger.put(buffer.flip());
            buffer = bigger;
        }
        file.read(FileHandle.CURRENT, buffer, stop).whenComplete((n, e) -> {
            if (e instanceof java.util.concurrent.CancellationException) {
                result.cancel();
            } else if (e != null) {
                result.fail(e);
            } else if (n < 0) {
                result.complete(buffer.flip());
            } else {
                next();
            }
        });
    }
}
