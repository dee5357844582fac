package io.weft.internal.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stopped {@link ChunkedRead} issues no further read, and settles (cancelled) only once the
 * reads it had issued have ended, since until then they may still write into the buffer. The
 * file is a script whose reads finish when the test says.
 */
class ChunkedReadStopTest {
    final EventLoop loop = EventLoop.create(LoopConfig.builder().exceptionHandler((l, c, e) -> {
        throw new AssertionError(c + ": " + e, e);
    }).build());

    @AfterEach
    void close() {
        loop.close();
    }

    /** Reads that wait until {@link #finish} fills the chunk and completes them. */
    final class ScriptedFile implements FileHandle {
        final List<Promise<Integer>> reads = new ArrayList<>();
        final List<ByteBuffer> into = new ArrayList<>();

        @Override
        public Path path() {
            return Path.of("scripted");
        }

        @Override
        public int alignment() {
            return 1;
        }

        @Override
        public Promise<Integer> read(long position, ByteBuffer dst, StopSignal stop) {
            Promise<Integer> p = loop.newPromise();
            reads.add(p);
            into.add(dst);
            return p;
        }

        void finish(int i) {
            ByteBuffer dst = into.get(i);
            int n = dst.remaining();
            dst.position(dst.limit());
            reads.get(i).complete(n);
        }

        @Override
        public Promise<Integer> write(long position, ByteBuffer src, StopSignal stop) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Promise<Long> transferTo(long position, long count, FileHandle target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Promise<Long> size() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Promise<Void> truncate(long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Promise<Void> force(boolean metadata) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Promise<Void> close() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aStoppedReadStartsNoFurtherChunkAndSettlesAfterTheOnesInHand() {
        ScriptedFile file = new ScriptedFile();
        StopSignal stop = new StopSignal();
        boolean[] quiet = {false};
        Promise<Integer>[] result = new Promise[1];
        Promise<Void> step = loop.newPromise();
        loop.callSoon(() -> {
            result[0] = ChunkedRead.start(loop, file, ByteBuffer.allocate(10 << 10), 10 << 10, 1 << 10, 2, stop,
                    () -> quiet[0] = true);
            step.complete(null);
        });
        run(step);
        assertThat(file.reads).as("depth 2: two chunks in flight").hasSize(2);

        Promise<Void> after = loop.newPromise();
        loop.callSoon(() -> {
            file.finish(0); // a chunk ends while still going: the next one is issued
            loop.callLater(Duration.ofMillis(1), () -> after.complete(null));
        });
        run(after);
        assertThat(file.reads).hasSize(3);

        stop.stop();
        Promise<Void> stopped = loop.newPromise();
        loop.callSoon(() -> {
            file.finish(1);
            loop.callLater(Duration.ofMillis(1), () -> stopped.complete(null));
        });
        run(stopped);
        assertThat(file.reads).as("no chunk after the stop").hasSize(3);
        assertThat(result[0].isDone()).as("one read is still in hand and may write into the buffer").isFalse();
        assertThat(quiet[0]).isFalse();

        Promise<Void> last = loop.newPromise();
        loop.callSoon(() -> {
            file.finish(2);
            loop.callLater(Duration.ofMillis(1), () -> last.complete(null));
        });
        run(last);
        assertThat(file.reads).hasSize(3);
        assertThat(result[0].isCancelled()).isTrue();
        assertThat(result[0].cause()).isInstanceOf(CancellationException.class);
        assertThat(quiet[0]).isTrue();
    }

    private <T> T run(Promise<T> p) {
        return loop.runUntilComplete(p.withTimeout(Duration.ofSeconds(20)));
    }
}
