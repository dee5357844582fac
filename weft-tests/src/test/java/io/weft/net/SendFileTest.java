package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.file.AsyncFile;
import io.weft.file.FileOption;
import io.weft.future.Promise;
import io.weft.loop.PollerKind;
import io.weft.stream.ConnectionClosedException;
import io.weft.testkit.FileDescriptors;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files to sockets and back with bounded memory, on every backend: {@link Transport#sendFile}
 * (zero copy on epoll and NIO, the copy loop where the backend has none) and
 * {@link AsyncFile#writeFrom} (which pauses reading while the file lags), each handing the
 * connection back to its protocol afterwards. No descriptor of a test file stays open after a
 * send, whichever way it ended.
 */
class SendFileTest extends NetTestSupport {
    @TempDir
    Path dir;

    Path file(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    /** A file of several MiB (just written, so in the page cache) arrives byte for byte. */
    @Test
    void aCachedFileOfSeveralMiBArrivesByteIdentical() throws Exception {
        byte[] content = pattern(6 << 20, 5);
        AsyncFile f = await(AsyncFile.open(loop, file("big.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server)));
        Transport t = await(made(Recorder.class)).transport();
        Protocol before = t.protocol();
        CompletableFuture<byte[]> got = peer.readToEof();
        assertThat(await(t.sendFile(f, 0, content.length))).isEqualTo(content.length);
        assertThat(t.protocol()).as("the connection's protocol afterwards").isSameAs(before);
        t.close();
        assertThat(await(Promise.from(loop, got))).isEqualTo(content);
        await(f.close());
        await(until(() -> openUnder(dir).isEmpty()));
    }

    @Test
    void sendFileSendsExactlyTheRangesAskedFor() throws Exception {
        byte[] content = pattern(700_000, 6);
        AsyncFile f = await(AsyncFile.open(loop, file("range.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server)));
        Transport t = await(made(Recorder.class)).transport();
        CompletableFuture<byte[]> got = peer.readToEof();
        assertThat(await(t.sendFile(f, 1000, 600_000))).isEqualTo(600_000);
        assertThat(await(t.sendFile(f, 5, 0))).as("an empty range").isEqualTo(0);
        assertThat(await(t.sendFile(f, content.length - 1, 1))).as("the last byte").isEqualTo(1);
        assertThat(await(t.sendFile(f, content.length, 0))).as("an empty range at the end").isEqualTo(0);
        t.write("!".getBytes());
        t.close();
        byte[] expected = Arrays.copyOf(Arrays.copyOfRange(content, 1000, 601_000), 600_002);
        expected[600_000] = content[content.length - 1];
        expected[600_001] = '!';
        assertThat(await(Promise.from(loop, got))).isEqualTo(expected);
        await(f.close());
    }

    @Test
    void sendFilePastTheEndFailsAndSaysWhere() throws Exception {
        AsyncFile f = await(AsyncFile.open(loop, file("short.bin", pattern(1000, 1))));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        closeLater(RawPeer.connect(address(server)));
        Transport t = await(made(Recorder.class)).transport();
        Throwable e = awaitFailure(t.sendFile(f, 0, 5000));
        assertThat(e).isInstanceOf(EOFException.class).hasMessageContaining("ended at byte 1000");
        await(f.close());
        await(until(() -> openUnder(dir).isEmpty()));
    }

    @Test
    void aFileThatIsNotThereFailsTyped() throws Exception {
        Path p = file("gone.bin", pattern(10, 1));
        AsyncFile f = await(AsyncFile.open(loop, p));
        Files.delete(p); // the zero-copy path opens the path again: it is gone now
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        closeLater(RawPeer.connect(address(server)));
        Transport t = await(made(Recorder.class)).transport();
        Promise<Long> sent = t.sendFile(f, 0, 10);
        try {
            assertThat(await(sent)).as("the copy path reads the open file, which is still there").isEqualTo(10);
        } catch (java.util.concurrent.CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(io.weft.file.NoSuchPathException.class).hasMessageContaining("gone.bin");
        }
        await(f.close());
    }

    /**
     * Bytes written before sendFile go first, even when they are still queued (the peer reads
     * nothing at first); bytes written in the promise's callback go after; a write while it runs
     * is refused, not interleaved.
     */
    @Test
    void writeThenSendFileThenWriteKeepsOrder() throws Exception {
        byte[] head = pattern(8 << 20, 7);
        byte[] content = pattern(2 << 20, 8);
        AsyncFile f = await(AsyncFile.open(loop, file("order.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server), 16 * 1024));
        Transport t = await(made(Recorder.class)).transport();
        t.write(head);
        assertThat(t.writeBufferSize()).as("the head is still queued (the peer reads nothing yet)").isPositive();
        Promise<Long> sent = t.sendFile(f, 0, content.length);
        assertThatThrownBy(() -> t.write("x".getBytes())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("while sendFile runs");
        assertThatThrownBy(() -> t.sendFile(f, 0, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another sendFile");
        Promise<Void> tail = loop.newPromise();
        sent.whenComplete((n, e) -> {
            t.write("TAIL".getBytes());
            t.close();
            tail.complete(null);
        });
        CompletableFuture<byte[]> got = peer.readToEof();
        assertThat(await(sent)).isEqualTo(content.length);
        await(tail);
        byte[] expected = new byte[head.length + content.length + 4];
        System.arraycopy(head, 0, expected, 0, head.length);
        System.arraycopy(content, 0, expected, head.length, content.length);
        System.arraycopy("TAIL".getBytes(), 0, expected, head.length + content.length, 4);
        assertThat(await(Promise.from(loop, got))).isEqualTo(expected);
        await(f.close());
    }

    /**
     * A peer that reads nothing holds the send back: 32 MiB cannot fit in the kernel's socket
     * buffers (a 16 KiB receive buffer, a send buffer of at most tcp_wmem's 4 MiB), so the
     * promise is still pending, and the transport's own buffer stays near its high-water mark
     * (zero copy: empty).
     */
    @Test
    void aPausedReaderGetsBackpressureWithBoundedMemory() throws Exception {
        byte[] content = pattern(32 << 20, 5);
        AsyncFile f = await(AsyncFile.open(loop, file("slow.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server), 16 * 1024));
        Transport t = await(made(Recorder.class)).transport();
        long[] maxBuffered = {0};
        boolean[] sampling = {true};
        Runnable[] sample = new Runnable[1];
        sample[0] = () -> {
            maxBuffered[0] = Math.max(maxBuffered[0], t.writeBufferSize());
            if (sampling[0]) {
                loop.callLater(Duration.ofMillis(1), sample[0]);
            }
        };
        loop.callSoon(sample[0]);
        Promise<Long> sent = t.sendFile(f, 0, content.length);
        await(after(Duration.ofMillis(300)));
        assertThat(sent.isDone()).as("32 MiB sent to a peer that reads nothing").isFalse();
        CompletableFuture<byte[]> got = peer.readToEof();
        assertThat(await(sent)).isEqualTo(content.length);
        sampling[0] = false;
        t.close();
        assertThat(await(Promise.from(loop, got))).isEqualTo(content);
        assertThat(maxBuffered[0]).as("buffered at most the high-water mark and one chunk")
                .isLessThanOrEqualTo(64 * 1024 + 256 * 1024);
        await(f.close());
    }

    /** A peer that resets mid-file: the promise fails with the reset, typed; nothing stays open. */
    @Test
    void aPeerResetMidSendFileFailsThePromiseTyped() throws Exception {
        byte[] content = pattern(32 << 20, 3);
        AsyncFile f = await(AsyncFile.open(loop, file("reset.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server), 16 * 1024));
        CheckedProtocol<Recorder> c = await(made(Recorder.class));
        Promise<Long> sent = c.transport().sendFile(f, 0, content.length);
        byte[] first = await(offLoop(() -> peer.readExactly(100_000)));
        assertThat(first).isEqualTo(Arrays.copyOf(content, 100_000));
        peer.reset();
        Throwable e = awaitFailure(sent);
        assertThat(e).isInstanceOf(ConnectionResetException.class);
        assertThat(await(c.lost())).isInstanceOf(ConnectionResetException.class);
        await(f.close());
        await(until(() -> openUnder(dir).isEmpty()));
    }

    /** close() while the file is on its way stops it: the promise fails, the connection closes. */
    @Test
    void closeDuringSendFileStopsItAndCloses() throws Exception {
        byte[] content = pattern(32 << 20, 2);
        AsyncFile f = await(AsyncFile.open(loop, file("close.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server), 16 * 1024));
        CheckedProtocol<Recorder> c = await(made(Recorder.class));
        Promise<Long> sent = c.transport().sendFile(f, 0, content.length);
        await(offLoop(() -> peer.readExactly(100_000)));
        c.transport().close();
        assertThat(awaitFailure(sent)).isInstanceOf(ConnectionClosedException.class).hasMessageContaining("close()");
        CompletableFuture<Long> rest = peer.countToEnd();
        await(c.lost());
        assertThat(await(Promise.from(loop, rest))).as("the peer sees an end before the file's").isLessThan(content.length);
        await(f.close());
        await(until(() -> openUnder(dir).isEmpty()));
    }

    /** Cancelling the promise stops the send and releases the file; the connection stays the protocol's. */
    @Test
    void cancellingTheSendStopsIt() throws Exception {
        byte[] content = pattern(32 << 20, 4);
        AsyncFile f = await(AsyncFile.open(loop, file("cancel.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server), 16 * 1024));
        CheckedProtocol<Recorder> c = await(made(Recorder.class));
        Promise<Long> sent = c.transport().sendFile(f, 0, content.length);
        await(offLoop(() -> peer.readExactly(100_000)));
        assertThat(sent.cancel()).isTrue();
        spin(3);
        assertThat(c.isLost()).as("cancelling the send leaves the connection open").isFalse();
        c.transport().abort();
        await(c.lost());
        await(f.close());
        await(until(() -> openUnder(dir).isEmpty()));
    }

    /**
     * Zero copy on every backend here (sendfile on epoll, transferTo on NIO and poll, splice rounds
     * through a pipe on io_uring): no byte of the file passes through the transport's write queue,
     * and the copy loop never stands in as the protocol. On io_uring the pipe is open while the file
     * goes out and closed once it is done.
     */
    @Test
    void theFileNeverPassesThroughTheWriteQueue() throws Exception {
        byte[] content = pattern(32 << 20, 11);
        AsyncFile f = await(AsyncFile.open(loop, file("zero.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server), 16 * 1024));
        Transport t = await(made(Recorder.class)).transport();
        Protocol before = t.protocol();
        int pipesBefore = pipes();
        long[] maxBuffered = {0};
        boolean[] sampling = {true};
        Runnable[] sample = new Runnable[1];
        sample[0] = () -> {
            maxBuffered[0] = Math.max(maxBuffered[0], t.writeBufferSize());
            if (sampling[0]) {
                loop.callLater(Duration.ofMillis(1), sample[0]);
            }
        };
        Promise<Long> sent = t.sendFile(f, 0, content.length);
        assertThat(t.protocol()).as("the protocol while the file goes out (the copy loop stands in for it)")
                .isSameAs(before);
        loop.callSoon(sample[0]);
        if (backend == PollerKind.IO_URING) {
            await(until(() -> sent.isDone() || pipes() > pipesBefore)); // the file is opened off the loop first
            assertThat(pipes()).as("a splice pipe's two ends open on io_uring while the file goes out")
                    .isEqualTo(pipesBefore + 2);
        }
        await(after(Duration.ofMillis(100)));
        assertThat(sent.isDone()).as("32 MiB sent to a peer that reads nothing").isFalse();
        CompletableFuture<byte[]> got = peer.readToEof();
        assertThat(await(sent)).isEqualTo(content.length);
        sampling[0] = false;
        assertThat(maxBuffered[0]).as("bytes in the write queue while the file went out").isZero();
        t.close();
        assertThat(await(Promise.from(loop, got))).isEqualTo(content);
        await(until(() -> pipes() == pipesBefore));
        await(f.close());
    }

    private static int pipes() {
        return FileDescriptors.count(java.util.Set.of(FileDescriptors.Kind.PIPE));
    }

    /**
     * A file of 64 MiB to a peer that reads in small pieces through a 16 KiB receive window (so
     * the sender meets a full socket thousands of times) arrives byte for byte, by SHA-256.
     */
    @Test
    void aLargeFileArrivesByteIdenticalThroughASlowReader() throws Exception {
        byte[] content = pattern(64 << 20, 12);
        byte[] want = MessageDigest.getInstance("SHA-256").digest(content);
        AsyncFile f = await(AsyncFile.open(loop, file("large.bin", content)));
        content = null;
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server), 16 * 1024));
        Transport t = await(made(Recorder.class)).transport();
        Promise<byte[]> got = offLoop(() -> {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[4096];
            long n = 0;
            java.io.InputStream in = peer.socket.getInputStream();
            for (int r; (r = in.read(buf)) >= 0; ) {
                md.update(buf, 0, r);
                n += r;
                if ((n & ((1 << 20) - 1)) < r) {
                    Thread.sleep(1); // slower than the sender, now and then
                }
            }
            return md.digest();
        });
        assertThat(await(t.sendFile(f, 0, 64 << 20))).isEqualTo(64L << 20);
        t.close();
        assertThat(await(got)).as("SHA-256 of what arrived").isEqualTo(want);
        await(f.close());
        await(until(() -> openUnder(dir).isEmpty()));
    }

    /**
     * close() and abort() with the file in flight, at several points of the transfer, twenty
     * times: every promise fails typed, and no socket, pipe or file descriptor is left open
     * (counted before and after; on io_uring the splice rounds are in the kernel when it closes).
     */
    @Test
    void closeOrAbortMidTransferLeavesNoDescriptor() throws Exception {
        byte[] content = pattern(16 << 20, 13);
        AsyncFile f = await(AsyncFile.open(loop, file("mid.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        FileDescriptors.Snapshot before = ioFds();
        int filesBefore = openUnder(dir).size(); // the AsyncFile's own
        for (int i = 0; i < 20; i++) {
            RawPeer peer = RawPeer.connect(address(server), 16 * 1024);
            CheckedProtocol<Recorder> c = await(made(Recorder.class));
            Promise<Long> sent = c.transport().sendFile(f, 0, content.length);
            int read = (i % 4) * 50_000;
            if (read > 0) {
                await(offLoop(() -> peer.readExactly(read)));
            } else {
                spin(i % 3);
            }
            CompletableFuture<Long> rest = peer.countToEnd();
            if (i % 2 == 0) {
                c.transport().close();
            } else {
                c.transport().abort();
            }
            Throwable e = awaitFailure(sent);
            assertThat(e).as("round " + i).isInstanceOf(ConnectionClosedException.class);
            await(c.lost());
            assertThat(await(Promise.from(loop, rest)) + read).as("round " + i + ": the peer sees an end before the file's")
                    .isLessThan(content.length);
            peer.close();
        }
        before.assertNoneLeaked(Duration.ofSeconds(2));
        await(until(() -> openUnder(dir).size() == filesBefore));
        await(f.close());
        await(until(() -> openUnder(dir).isEmpty()));
    }

    /** This process's descriptors that point under {@code root}. */
    static List<String> openUnder(Path root) {
        List<String> out = new ArrayList<>();
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            String prefix = root.toRealPath().toString();
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        out.add(fd.getFileName() + " -> " + target);
                    }
                } catch (java.io.IOException gone) {
                    // closed meanwhile
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void writeFromStreamsASocketIntoAFileAndHandsBackTheRest() throws Exception {
        byte[] body = pattern(3 << 20, 9);
        Server server = server(checked(() -> {
            Recorder r = new Recorder(loop);
            r.keepOpenOnEof = true;
            return r;
        }), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server)));
        CheckedProtocol<Recorder> c = await(made(Recorder.class));
        Path target = dir.resolve("upload.bin");
        AsyncFile f = await(AsyncFile.open(loop, target, FileOption.WRITE, FileOption.CREATE));
        Promise<Long> received = f.writeFrom(c.transport(), 0, body.length);
        Promise<Void> sending = offLoop(() -> {
            byte[] all = Arrays.copyOf(body, body.length + 4);
            System.arraycopy("TAIL".getBytes(), 0, all, body.length, 4);
            peer.write(all);
            peer.shutdownOutput();
            return null;
        });
        assertThat(await(received)).isEqualTo(body.length);
        await(sending);
        await(c.inner().eof);
        assertThat(new String(c.inner().bytes())).as("what came after the count").isEqualTo("TAIL");
        await(f.close());
        assertThat(Files.readAllBytes(target)).isEqualTo(body);
    }

    @Test
    void writeFromToTheEndOfStream() throws Exception {
        byte[] body = pattern(1_000_003, 4);
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server)));
        CheckedProtocol<Recorder> c = await(made(Recorder.class));
        Path target = dir.resolve("eof.bin");
        AsyncFile f = await(AsyncFile.open(loop, target, FileOption.WRITE, FileOption.CREATE));
        Promise<Long> received = f.writeFrom(c.transport(), 0, -1);
        Promise<Void> sending = offLoop(() -> {
            peer.write(body);
            peer.shutdownOutput();
            return null;
        });
        assertThat(await(received)).isEqualTo(body.length);
        await(sending);
        await(f.close());
        assertThat(Files.readAllBytes(target)).isEqualTo(body);
    }

    @Test
    void aCancelledWriteFromHandsTheConnectionBackAndWritesNoMore() throws Exception {
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server)));
        CheckedProtocol<Recorder> c = await(made(Recorder.class));
        Path target = dir.resolve("cancelled.bin");
        AsyncFile f = await(AsyncFile.open(loop, target, FileOption.WRITE, FileOption.CREATE));
        Promise<Long> received = f.writeFrom(c.transport(), 0, -1);
        byte[] head = pattern(1 << 20, 3);
        await(offLoop(() -> {
            peer.write(head);
            return null;
        }));
        await(until(() -> target.toFile().length() > 0)); // some of it went to the file
        assertThat(received.cancel()).isTrue();
        assertThatThrownBy(() -> await(received)).isInstanceOf(java.util.concurrent.CancellationException.class);
        Promise<Void> sending = offLoop(() -> {
            peer.write("AFTER".getBytes());
            peer.shutdownOutput();
            return null;
        });
        await(sending);
        await(c.inner().eof);
        assertThat(new String(c.inner().bytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("the protocol has the connection again").endsWith("AFTER");
        await(f.close());
        long kept = Files.size(target);
        assertThat(kept).as("nothing sent after the cancel reached the file").isLessThanOrEqualTo(head.length);
    }
}
