package io.weft.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.future.Promise;
import io.weft.internal.io.completion.uring.UringFiles;
import io.weft.internal.io.completion.uring.UringProbe;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the io_uring file backend does: its reads are cancelled in the kernel (a read of a
 * FIFO with no writer ends when cancelled, which on the pool it cannot), cancelling thousands of
 * reads in flight leaks nothing (no operation left in the ring, no descriptor), a loop closed
 * with reads in the kernel drains them, and the ring's errors get the same types as the pool's.
 * The backend-neutral behaviour is the @EveryBackend suite's (AsyncFileTest and the rest).
 */
class UringFileTest {
    @TempDir
    Path dir;
    EventLoop loop;
    final List<String> reports = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void openLoop() {
        // The kernel's answer, not Drivers.status: this runs while io_uring is held back from the suite.
        UringProbe.Result s = UringProbe.result();
        assumeTrue(s.ok(), () -> "io_uring cannot run here: " + s.reason());
        loop = EventLoop.create(LoopConfig.builder().poller(PollerKind.IO_URING)
                .exceptionHandler((l, context, error) -> reports.add(context + ": " + error)).build());
        assumeTrue(UringFiles.of(loop) != null, "this ring has no file opcodes");
    }

    @org.junit.jupiter.api.AfterEach
    void closeLoop() throws Exception {
        if (loop != null) {
            loop.close();
        }
        assertThat(reports).as("exceptions reported to the loop's handler").isEmpty();
        if (dir != null) {
            assertThat(FileTestSupport.openUnder(dir)).as("descriptors still open under the test directory").isEmpty();
        }
    }

    <T> T await(Promise<T> p) {
        return loop.runUntilComplete(p);
    }

    /** Runs the loop for one turn of queued work: what was submitted is in the kernel after it. */
    private void turn() {
        Promise<Void> p = loop.newPromise();
        loop.execute(() -> p.complete(null));
        await(p);
    }

    private UringFiles ring() {
        return UringFiles.of(loop);
    }

    /** A count read on the loop's thread (the ring's bookkeeping is the loop's). */
    private int onLoop(java.util.function.IntSupplier count) {
        Promise<Integer> p = loop.newPromise();
        loop.execute(() -> p.complete(count.getAsInt()));
        return await(p);
    }

    private int inFlight() {
        return onLoop(() -> ring().inFlight());
    }

    @Test
    void theRingIsTheBackendOnIoUringAndThePoolElsewhere() {
        assertThat(ring()).isNotNull();
        try (EventLoop nio = EventLoop.create(LoopConfig.builder().poller(PollerKind.NIO).build())) {
            assertThat(UringFiles.of(nio)).isNull();
        }
    }

    @Test
    void aCancelledReadOfAFifoWithNoWriterEnds() throws Exception {
        Path fifo = dir.resolve("fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "no mkfifo");
        for (int i = 0; i < 200; i++) {
            // O_RDWR: the open itself does not wait for a writer, and no writer ever comes.
            AsyncFile f = await(AsyncFile.open(loop, fifo, FileOption.READ, FileOption.WRITE));
            Promise<Integer> read = i % 2 == 0 ? f.read(ByteBuffer.allocateDirect(4096)) : f.read(ByteBuffer.allocate(10));
            turn(); // the read is in the kernel now
            assertThat(read.cancel()).isTrue();
            assertThatThrownBy(() -> await(read)).isInstanceOf(CancellationException.class);
            // close waits for the read to end in the kernel: on the pool it would wait for a writer
            await(f.close());
        }
        assertThat(inFlight()).isZero();
    }

    @Test
    void cancellingReadsInFlightThousandsOfTimesLeaksNothing() throws Exception {
        byte[] content = FileTestSupport.pattern(9 << 20, 5);
        Path p = Files.write(dir.resolve("big"), content);
        int fdsBefore = fdCount();
        ByteBuffer mine = ByteBuffer.allocateDirect(content.length);
        for (int i = 0; i < 2000; i++) {
            AsyncFile f = await(AsyncFile.open(loop, p));
            List<Promise<?>> ops = new ArrayList<>();
            ops.add(f.readAll());
            ops.add(f.readAll(mine.clear()));
            ops.add(f.read(i * 4096L, ByteBuffer.allocate(64 << 10)));
            ops.add(f.read(i * 4096L, ByteBuffer.allocateDirect(64 << 10)));
            if (i % 2 == 1) {
                turn(); // let them reach the kernel before the cancel
            }
            ops.forEach(Promise::cancel);
            Promise<Void> closed = f.close(); // waits for every CQE of the cancelled reads
            await(closed);
            for (Promise<?> op : ops) {
                assertThat(op.isDone()).isTrue();
            }
        }
        assertThat(inFlight()).as("operations left in the ring").isZero();
        assertThat(onLoop(() -> ring().openDescriptors())).isZero();
        assertThat(fdCount()).as("descriptors of the process").isLessThanOrEqualTo(fdsBefore + 2);
        // and the file still reads whole afterwards
        AsyncFile f = await(AsyncFile.open(loop, p));
        ByteBuffer all = await(f.readAll());
        byte[] got = new byte[all.remaining()];
        all.get(got);
        assertThat(got).isEqualTo(content);
        await(f.close());
    }

    @Test
    void closingTheLoopWithReadsInTheKernelDrainsThem() throws Exception {
        Path fifo = dir.resolve("fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "no mkfifo");
        AsyncFile f = await(AsyncFile.open(loop, fifo, FileOption.READ, FileOption.WRITE));
        Promise<Integer> read = f.read(ByteBuffer.allocateDirect(4096));
        turn();
        assertThat(inFlight()).isEqualTo(1);
        loop.close(); // cancels the read, drains its CQE, closes the descriptor nobody closed
        assertThat(read.isDone()).as("the read's promise never settles: its loop is gone").isFalse();
        assertThat(FileTestSupport.openUnder(dir)).isEmpty();
    }

    @Test
    void shortReadsAtTheEndOfTheFile() throws Exception {
        Path p = Files.write(dir.resolve("short"), FileTestSupport.pattern(10_000, 2));
        AsyncFile f = await(AsyncFile.open(loop, p));
        ByteBuffer direct = ByteBuffer.allocateDirect(4096);
        assertThat(await(f.read(9000, direct))).isEqualTo(1000);
        assertThat(direct.position()).isEqualTo(1000);
        ByteBuffer heap = ByteBuffer.allocate(4096).position(10);
        assertThat(await(f.read(9500, heap))).isEqualTo(500);
        assertThat(heap.position()).isEqualTo(510);
        assertThat(heap.get(10)).isEqualTo(FileTestSupport.pattern(10_000, 2)[9500]);
        assertThat(await(f.read(10_000, ByteBuffer.allocate(1)))).isEqualTo(-1);
        assertThat(await(f.read(1 << 30, ByteBuffer.allocateDirect(1)))).isEqualTo(-1);
        assertThat(await(f.read(0, ByteBuffer.allocate(0)))).as("nothing asked").isZero();
        ByteBuffer seq = ByteBuffer.allocate(8192);
        assertThat(await(f.read(seq))).isEqualTo(8192);
        assertThat(await(f.read(seq.clear()))).isEqualTo(10_000 - 8192);
        assertThat(await(f.read(seq.clear()))).isEqualTo(-1);
        await(f.close());
    }

    @Test
    void ringErrorsAreTyped() throws Exception {
        Path missing = dir.resolve("nope");
        assertThat(failure(AsyncFile.open(loop, missing))).isInstanceOf(NoSuchPathException.class)
                .hasMessage("open " + missing + ": no such file or directory");
        assertThat(failure(AsyncFile.stat(loop, missing))).isInstanceOf(NoSuchPathException.class)
                .hasMessageStartingWith("stat " + missing);
        assertThat(failure(AsyncFile.open(loop, dir))).isInstanceOf(IsADirectoryException.class);
        assertThat(failure(AsyncFile.open(loop, dir, FileOption.WRITE))).isInstanceOf(IsADirectoryException.class)
                .hasMessageStartingWith("open " + dir);
        Path notes = Path.of("/sys/kernel/notes"); // read-only even for root: sysfs has no store for it
        if (Files.exists(notes)) {
            assertThat(failure(AsyncFile.open(loop, notes, FileOption.WRITE))).isInstanceOf(PermissionDeniedException.class)
                    .hasMessage("open " + notes + ": permission denied");
        }
        Path full = Path.of("/dev/full");
        if (Files.isWritable(full)) {
            AsyncFile f = await(AsyncFile.open(loop, full, FileOption.WRITE));
            assertThat(failure(f.write(ByteBuffer.wrap(new byte[10])))).isInstanceOf(NoSpaceLeftException.class)
                    .hasMessage("write /dev/full: no space left on device");
            assertThat(failure(f.write(0, ByteBuffer.allocateDirect(10)))).isInstanceOf(NoSpaceLeftException.class);
            await(f.close());
        }
    }

    private Throwable failure(Promise<?> p) {
        try {
            Object v = await(p);
            throw new AssertionError("expected a failure, got " + v);
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    private static int fdCount() {
        String[] fds = new java.io.File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }
}
