package io.weft.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * Cancelling a large read or write: its promise is cancelled at once, the operation stops before
 * its next step, and the file stays open and usable afterwards (the next call works, and close
 * waits for whatever was still running).
 */
class AsyncFileCancelTest extends FileTestSupport {
    private static final int SIZE = 48 << 20; // 12 chunks of readAll, 6 pieces of a write

    @Test
    void aCancelledReadAllLeavesTheFileUsable() throws Exception {
        byte[] content = pattern(SIZE, 11);
        Path p = Files.write(dir.resolve("big"), content);
        AsyncFile f = open(p);
        Promise<ByteBuffer> all = f.readAll();
        assertThat(all.cancel()).isTrue();
        assertThatThrownBy(() -> await(all)).isInstanceOf(CancellationException.class);
        Promise<byte[]> bytes = f.readAllBytes();
        bytes.cancel();
        assertThatThrownBy(() -> await(bytes)).isInstanceOf(CancellationException.class);

        ByteBuffer again = await(f.readAll());
        byte[] got = new byte[again.remaining()];
        again.get(got);
        assertThat(got).isEqualTo(content);
        ByteBuffer dst = ByteBuffer.allocateDirect(SIZE);
        Promise<Integer> into = f.readAll(dst);
        into.cancel();
        assertThatThrownBy(() -> await(into)).isInstanceOf(CancellationException.class);
        await(f.close()); // waits for any chunk still in hand
    }

    @Test
    void aCancelledWriteLeavesTheFileUsable() throws Exception {
        Path p = dir.resolve("out");
        AsyncFile f = open(p, FileOption.READ, FileOption.WRITE, FileOption.CREATE);
        Promise<Integer> big = f.write(0, ByteBuffer.wrap(pattern(SIZE, 12)));
        big.cancel();
        assertThatThrownBy(() -> await(big)).isInstanceOf(CancellationException.class);
        Promise<Integer> sequential = f.write(ByteBuffer.wrap(pattern(SIZE, 13)));
        sequential.cancel();
        assertThatThrownBy(() -> await(sequential)).isInstanceOf(CancellationException.class);

        // Past where the cancelled writes could reach: a piece of theirs may still be landing.
        assertThat(await(f.write(SIZE + 10, ByteBuffer.wrap("fine".getBytes())))).isEqualTo(4);
        ByteBuffer back = ByteBuffer.allocate(4);
        assertThat(await(f.read(SIZE + 10, back))).isEqualTo(4);
        assertThat(new String(back.array())).isEqualTo("fine");
        await(f.close());
        // How much of a cancelled write landed depends on how far it got: not asserted. That no
        // further step starts after a stop is ChunkedReadStopTest's, without timing.
    }
}
