package io.weft.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.testkit.FileDescriptors.Kind;
import io.weft.testkit.FileDescriptors.Snapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
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

    @Test
    void kindsAreReadFromTheLinkTarget() {
        assertThat(Kind.of("socket:[4242]")).isEqualTo(Kind.SOCKET);
        assertThat(Kind.of("pipe:[4243]")).isEqualTo(Kind.PIPE);
        assertThat(Kind.of("anon_inode:[eventpoll]")).isEqualTo(Kind.EPOLL);
        assertThat(Kind.of("anon_inode:[eventfd]")).isEqualTo(Kind.EVENTFD);
        assertThat(Kind.of("anon_inode:[io_uring]")).isEqualTo(Kind.IO_URING);
        assertThat(Kind.of("anon_inode:[timerfd]")).isEqualTo(Kind.ANON_INODE);
        assertThat(Kind.of("anon_inode:inotify")).isEqualTo(Kind.ANON_INODE);
        assertThat(Kind.of("/home/u/.m2/repository/a/b.jar")).isEqualTo(Kind.JAR);
        assertThat(Kind.of("/dev/null")).isEqualTo(Kind.FILE);
        assertThat(Kind.of("net:[4026531840]")).isEqualTo(Kind.OTHER);
        assertThat(FileDescriptors.NOT_FILES).doesNotContain(Kind.FILE, Kind.JAR).contains(Kind.OTHER, Kind.EPOLL);
        assertThat(FileDescriptors.NOT_JARS).doesNotContain(Kind.JAR).contains(Kind.FILE);
    }

    @Test
    void countsByKindSeeSocketsPipesEpollAndEventfd() throws IOException {
        Map<Kind, Integer> before = FileDescriptors.countByKind();
        // A JDK selector on Linux is an epoll instance woken through an eventfd.
        try (Selector selector = Selector.open();
                ServerSocketChannel server = ServerSocketChannel.open()) {
            Pipe pipe = Pipe.open();
            try {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                Map<Kind, Integer> now = FileDescriptors.countByKind();
                assertThat(delta(before, now, Kind.SOCKET)).isEqualTo(1);
                assertThat(delta(before, now, Kind.PIPE)).isEqualTo(2);
                assertThat(delta(before, now, Kind.EPOLL)).isEqualTo(1);
                assertThat(delta(before, now, Kind.EVENTFD)).isEqualTo(1);
                assertThat(FileDescriptors.count(EnumSet.of(Kind.EPOLL, Kind.EVENTFD)))
                        .isEqualTo(before.getOrDefault(Kind.EPOLL, 0) + before.getOrDefault(Kind.EVENTFD, 0) + 2);
                assertThat(FileDescriptors.open(EnumSet.of(Kind.SOCKET)).values()).allMatch(t -> t.startsWith("socket:"));
            } finally {
                pipe.source().close();
                pipe.sink().close();
            }
        }
        assertThat(FileDescriptors.countByKind()).isEqualTo(before);
    }

    @Test
    void aSnapshotSeesADescriptorThatReplacedAClosedOne() throws IOException {
        // Counts would balance: one pipe end closed, one socket opened in its place.
        Pipe pipe = Pipe.open();
        Snapshot before = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
        pipe.source().close();
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            assertThat(FileDescriptors.count(FileDescriptors.NOT_FILES)).isEqualTo(before.descriptors().size());
            assertThat(before.openedSince().values()).singleElement().asString().startsWith("socket:");
            assertThatThrownBy(() -> before.assertNoneLeaked(Duration.ZERO)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("1 file descriptor(s) leaked").hasMessageContaining("socket:[");
        } finally {
            pipe.sink().close();
        }
        before.assertNoneLeaked(Duration.ZERO);
    }

    @Test
    void aSnapshotWatchesOnlyItsKinds() throws IOException {
        Snapshot sockets = FileDescriptors.snapshot(EnumSet.of(Kind.SOCKET));
        Snapshot files = FileDescriptors.snapshot(FileDescriptors.NOT_JARS);
        try (FileChannel devNull = FileChannel.open(Path.of("/dev/null"))) {
            sockets.assertNoneLeaked(Duration.ZERO);
            assertThatThrownBy(() -> files.assertNoneLeaked(Duration.ZERO)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("/dev/null");
        }
    }

    @Test
    void aLeakedListeningSocketIsDescribedByItsKernelRow() throws IOException {
        Snapshot before = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) s.getLocalAddress()).getPort();
            // 127.0.0.1 as /proc/net/tcp writes it, or as an IPv4-mapped address in tcp6.
            String local = String.format("0100007F:%04X -> ", port);
            assertThatThrownBy(() -> before.assertNoneLeaked(Duration.ZERO)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining(local).hasMessageContaining("LISTEN");
        }
    }

    private static int delta(Map<Kind, Integer> before, Map<Kind, Integer> after, Kind kind) {
        return after.getOrDefault(kind, 0) - before.getOrDefault(kind, 0);
    }
}
