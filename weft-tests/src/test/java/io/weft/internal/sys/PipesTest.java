package io.weft.internal.sys;

import static io.weft.internal.sys.SocketConstants.SOCK_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** pipe2, splice and sendfile: the calls later issues (proxying, files) build on. */
class PipesTest extends RawCallTest {

    private String recvText(int fd, int expected) throws InterruptedException {
        MemorySegment buf = arena.allocate(expected);
        long got = 0;
        for (int i = 0; i < 2_000 && got < expected; i++) {
            long n = Io.recv(cs, fd, buf.asSlice(got), expected - got, 0);
            if (n == -Errno.EAGAIN) {
                Thread.sleep(1);
            } else {
                got += Raw.check(n, "recv");
            }
        }
        return new String(buf.asSlice(0, got).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    @Test
    void aPipeIsNonBlockingAndCarriesBytes() {
        Raw.check(Fd.pipe(cs), "pipe2");
        int r = cs.intResult(0);
        int w = cs.intResult(1);
        try {
            MemorySegment buf = arena.allocate(8);
            assertThat(Io.read(cs, r, buf, 8)).isEqualTo(-Errno.EAGAIN);
            assertThat(Io.write(cs, w, arena.allocateFrom("abc", StandardCharsets.US_ASCII), 3)).isEqualTo(3);
            assertThat(Io.read(cs, r, buf, 8)).isEqualTo(3);
            assertThat(buf.getString(0, StandardCharsets.US_ASCII)).startsWith("abc");
        } finally {
            Raw.closeAll(cs, w, r);
        }
    }

    @Test
    void spliceMovesBytesFromASocketThroughAPipeToAnother() throws Exception {
        int listener = Raw.listen(cs, new InetSocketAddress("127.0.0.1", 0));
        int a = Raw.startConnect(cs, Raw.localAddress(cs, listener), SOCK_STREAM)[0];
        int b = -1;
        int r = -1;
        int w = -1;
        try {
            b = Raw.accept(cs, listener);
            Raw.check(Fd.pipe(cs), "pipe2");
            r = cs.intResult(0);
            w = cs.intResult(1);
            assertThat(Io.send(cs, a, arena.allocateFrom("spliced", StandardCharsets.US_ASCII), 7, 0)).isEqualTo(7);
            long in = -Errno.EAGAIN;
            for (int i = 0; i < 2_000 && in == -Errno.EAGAIN; i++) {
                in = Io.splice(cs, b, w, 64, Io.SPLICE_F_NONBLOCK);
                if (in == -Errno.EAGAIN) {
                    Thread.sleep(1);
                }
            }
            assertThat(in).isEqualTo(7);
            // back out of the pipe into the socket it came from, for the other end to read
            assertThat(Io.splice(cs, r, b, 64, Io.SPLICE_F_NONBLOCK)).isEqualTo(7);
            assertThat(recvText(a, 7)).isEqualTo("spliced");
        } finally {
            Raw.closeAll(cs, w, r, b, a, listener);
        }
    }

    @Test
    void sendfileSendsAFilesBytesFromAnOffset() throws Exception {
        Path file = Files.createTempFile("weft-sendfile", ".txt");
        int listener = Raw.listen(cs, new InetSocketAddress("127.0.0.1", 0));
        int a = Raw.startConnect(cs, Raw.localAddress(cs, listener), SOCK_STREAM)[0];
        int b = -1;
        int f = -1;
        try {
            Files.writeString(file, "0123456789");
            b = Raw.accept(cs, listener);
            f = (int) Raw.check(Fd.open(cs, arena.allocateFrom(file.toString()), Fd.O_RDONLY, 0), "open");
            assertThat(Io.sendfile(cs, b, f, 3, 4)).isEqualTo(4);
            assertThat(recvText(a, 4)).isEqualTo("3456");
            assertThat(Fd.open(cs, arena.allocateFrom(file + ".missing"), Fd.O_RDONLY, 0)).isEqualTo(-Errno.ENOENT);
        } finally {
            Raw.closeAll(cs, f, b, a, listener);
            Files.deleteIfExists(file);
        }
    }
}
