package io.weft.green;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.file.FileOption;
import io.weft.file.NoSuchPathException;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Blocking-style file calls and offloaded work in green threads: only the green thread waits. */
@Timeout(60)
class GreenFileTest {
    @TempDir
    Path dir;
    EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = EventLoop.create(LoopConfig.builder().threadName("green-file-test").build());
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    @Test
    void writeThenReadBackBlockingStyle() {
        Path p = dir.resolve("g.txt");
        String got = loop.runUntilComplete(loop.spawn(() -> {
            try (GreenFile f = GreenFile.open(p, FileOption.WRITE, FileOption.CREATE)) {
                f.write(ByteBuffer.wrap("hello ".getBytes(StandardCharsets.UTF_8)));
                f.write(ByteBuffer.wrap("green".getBytes(StandardCharsets.UTF_8)));
                f.force(false);
            }
            assertThat(GreenFile.stat(p).size()).isEqualTo(11);
            assertThat(GreenFile.list(dir)).containsExactly(p);
            return new String(GreenFile.readAllBytes(p), StandardCharsets.UTF_8);
        }));
        assertThat(got).isEqualTo("hello green");
    }

    @Test
    void errorsAreThrownAsTheirTypes() {
        Path missing = dir.resolve("missing");
        Promise<Object> p = loop.spawn(() -> GreenFile.open(missing));
        assertThatThrownBy(() -> loop.runUntilComplete(p)).hasCauseInstanceOf(NoSuchPathException.class);
    }

    @Test
    void offloadParksOnlyTheGreenThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int[] ticks = {0};
        Promise<String> worker = loop.spawn(() -> Green.offload(() -> {
            assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            return "blocking work done";
        }));
        // The loop and another green thread go on while the offloaded call waits; then it is released.
        Promise<Void> other = loop.spawn(() -> {
            for (int i = 0; i < 5; i++) {
                Green.sleep(Duration.ofMillis(2));
                ticks[0]++;
            }
            assertThat(worker.isDone()).isFalse();
            release.countDown();
            return null;
        });
        loop.runUntilComplete(other);
        assertThat(ticks[0]).isEqualTo(5);
        assertThat(loop.runUntilComplete(worker)).isEqualTo("blocking work done");
    }

    @Test
    void offloadOutsideAGreenThreadSaysWhatToUse() {
        assertThatThrownBy(() -> Green.offload(() -> 1)).isInstanceOf(WrongThreadException.class)
                .hasMessageContaining("Green.offload").hasMessageContaining("green thread");
    }
}
