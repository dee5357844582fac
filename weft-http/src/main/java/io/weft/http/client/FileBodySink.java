package io.weft.http.client;

import io.weft.file.AsyncFile;
import io.weft.file.FileOption;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * A response body written to a file without blocking the loop: the file is opened and written
 * through {@link AsyncFile} (the offload pool) while the body arrives. Bytes that arrived but are
 * not written yet wait here, copied; above {@link #HIGH} of them the exchange stops reading from
 * the server (through the {@link BodySink.Flow} the exchange attaches), and it reads again once
 * they are down to {@link #LOW}, so memory stays bounded however slow the disk. Waiting bytes go out as one write of up to {@link #HIGH}.
 *
 * <p>{@link #finished()} completes once the whole body is in the file and the file is closed
 * (after {@link #onEnd()}), or fails with the file's error; {@link #abandon()} closes the file
 * after the writes in flight when the exchange fails. Loop thread only.
 */
public final class FileBodySink implements BodySink {
    /** Bytes waiting for the file above which reading from the server pauses. */
    static final int HIGH = 1 << 20;
    static final int LOW = HIGH / 4;

    private final Promise<Void> finished;
    private final ArrayDeque<ByteBuffer> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private AsyncFile file;
    private Flow gate;
    private boolean paused;
    private boolean writing;
    private boolean ended;
    private boolean abandoned;
    private Throwable failure;

    private FileBodySink(EventLoop loop) {
        this.finished = loop.newPromise();
    }

    /** Starts opening {@code path} with {@code options}; bytes may arrive meanwhile. */
    public static FileBodySink open(EventLoop loop, Path path, Set<FileOption> options) {
        FileBodySink s = new FileBodySink(loop);
        AsyncFile.open(loop, path, options).whenComplete((f, e) -> {
            if (e != null) {
                s.failed(e);
            } else {
                s.file = f;
                if (s.abandoned || s.failure != null) {
                    f.close();
                } else {
                    s.drain();
                }
            }
        });
        return s;
    }

    @Override
    public void attach(Flow flow) {
        this.gate = flow;
    }

    /** Completes once every byte is in the file and it is closed. */
    public Promise<Void> finished() {
        return finished;
    }

    @Override
    public void onData(ByteBuffer data) throws IOException {
        if (failure != null) {
            throw failure instanceof IOException io ? io : new IOException(failure);
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        waiting.add(copy);
        waitingBytes += copy.remaining();
        if (!paused && waitingBytes > HIGH && gate != null) {
            paused = true;
            gate.pause();
        }
        drain();
    }

    @Override
    public void onEnd() {
        ended = true;
        drain();
    }

    /** The exchange failed or was cancelled: close the file once the writes in flight are done. */
    public void abandon() {
        abandoned = true;
        waiting.clear();
        waitingBytes = 0;
        if (file != null && !writing) {
            file.close();
        }
    }

    private void drain() {
        if (file == null || writing || abandoned || failure != null) {
            return;
        }
        if (waiting.isEmpty()) {
            if (ended) {
                file.close().whenComplete((v, e) -> {
                    if (e != null) {
                        finished.fail(e);
                    } else {
                        finished.complete(null);
                    }
                });
                file = null;
            }
            return;
        }
        ByteBuffer out = waiting.size() == 1 ? waiting.poll() : merge();
        int n = out.remaining();
        writing = true;
        file.write(out).whenComplete((k, e) -> {
            writing = false;
            waitingBytes -= n;
            if (e != null) {
                failed(e);
                return;
            }
            if (abandoned) {
                file.close();
                return;
            }
            if (paused && waitingBytes <= LOW && gate != null) {
                paused = false;
                gate.resume();
            }
            drain();
        });
    }

    /** The waiting buffers as one, up to {@link #HIGH} bytes (and at least the first). */
    private ByteBuffer merge() {
        long size = 0;
        for (ByteBuffer b : waiting) {
            if (size > 0 && size + b.remaining() > HIGH) {
                break;
            }
            size += b.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        while (out.hasRemaining()) {
            out.put(waiting.poll());
        }
        return out.flip();
    }

    private void failed(Throwable e) {
        failure = e;
        finished.fail(e);
        if (file != null && !writing) {
            file.close();
            file = null;
        }
    }
}
