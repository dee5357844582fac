package io.weft.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.future.Promise;
import io.weft.testkit.FileContract;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncFile#copy}: the bytes arrive whole (inside the kernel, or through the fallback
 * where the kernel cannot copy), progress is heard on the loop, failures are typed and name the
 * path at fault, a copy onto itself destroys nothing, and cancelling stops the copy with both
 * files closed.
 */
class AsyncFileCopyTest extends FileTestSupport {

    @Test
    void copiesEveryByteAndReportsProgressOnTheLoop() throws Exception {
        byte[] content = pattern(20 << 20 | 12345, 3); // more than one 16 MiB kernel call
        Path src = Files.write(dir.resolve("src"), content);
        Path dst = Files.writeString(dir.resolve("dst"), "an old, longer target that is truncated".repeat(1000));
        List<Long> heard = new ArrayList<>();
        long n = await(AsyncFile.copy(loop, src, dst, copied -> {
            assertThat(loop.inLoop()).as("progress runs on the loop").isTrue();
            heard.add(copied);
        }));
        assertThat(n).isEqualTo(content.length);
        assertThat(Files.readAllBytes(dst)).isEqualTo(content);
        assertThat(heard).isNotEmpty().isSorted().last().isEqualTo((long) content.length);
        assertThat(await(AsyncFile.copy(loop, Files.write(dir.resolve("empty"), new byte[0]), dir.resolve("empty2"))))
                .isZero();
        assertThat(dir.resolve("empty2")).exists().isEmptyFile();
    }

    @Test
    void aFifoSourceIsCopiedThroughTheFallback() throws Exception {
        Path fifo = dir.resolve("in.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo is not available");
        Thread writer = Thread.ofPlatform().daemon().name("fifo-writer").start(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) { // waits for the copy to open it
                out.write("hello, pipe".getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Path dst = dir.resolve("dst");
        assertThat(await(AsyncFile.copy(loop, fifo, dst))).isEqualTo(11L);
        assertThat(Files.readString(dst)).isEqualTo("hello, pipe");
        writer.join(10_000);
    }

    @Test
    void failuresAreTypedAndNameThePathAtFault() throws Exception {
        Path src = Files.writeString(dir.resolve("src"), "precious");
        Path missing = dir.resolve("missing");
        assertThat(awaitFailure(AsyncFile.copy(loop, missing, dir.resolve("x")))).isInstanceOf(NoSuchPathException.class)
                .hasMessageStartingWith("copy " + missing + ":");
        Path noDir = dir.resolve("no/such/dir/x");
        assertThat(((FileException) awaitFailure(AsyncFile.copy(loop, src, noDir)))).isInstanceOf(NoSuchPathException.class)
                .extracting(FileException::path).isEqualTo(noDir);
        assertThat(awaitFailure(AsyncFile.copy(loop, dir, dir.resolve("y")))).isInstanceOf(IsADirectoryException.class);
        assertThat(awaitFailure(AsyncFile.copy(loop, src, dir))).isInstanceOf(IsADirectoryException.class)
                .extracting(e -> ((FileException) e).path()).isEqualTo(dir);
        assertThat(awaitFailure(AsyncFile.copy(loop, src, dir.resolve(".").resolve("src"))))
                .isInstanceOf(FileException.class).hasMessageContaining("is the same file");
        assertThat(Files.readString(src)).as("a copy onto itself truncates nothing").isEqualTo("precious");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void aFullDeviceIsNoSpaceLeftNamingTheTarget() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "/dev/full is not there to write to");
        Path src = Files.write(dir.resolve("src"), pattern(100_000, 4));
        FileContract.assertNoSpaceLeft(awaitFailure(AsyncFile.copy(loop, src, full)), "copy", full);
    }

    @Test
    void cancellingStopsTheCopyWithinOneCallAndClosesBothFiles() throws Exception {
        // A FIFO source: the copy can take only what the writer gives it, so how far it gets
        // after the cancel does not depend on timing.
        Path fifo = dir.resolve("in.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo is not available");
        int step = 64 << 20; // one progress report's worth
        CountDownLatch cancelled = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().daemon().name("fifo-writer").start(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                byte[] mib = pattern(1 << 20, 5);
                for (int i = 0; i < step >> 20; i++) {
                    out.write(mib);
                }
                cancelled.await(30, TimeUnit.SECONDS);
                for (int i = 0; i < 8; i++) {
                    out.write(mib); // the copy takes at most one buffer of this, then stops reading
                }
            } catch (IOException stoppedReading) {
                // EPIPE once the copy has closed its end: expected
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Path dst = dir.resolve("dst");
        Promise<Long>[] copy = new Promise[1];
        List<Long> heard = new ArrayList<>();
        copy[0] = AsyncFile.copy(loop, fifo, dst, copied -> {
            heard.add(copied);
            copy[0].cancel();
            cancelled.countDown();
        });
        assertThatThrownBy(() -> await(copy[0])).isInstanceOf(CancellationException.class);
        await(closedUnder(dir)); // the copy closes both files on the pool after the cancel
        writer.join(10_000);
        assertThat(heard).containsExactly((long) step);
        assertThat(Files.size(dst)).as("one buffer at most after the cancel")
                .isBetween((long) step, (long) step + (1 << 20));
        // The target is usable again.
        Path src = Files.write(dir.resolve("src"), pattern(1000, 6));
        assertThat(await(AsyncFile.copy(loop, src, dst))).isEqualTo(1000L);
        assertThat(Files.readAllBytes(dst)).isEqualTo(Files.readAllBytes(src));
    }

    /** Settles once no descriptor under {@code root} is open, looking every 10 ms on the loop. */
    private Promise<Void> closedUnder(Path root) {
        Promise<Void> done = loop.newPromise();
        Runnable[] look = new Runnable[1];
        look[0] = () -> {
            try {
                if (openUnder(root).isEmpty()) {
                    done.complete(null);
                } else {
                    loop.callLater(java.time.Duration.ofMillis(10), look[0]);
                }
            } catch (Exception e) {
                done.fail(e);
            }
        };
        look[0].run();
        return done;
    }
}
