package io.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileDescriptorsTest {

    @Test
    void countSeesDescriptorsOpenAndClose() throws IOException {
        assertThat(FileDescriptors.supported()).isTrue();
        int before = FileDescriptors.count();
        Pipe pipe = Pipe.open();
        try {
            assertThat(FileDescriptors.count()).isEqualTo(before + 2);
            assertThat(FileDescriptors.open().values()).filteredOn(t -> t.startsWith("pipe:")).hasSizeGreaterThanOrEqualTo(2);
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
        assertThat(FileDescriptors.count()).isEqualTo(before);
    }

    @Test
    void assertNoLeakPassesWhenTheBlockClosesWhatItOpens() throws IOException {
        FileDescriptors.assertNoLeak(() -> {
            Pipe pipe = Pipe.open();
            pipe.source().close();
            pipe.sink().close();
        });
    }

    @Test
    void assertNoLeakFailsAndSaysWhatLeaked() throws IOException {
        Pipe[] leaked = new Pipe[1];
        try {
            assertThatThrownBy(() -> FileDescriptors.assertNoLeak(Duration.ofMillis(20), () -> leaked[0] = Pipe.open()))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("2 file descriptor(s) leaked")
                    .hasMessageContaining("pipe:");
        } finally {
            leaked[0].source().close();
            leaked[0].sink().close();
        }
    }

    @Test
    void assertNoLeakWaitsForACloseThatComesLate() throws Exception {
        Pipe pipe = Pipe.open();
        Thread[] closer = new Thread[1];
        FileDescriptors.assertNoLeak(() -> {
            Pipe inner = Pipe.open();
            // Closed by another thread after the block has returned.
            closer[0] = Thread.ofPlatform().unstarted(() -> {
                try {
                    inner.source().close();
                    inner.sink().close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            closer[0].start();
        });
        closer[0].join();
        pipe.source().close();
        pipe.sink().close();
    }
}
