package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.file.AsyncFile;
import io.weft.file.FileOption;
import io.weft.future.Promise;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files to sockets and back with bounded memory: {@link Transport#sendFile} (the copy loop, which
 * listens to flow control) and {@link AsyncFile#writeFrom} (which pauses reading while the file
 * lags), each handing the connection back to its protocol afterwards.
 */
class SendFileTest extends NetTestSupport {
    @TempDir
    Path dir;

    Path file(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void sendFileToASlowReaderStaysNearTheHighWaterMark() throws Exception {
        byte[] content = pattern(8 << 20, 5);
        AsyncFile f = await(AsyncFile.open(loop, file("send.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server), 16 * 1024));
        CheckedProtocol<Recorder> c = await(made(Recorder.class));
        Transport t = c.transport();
        Protocol before = t.protocol();

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
        await(until(() -> c.inner().pauses > 0)); // the peer is not reading: the sender must stop
        CompletableFuture<byte[]> got = peer.readToEof();
        assertThat(await(sent)).isEqualTo(content.length);
        sampling[0] = false;
        assertThat(t.protocol()).as("the connection's protocol is given back").isSameAs(before);
        t.close();
        assertThat(await(Promise.from(loop, got))).isEqualTo(content);
        assertThat(maxBuffered[0]).as("buffered at most the high-water mark and one chunk")
                .isLessThanOrEqualTo(64 * 1024 + 256 * 1024);
        await(f.close());
    }

    @Test
    void sendFileSendsExactlyTheRangeAskedFor() throws Exception {
        byte[] content = pattern(700_000, 6);
        AsyncFile f = await(AsyncFile.open(loop, file("range.bin", content)));
        Server server = server(checked(() -> new Recorder(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(server)));
        Transport t = await(made(Recorder.class)).transport();
        CompletableFuture<byte[]> got = peer.readToEof();
        assertThat(await(t.sendFile(f, 1000, 600_000))).isEqualTo(600_000);
        t.write("!".getBytes());
        t.close();
        byte[] expected = Arrays.copyOf(Arrays.copyOfRange(content, 1000, 601_000), 600_001);
        expected[600_000] = '!';
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
}
