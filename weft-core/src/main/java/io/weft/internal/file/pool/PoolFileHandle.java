package io.weft.internal.file.pool;

import io.weft.future.Promise;
import io.weft.internal.file.FileHandle;
import io.weft.internal.file.StopSignal;
import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;

/**
 * An open file on the offload pool: a JDK {@link FileChannel}, whose positional reads and
 * writes ({@code pread}/{@code pwrite}) are safe to run on several pool threads at once.
 */
final class PoolFileHandle implements FileHandle {
    private final EventLoop loop;
    private final Path path;
    private final FileChannel channel;
    private final int alignment;

    PoolFileHandle(EventLoop loop, Path path, FileChannel channel, int alignment) {
        this.loop = loop;
        this.path = path;
        this.channel = channel;
        this.alignment = alignment;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public int alignment() {
        return alignment;
    }

    @Override
    public Promise<Integer> read(long position, ByteBuffer dst, StopSignal stop) {
        return PoolFileIo.run(loop, "read", path, () -> {
            stopIfAsked(stop);
            return position == CURRENT ? channel.read(dst) : channel.read(dst, position);
        });
    }

    /**
     * Writes in pieces of at most {@link FileHandle#WRITE_PIECE} bytes, looking at {@code stop} before each:
     * a cancelled 1 GiB write stops within one piece (a few milliseconds into the page cache).
     */
    @Override
    public Promise<Integer> write(long position, ByteBuffer src, StopSignal stop) {
        return PoolFileIo.run(loop, "write", path, () -> {
            int n = 0;
            int limit = src.limit();
            try {
                while (src.hasRemaining()) {
                    stopIfAsked(stop);
                    src.limit(src.position() + Math.min(WRITE_PIECE, limit - src.position()));
                    while (src.hasRemaining()) {
                        n += position == CURRENT ? channel.write(src) : channel.write(src, position + n);
                    }
                    src.limit(limit);
                }
            } finally {
                src.limit(limit);
            }
            return n;
        });
    }

    private static void stopIfAsked(StopSignal stop) {
        if (stop.stopped()) {
            throw new CancellationException("cancelled before this step started");
        }
    }

    @Override
    public Promise<Long> transferTo(long position, long count, FileHandle target) {
        FileChannel out = ((PoolFileHandle) target).channel;
        // The JDK turns a file-to-file transferTo into copy_file_range on Linux.
        return PoolFileIo.run(loop, "transferTo", path, () -> {
            long n = 0;
            while (n < count) {
                long k = channel.transferTo(position + n, count - n, out);
                if (k <= 0) {
                    break; // the end of this file
                }
                n += k;
            }
            return n;
        });
    }

    @Override
    public Promise<Long> size() {
        return PoolFileIo.run(loop, "size", path, channel::size);
    }

    @Override
    public Promise<Void> truncate(long size) {
        return PoolFileIo.run(loop, "truncate", path, () -> {
            long now = channel.size();
            if (size < now) {
                channel.truncate(size);
            } else if (size > now) {
                // FileChannel.truncate only shrinks; one zero byte at the new end grows the file (sparse).
                channel.write(ByteBuffer.allocate(1), size - 1);
            }
            return null;
        });
    }

    @Override
    public Promise<Void> force(boolean metadata) {
        return PoolFileIo.run(loop, metadata ? "fsync" : "fdatasync", path, () -> {
            channel.force(metadata);
            return null;
        });
    }

    @Override
    public Promise<Void> close() {
        return PoolFileIo.run(loop, "close", path, () -> {
            channel.close();
            return null;
        });
    }

    /** Closes at once, on the calling thread: for an open whose promise nobody is left to take. */
    void closeNow() {
        try {
            channel.close();
        } catch (java.io.IOException e) {
            // nobody to tell: the handle was never handed out
        }
    }
}
