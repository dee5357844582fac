package io.weft.internal.sys;

import static io.weft.internal.sys.SocketConstants.IPPROTO_IPV6;
import static io.weft.internal.sys.SocketConstants.IPPROTO_TCP;
import static io.weft.internal.sys.SocketConstants.IPV6_V6ONLY;
import static io.weft.internal.sys.SocketConstants.MSG_NOSIGNAL;
import static io.weft.internal.sys.SocketConstants.SOCK_STREAM;
import static io.weft.internal.sys.SocketConstants.SOL_SOCKET;
import static io.weft.internal.sys.SocketConstants.SO_LINGER;
import static io.weft.internal.sys.SocketConstants.SO_RCVBUF;
import static io.weft.internal.sys.SocketConstants.SO_REUSEPORT;
import static io.weft.internal.sys.SocketConstants.TCP_NODELAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TCP and Unix stream sockets on loopback through the raw calls alone. */
class SocketsTest extends RawCallTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("weft-sys");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    private SocketAddress address(String kind) {
        return switch (kind) {
            case "ipv4" -> new InetSocketAddress("127.0.0.1", 0);
            case "ipv6" -> new InetSocketAddress("::1", 0);
            case "unix" -> UnixDomainSocketAddress.of(dir.resolve("s.sock"));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private void assumeIpv6(String kind) {
        if (!kind.equals("ipv6")) {
            return;
        }
        int fd = Sockets.socket(cs, SocketConstants.AF_INET6, SOCK_STREAM, 0);
        assumeTrue(fd >= 0, "no IPv6 sockets here");
        int r = Sockets.bind(cs, fd, SockAddr.encode(new InetSocketAddress("::1", 0), cs.sockaddr()));
        Fd.close(cs, fd);
        assumeTrue(r == 0, "no ::1 here");
    }

    private MemorySegment text(String s) {
        return arena.allocateFrom(s, StandardCharsets.US_ASCII).asSlice(0, s.length());
    }

    private String recvText(int fd, int max) {
        MemorySegment buf = arena.allocate(max);
        long n = Raw.check(Io.recv(cs, fd, buf, max, 0), "recv");
        return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipv4", "ipv6", "unix"})
    void listenConnectAcceptAndTalkBothWays(String kind) throws Exception {
        assumeIpv6(kind);
        int listener = Raw.listen(cs, address(kind));
        int client = -1;
        int server = -1;
        try {
            SocketAddress bound = Raw.localAddress(cs, listener);
            int[] c = Raw.startConnect(cs, bound, SOCK_STREAM);
            client = c[0];
            assertThat(c[1]).as("connect's result").isIn(0, -Errno.EINPROGRESS);
            server = Raw.accept(cs, listener);
            // Accepted means the handshake is done, so the client's connect has completed.
            assertThat(Sockets.soError(cs, client)).isZero();

            if (!kind.equals("unix")) {
                assertThat(((InetSocketAddress) bound).getPort()).isPositive();
                SocketAddress clientLocal = Raw.localAddress(cs, client);
                Raw.check(Sockets.getpeername(cs, server), "getpeername");
                assertThat(SockAddr.decode(cs.sockaddr(), cs.sockaddrLength())).isEqualTo(clientLocal);
            } else {
                assertThat(bound).isEqualTo(address(kind));
            }

            assertThat(Io.send(cs, client, text("ping"), 4, MSG_NOSIGNAL)).isEqualTo(4);
            assertThat(recvText(server, 16)).isEqualTo("ping");
            assertThat(Io.write(cs, server, text("pong!"), 5)).isEqualTo(5);
            MemorySegment buf = arena.allocate(16);
            assertThat(Io.read(cs, client, buf, 16)).isEqualTo(5);
            assertThat(buf.getString(0, StandardCharsets.US_ASCII)).startsWith("pong!");
        } finally {
            Raw.closeAll(cs, server, client, listener);
        }
    }

    @Test
    void readvAndWritevGatherAndScatter() throws Exception {
        int listener = Raw.listen(cs, address("ipv4"));
        int client = Raw.startConnect(cs, Raw.localAddress(cs, listener), SOCK_STREAM)[0];
        int server = -1;
        try {
            server = Raw.accept(cs, listener);
            MemorySegment out = arena.allocate(2 * IoVec.SIZE, 8);
            IoVec.set(out, 0, text("hello, "), 0, 7);
            IoVec.set(out, 1, text("world"), 0, 5);
            assertThat(Io.writev(cs, client, out, 2)).isEqualTo(12);

            MemorySegment a = arena.allocate(5);
            MemorySegment b = arena.allocate(64);
            MemorySegment in = arena.allocate(2 * IoVec.SIZE, 8);
            IoVec.set(in, 0, a, 0, 5);
            IoVec.set(in, 1, b, 0, 64);
            long n = readFully(server, in, 12);
            assertThat(n).isEqualTo(12);
            assertThat(new String(a.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII)).isEqualTo("hello");
            assertThat(new String(b.asSlice(0, 7).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII))
                    .isEqualTo(", world");
        } finally {
            Raw.closeAll(cs, server, client, listener);
        }
    }

    /** Loopback delivers a 12-byte write at once, but a read may still race it: retry on EAGAIN. */
    private long readFully(int fd, MemorySegment iov, long expected) throws InterruptedException {
        for (int i = 0; i < 2_000; i++) {
            long n = Io.readv(cs, fd, iov, 2);
            if (n != -Errno.EAGAIN) {
                return Raw.check(n, "readv");
            }
            Thread.sleep(1);
        }
        throw new AssertionError("nothing to read within 2 s");
    }

    @Test
    void aRecvOnAnEmptySocketReturnsMinusEagainAndAnEmptyAcceptToo() throws Exception {
        int listener = Raw.listen(cs, address("ipv4"));
        assertThat(Sockets.accept(cs, listener)).isEqualTo(-Errno.EAGAIN);
        int client = Raw.startConnect(cs, Raw.localAddress(cs, listener), SOCK_STREAM)[0];
        int server = -1;
        try {
            server = Raw.accept(cs, listener);
            MemorySegment buf = arena.allocate(64);
            assertThat(Io.recv(cs, server, buf, 64, 0)).isEqualTo(-Errno.EAGAIN);
            assertThat(Io.read(cs, client, buf, 64)).isEqualTo(-Errno.EAGAIN);
        } finally {
            Raw.closeAll(cs, server, client, listener);
        }
    }

    @Test
    void shutdownOfTheWriteSideIsEndOfStreamForThePeer() throws Exception {
        int listener = Raw.listen(cs, address("ipv4"));
        int client = Raw.startConnect(cs, Raw.localAddress(cs, listener), SOCK_STREAM)[0];
        int server = -1;
        try {
            server = Raw.accept(cs, listener);
            assertThat(Sockets.shutdown(cs, client, SocketConstants.SHUT_WR)).isZero();
            MemorySegment buf = arena.allocate(8);
            long n = -Errno.EAGAIN;
            for (int i = 0; i < 2_000 && n == -Errno.EAGAIN; i++) {
                n = Io.recv(cs, server, buf, 8, 0);
                if (n == -Errno.EAGAIN) {
                    Thread.sleep(1);
                }
            }
            assertThat(n).as("recv after the peer's FIN").isZero();
            // The other direction is still open.
            assertThat(Io.send(cs, server, text("late"), 4, MSG_NOSIGNAL)).isEqualTo(4);
        } finally {
            Raw.closeAll(cs, server, client, listener);
        }
    }

    @Test
    void connectToAClosedPortIsRefusedAndTypedAsConnectException() throws Exception {
        // A port that was just free: bound, read back, closed without listening.
        int probe = (int) Raw.check(Sockets.socket(cs, SocketConstants.AF_INET, SOCK_STREAM, 0), "socket");
        Raw.check(Sockets.bind(cs, probe, SockAddr.encode(new InetSocketAddress("127.0.0.1", 0), cs.sockaddr())), "bind");
        SocketAddress closed = Raw.localAddress(cs, probe);
        Fd.close(cs, probe);

        int[] c = Raw.startConnect(cs, closed, SOCK_STREAM);
        int fd = c[0];
        try (Epoll epoll = Epoll.open(cs, 4)) {
            int r = c[1];
            if (r == -Errno.EINPROGRESS) {
                assertThat(epoll.add(cs, fd, Epoll.EPOLLOUT, 7)).isZero();
                int n = epoll.poll(cs, 10_000_000_000L);
                assertThat(n).isEqualTo(1);
                assertThat(Epoll.data(epoll.events(), 0)).isEqualTo(7);
                r = Sockets.soError(cs, fd);
            }
            assertThat(r).isEqualTo(-Errno.ECONNREFUSED);
            IOException e = SysErrors.exception("connect to " + closed, -r);
            assertThat(e).isInstanceOf(ConnectException.class)
                    .hasMessage("connect to " + closed + ": ECONNREFUSED (Connection refused)");
        } finally {
            Fd.close(cs, fd);
        }
    }

    @Test
    void bindingABoundPortIsEaddrinuseTypedAsBindException() {
        int a = Raw.listen(cs, address("ipv4"));
        int b = (int) Raw.check(Sockets.socket(cs, SocketConstants.AF_INET, SOCK_STREAM, 0), "socket");
        try {
            SocketAddress taken = Raw.localAddress(cs, a);
            int r = Sockets.bind(cs, b, SockAddr.encode(taken, cs.sockaddr()));
            assertThat(r).isEqualTo(-Errno.EADDRINUSE);
            assertThatThrownBy(() -> Raw.check(r, "bind " + taken))
                    .isInstanceOf(UncheckedIOException.class)
                    .cause().isInstanceOf(BindException.class).hasMessageContaining("EADDRINUSE");
        } finally {
            Raw.closeAll(cs, b, a);
        }
    }

    @Test
    void optionsAreSetAndReadBack() {
        int fd = (int) Raw.check(Sockets.socket(cs, SocketConstants.AF_INET, SOCK_STREAM, 0), "socket");
        int v6 = Sockets.socket(cs, SocketConstants.AF_INET6, SOCK_STREAM, 0);
        try {
            assertThat(Sockets.setInt(cs, fd, IPPROTO_TCP, TCP_NODELAY, 1)).isZero();
            assertThat(Sockets.getInt(cs, fd, IPPROTO_TCP, TCP_NODELAY)).isZero();
            assertThat(cs.intResult(0)).isNotZero();

            assertThat(Sockets.setInt(cs, fd, SOL_SOCKET, SO_REUSEPORT, 1)).isZero();
            assertThat(Sockets.getInt(cs, fd, SOL_SOCKET, SO_REUSEPORT)).isZero();
            assertThat(cs.intResult(0)).isEqualTo(1);

            assertThat(Sockets.setInt(cs, fd, SOL_SOCKET, SO_RCVBUF, 64 * 1024)).isZero();
            assertThat(Sockets.getInt(cs, fd, SOL_SOCKET, SO_RCVBUF)).isZero();
            assertThat(cs.intResult(0)).as("the kernel doubles SO_RCVBUF (socket(7))").isEqualTo(128 * 1024);

            assertThat(Sockets.setLinger(cs, fd, 0)).isZero();
            assertThat(Sockets.getLinger(cs, fd)).isZero();
            assertThat(cs.intResult(0)).isEqualTo(1);
            assertThat(cs.intResult(1)).isZero();

            assertThat(Sockets.getInt(cs, fd, SOL_SOCKET, SocketConstants.SO_TYPE)).isZero();
            assertThat(cs.intResult(0)).isEqualTo(SOCK_STREAM);

            if (v6 >= 0) {
                assertThat(Sockets.setInt(cs, v6, IPPROTO_IPV6, IPV6_V6ONLY, 1)).isZero();
                assertThat(Sockets.getInt(cs, v6, IPPROTO_IPV6, IPV6_V6ONLY)).isZero();
                assertThat(cs.intResult(0)).isEqualTo(1);
            }
            // An option the level does not have: a typed error, not a crash.
            assertThat(Sockets.getInt(cs, fd, SOL_SOCKET, 9999)).isEqualTo(-Errno.ENOPROTOOPT);
            assertThat(Sockets.getInt(cs, 9999, SOL_SOCKET, SO_LINGER)).isEqualTo(-Errno.EBADF);
        } finally {
            Raw.closeAll(cs, v6, fd);
        }
    }

    @Test
    void aDualStackSocketConnectsToIpv4ThroughTheMappedAddress() throws Exception {
        int v6 = Sockets.socket(cs, SocketConstants.AF_INET6, SOCK_STREAM, 0);
        assumeTrue(v6 >= 0, "no IPv6 sockets here");
        int listener = Raw.listen(cs, address("ipv4"));
        int server = -1;
        try {
            Raw.check(Sockets.setInt(cs, v6, IPPROTO_IPV6, IPV6_V6ONLY, 0), "setsockopt");
            SocketAddress to = Raw.localAddress(cs, listener);
            int len = SockAddr.encode(to, cs.sockaddr(), true);
            assertThat(len).isEqualTo(SockAddr.IN6_SIZE);
            assertThat(Sockets.connect(cs, v6, len)).isIn(0, -Errno.EINPROGRESS);
            server = Raw.accept(cs, listener);
            Raw.check(Sockets.getpeername(cs, v6), "getpeername");
            assertThat(SockAddr.decode(cs.sockaddr(), cs.sockaddrLength())).isEqualTo(to);
        } finally {
            Raw.closeAll(cs, server, listener, v6);
        }
    }
}
