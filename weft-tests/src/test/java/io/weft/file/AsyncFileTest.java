package io.weft.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.future.Promise;
import io.weft.testkit.FileContract;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a user of {@link AsyncFile} relies on: the bytes, the positions, callbacks on the loop,
 * close waiting for operations in flight, and errors typed by cause naming the call and path.
 */
class AsyncFileTest extends FileTestSupport {

    @Test
    void positionalWritesAndReadsRoundTrip() throws Exception {
        Path p = dir.resolve("a.bin");
        AsyncFile f = open(p, FileOption.WRITE, FileOption.READ, FileOption.CREATE);
        assertThat(await(f.write(10, ByteBuffer.wrap("world".getBytes())))).isEqualTo(5);
        assertThat(await(f.write(0, ByteBuffer.wrap("hello".getBytes())))).isEqualTo(5);
        assertThat(await(f.size())).isEqualTo(15L);
        ByteBuffer dst = ByteBuffer.allocate(5);
        assertThat(await(f.read(10, dst))).isEqualTo(5);
        assertThat(new String(dst.array(), StandardCharsets.US_ASCII)).isEqualTo("world");
        assertThat(await(f.read(15, ByteBuffer.allocate(4)))).as("at the end").isEqualTo(-1);
        await(f.close());
        byte[] onDisk = Files.readAllBytes(p);
        assertThat(new String(onDisk, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(onDisk).hasSize(15);
    }

    @Test
    void callbacksRunOnTheLoopThread() {
        Path p = dir.resolve("t");
        Thread loopThread = Thread.currentThread(); // the test thread runs the loop
        List<Thread> seen = new ArrayList<>();
        AsyncFile f = open(p, FileOption.WRITE, FileOption.CREATE);
        await(f.write(0, ByteBuffer.wrap(new byte[100])).whenComplete((n, e) -> seen.add(Thread.currentThread())));
        await(f.close().whenComplete((n, e) -> seen.add(Thread.currentThread())));
        assertThat(seen).containsOnly(loopThread);
    }

    @Test
    void sequentialReadsAndWritesFollowTheOffsetAndAppendGoesToTheEnd() throws Exception {
        Path p = dir.resolve("seq");
        AsyncFile w = open(p, FileOption.WRITE, FileOption.CREATE);
        await(w.write(ByteBuffer.wrap("one ".getBytes())));
        await(w.write(ByteBuffer.wrap("two ".getBytes())));
        await(w.close());
        AsyncFile a = open(p, FileOption.APPEND);
        await(a.write(ByteBuffer.wrap("three".getBytes())));
        assertThatThrownBy(() -> a.write(0, ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("APPEND");
        await(a.close());
        AsyncFile r = open(p);
        ByteBuffer first = ByteBuffer.allocate(4);
        await(r.read(first));
        Promise<Integer> second = r.read(ByteBuffer.allocate(64));
        assertThatThrownBy(() -> r.read(ByteBuffer.allocate(1))).as("one sequential call at a time")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("still pending");
        assertThat(await(second)).isEqualTo("two three".length());
        assertThat(new String(first.array(), StandardCharsets.US_ASCII)).isEqualTo("one ");
        await(r.close());
    }

    @Test
    void readAllReadsEveryChunkOfALargeFile() throws Exception {
        // More than two chunks and a short last one, so several reads are in flight at once.
        byte[] content = pattern(2 * 4 * 1024 * 1024 + 12345, 7);
        Path p = dir.resolve("big");
        Files.write(p, content);
        AsyncFile f = open(p);
        ByteBuffer all = await(f.readAll());
        assertThat(all.position()).isZero();
        assertThat(all.remaining()).isEqualTo(content.length);
        byte[] got = new byte[all.remaining()];
        all.get(got);
        assertThat(got).isEqualTo(content);
        assertThat(await(f.readAllBytes())).isEqualTo(content);
        await(f.close());
    }

    @Test
    void readAllOfAnEmptyFileAndOfAProcFileWhoseSizeSaysNothing() {
        Path empty = dir.resolve("empty");
        AsyncFile e = open(empty, FileOption.WRITE, FileOption.CREATE);
        await(e.close());
        AsyncFile f = open(empty);
        assertThat(await(f.readAllBytes())).isEmpty();
        await(f.close());
        AsyncFile proc = open(Path.of("/proc/self/status"));
        String status = new String(await(proc.readAllBytes()), StandardCharsets.US_ASCII);
        assertThat(status).contains("Name:").contains("Pid:");
        await(proc.close());
    }

    @Test
    void readAllIntoAGivenBufferChecksItFits() throws Exception {
        Path p = dir.resolve("fits");
        Files.write(p, pattern(1000, 1));
        AsyncFile f = open(p);
        ByteBuffer small = ByteBuffer.allocate(999);
        Throwable e = awaitFailure(f.readAll(small));
        assertThat(e).isInstanceOf(FileTooLargeException.class).hasMessageContaining("readAll " + p)
                .hasMessageContaining("1000 bytes");
        assertThat(((FileTooLargeException) e).size()).isEqualTo(1000);
        ByteBuffer room = ByteBuffer.allocate(2000).position(100);
        assertThat(await(f.readAll(room))).isEqualTo(1000);
        assertThat(room.position()).isEqualTo(100);
        assertThat(room.limit()).isEqualTo(1100);
        assertThat(room.get(100)).isEqualTo(pattern(1000, 1)[0]);
        await(f.close());
    }

    @Test
    void transferToCopiesInsideTheKernelAtTheTargetsOffset() throws Exception {
        byte[] content = pattern(300_000, 8);
        Path src = Files.write(dir.resolve("src"), content);
        Path dst = dir.resolve("dst");
        AsyncFile from = open(src);
        AsyncFile to = open(dst, FileOption.WRITE, FileOption.CREATE);
        await(to.write(ByteBuffer.wrap("head".getBytes())));
        assertThat(await(from.transferTo(1000, 200_000, to))).isEqualTo(200_000L);
        assertThat(await(from.transferTo(299_000, 5000, to))).as("fewer at the end").isEqualTo(1000L);
        await(from.close());
        await(to.close());
        byte[] expected = new byte[4 + 201_000];
        System.arraycopy("head".getBytes(), 0, expected, 0, 4);
        System.arraycopy(content, 1000, expected, 4, 200_000);
        System.arraycopy(content, 299_000, expected, 200_004, 1000);
        assertThat(Files.readAllBytes(dst)).isEqualTo(expected);
    }

    @Test
    void truncateShrinksAndGrowsAndForceSyncs() throws Exception {
        Path p = dir.resolve("tr");
        AsyncFile f = open(p, FileOption.WRITE, FileOption.CREATE);
        await(f.write(0, ByteBuffer.wrap(pattern(100, 2))));
        await(f.truncate(10));
        assertThat(await(f.size())).isEqualTo(10L);
        await(f.truncate(4096));
        assertThat(await(f.size())).isEqualTo(4096L);
        await(f.fsync());
        await(f.fdatasync());
        await(f.close());
        assertThat(Files.size(p)).isEqualTo(4096);
    }

    @Test
    void closeWaitsForOperationsInFlightAndLaterCallsAreRefused() throws Exception {
        Path p = dir.resolve("cl");
        AsyncFile f = open(p, FileOption.WRITE, FileOption.CREATE);
        List<Promise<Integer>> writes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            writes.add(f.write(i * 4096L, ByteBuffer.wrap(pattern(4096, i))));
        }
        Promise<Void> closed = f.close();
        assertThat(f.close()).as("idempotent").isSameAs(closed);
        await(closed);
        for (Promise<Integer> w : writes) {
            assertThat(w.isDone() && !w.isFailed()).as("every write finished before the close").isTrue();
        }
        assertThat(Files.size(p)).isEqualTo(16 * 4096);
        assertThatThrownBy(() -> f.read(0, ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void anOpenFileRefusesOtherThreads() throws Exception {
        AsyncFile f = open(dir.resolve("x"), FileOption.WRITE, FileOption.CREATE);
        Throwable[] thrown = new Throwable[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                f.size();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        });
        t.join();
        assertThat(thrown[0]).isInstanceOf(WrongThreadException.class).hasMessageContaining("loop.execute");
        await(f.close());
    }

    @Test
    void errorsAreTypedAndNameTheCallAndPath() {
        FileContract.typedErrors(loop, dir, this::await); // the simulated file system runs these too
    }

    @Test
    void aFullDeviceIsNoSpaceLeft() {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "/dev/full is not there to write to");
        AsyncFile f = await(AsyncFile.open(loop, full, FileOption.WRITE));
        FileContract.assertNoSpaceLeft(awaitFailure(f.write(ByteBuffer.wrap(new byte[10]))), "write", full);
        await(f.close());
    }

    @Test
    void permissionDenied() throws Exception {
        Path locked = Files.writeString(dir.resolve("locked"), "secret");
        Files.setPosixFilePermissions(locked, java.util.Set.of());
        assumeTrue(!Files.isReadable(locked), "running as root, which may read anything");
        FileContract.assertPermissionDenied(awaitFailure(AsyncFile.open(loop, locked)), locked);
    }

    @Test
    void pathOperations() throws Exception {
        Path sub = dir.resolve("a/b/c");
        await(AsyncFile.mkdirs(loop, sub));
        await(AsyncFile.mkdirs(loop, sub)); // exists: fine
        Path file = Files.writeString(sub.resolve("f"), "12345");
        FileStat s = await(AsyncFile.stat(loop, file));
        assertThat(s.isFile()).isTrue();
        assertThat(s.size()).isEqualTo(5);
        assertThat(await(AsyncFile.stat(loop, sub)).isDirectory()).isTrue();
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertThat(await(AsyncFile.lstat(loop, link)).type()).isEqualTo(FileStat.Type.SYMBOLIC_LINK);
        assertThat(await(AsyncFile.stat(loop, link)).type()).isEqualTo(FileStat.Type.FILE);
        Path moved = sub.resolve("g");
        await(AsyncFile.rename(loop, file, moved));
        assertThat(await(AsyncFile.list(loop, sub))).containsExactly(moved);
        await(AsyncFile.delete(loop, moved));
        assertThat(await(AsyncFile.list(loop, sub))).isEmpty();
        await(AsyncFile.delete(loop, link));
    }

    @Test
    void directReadAllAlignsItsBuffer() throws Exception {
        byte[] content = pattern(3 * 1024 * 1024 + 100, 3); // not a multiple of the block size
        Path p = Files.write(dir.resolve("direct"), content);
        Promise<AsyncFile> opening = AsyncFile.open(loop, p, FileOption.READ, FileOption.DIRECT);
        AsyncFile f;
        try {
            f = await(opening);
        } catch (java.util.concurrent.CompletionException e) {
            assumeTrue(false, "the test directory's file system has no O_DIRECT: " + e.getCause());
            return;
        }
        assertThat(f.alignment()).isGreaterThan(1);
        ByteBuffer all = await(f.readAll());
        assertThat(all.isDirect()).isTrue();
        byte[] got = new byte[all.remaining()];
        all.get(got);
        assertThat(got).isEqualTo(content);
        assertThatThrownBy(f::readAllBytes).isInstanceOf(IllegalStateException.class);
        await(f.close());
    }
}
