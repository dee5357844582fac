package io.weft.cli.file;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.io.EOFException;
import java.nio.ByteBuffer;

/**
 * Copies one open file into another with {@code depth} slots, each reading a chunk at a position
 * and writing it at the same position in the target, then taking the next chunk: reads and
 * writes overlap, and memory is {@code depth} chunks whatever the file's size. Written with
 * callbacks; every callback runs on the loop, so the counters need no lock. The promise settles
 * once every slot has stopped (so no buffer is still lent to a read or write).
 */
final class FileCopy {
    private final AsyncFile from;
    private final AsyncFile to;
    private final long size;
    private final int chunk;
    private final Promise<Long> result;
    private long next;
    private int running;
    private Throwable failure;

    private FileCopy(EventLoop loop, AsyncFile from, AsyncFile to, long size, int chunk) {
        this.from = from;
        this.to = to;
        this.size = size;
        this.chunk = chunk;
        this.result = loop.newPromise();
    }

    /** Copies bytes {@code [0, size)} of {@code from} to the same positions of {@code to}. Loop thread. */
    static Promise<Long> start(EventLoop loop, AsyncFile from, AsyncFile to, long size, int chunk, int depth) {
        FileCopy c = new FileCopy(loop, from, to, size, chunk);
        for (int i = 0; i < depth; i++) {
            c.running++;
            c.nextChunk(ByteBuffer.allocateDirect(chunk));
        }
        return c.result;
    }

    private void nextChunk(ByteBuffer buffer) {
        if (failure != null || next >= size) {
            if (--running == 0) {
                if (failure != null) {
                    result.fail(failure);
                } else {
                    result.complete(size);
                }
            }
            return;
        }
        long position = next;
        next += chunk;
        buffer.clear().limit((int) Math.min(chunk, size - position));
        readFully(position, buffer);
    }

    private void readFully(long position, ByteBuffer buffer) {
        from.read(position + buffer.position(), buffer).whenComplete((n, e) -> {
            if (e == null && n < 0) {
                e = new EOFException("copy " + from.path() + ": the file ended at byte " + (position + buffer.position())
                        + " while copying; it shrank during the copy");
            }
            if (e != null) {
                fail(e, buffer);
            } else if (buffer.hasRemaining()) {
                readFully(position, buffer);
            } else {
                to.write(position, buffer.flip()).whenComplete((w, we) -> {
                    if (we != null) {
                        fail(we, buffer);
                    } else {
                        nextChunk(buffer);
                    }
                });
            }
        });
    }

    private void fail(Throwable e, ByteBuffer buffer) {
        if (failure == null) {
            failure = e;
        }
        nextChunk(buffer);
    }
}
