package io.weft.internal.sys;

import static io.weft.internal.sys.SocketConstants.SOCK_DGRAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** UDP on loopback: sendmsg/recvmsg with the source address, sendto/recvfrom, truncation. */
class DatagramTest extends RawCallTest {

    private int bound(String host) {
        int fd = Sockets.socket(cs, host.contains(":") ? SocketConstants.AF_INET6 : SocketConstants.AF_INET, SOCK_DGRAM, 0);
        assumeTrue(fd >= 0, "no socket for " + host);
        int r = Sockets.bind(cs, fd, SockAddr.encode(new InetSocketAddress(host, 0), cs.sockaddr()));
        if (r < 0) {
            Fd.close(cs, fd);
            assumeTrue(false, "cannot bind " + host + ": " + Errno.name(-r));
        }
        return fd;
    }

    /** Waits (bounded) for a datagram sent over loopback to arrive. */
    private long recvmsgWithin(int fd, MemorySegment header) throws InterruptedException {
        for (int i = 0; i < 2_000; i++) {
            long n = Io.recvmsg(cs, fd, header, 0);
            if (n != -Errno.EAGAIN) {
                return Raw.check(n, "recvmsg");
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no datagram within 2 s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void sendmsgAndRecvmsgCarryTheSourceAddress(String host) throws Exception {
        int a = bound(host);
        int b = -1;
        try {
            b = bound(host);
            SocketAddress aAddr = Raw.localAddress(cs, a);
            SocketAddress bAddr = Raw.localAddress(cs, b);
            assertThat(Io.recvmsg(cs, b, header(arena.allocate(8), 8), 0)).as("nothing yet").isEqualTo(-Errno.EAGAIN);

            MemorySegment name = arena.allocate(CallState.SOCKADDR_STORAGE_SIZE, 8);
            int len = SockAddr.encode(bAddr, name);
            MemorySegment payload = arena.allocateFrom("datagram", StandardCharsets.US_ASCII).asSlice(0, 8);
            MemorySegment out = arena.allocate(MsgHdr.LAYOUT);
            MemorySegment iov = arena.allocate(IoVec.LAYOUT);
            IoVec.set(iov, 0, payload, 0, 8);
            MsgHdr.set(out, name, len, iov, 1);
            assertThat(Io.sendmsg(cs, a, out, 0)).isEqualTo(8);

            MemorySegment buf = arena.allocate(64);
            MemorySegment from = arena.allocate(CallState.SOCKADDR_STORAGE_SIZE, 8);
            MemorySegment inIov = arena.allocate(IoVec.LAYOUT);
            IoVec.set(inIov, 0, buf, 0, 64);
            MemorySegment in = arena.allocate(MsgHdr.LAYOUT);
            MsgHdr.set(in, from, CallState.SOCKADDR_STORAGE_SIZE, inIov, 1);
            assertThat(recvmsgWithin(b, in)).isEqualTo(8);
            assertThat(new String(buf.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII))
                    .isEqualTo("datagram");
            assertThat(SockAddr.decode(from, MsgHdr.nameLength(in))).isEqualTo(aAddr);
            assertThat(MsgHdr.flags(in) & SocketConstants.MSG_TRUNC).isZero();
        } finally {
            Raw.closeAll(cs, b, a);
        }
    }

    private MemorySegment header(MemorySegment buf, long len) {
        MemorySegment iov = arena.allocate(IoVec.LAYOUT);
        IoVec.set(iov, 0, buf, 0, len);
        MemorySegment h = arena.allocate(MsgHdr.LAYOUT);
        MsgHdr.set(h, arena.allocate(CallState.SOCKADDR_STORAGE_SIZE, 8), CallState.SOCKADDR_STORAGE_SIZE, iov, 1);
        return h;
    }

    @Test
    void aDatagramLongerThanTheBufferIsCutAndFlaggedTruncated() throws Exception {
        int a = bound("127.0.0.1");
        int b = -1;
        try {
            b = bound("127.0.0.1");
            int len = SockAddr.encode(Raw.localAddress(cs, b), cs.sockaddr());
            MemorySegment payload = arena.allocate(100);
            assertThat(Io.sendto(cs, a, payload, 100, 0, len)).isEqualTo(100);
            MemorySegment h = header(arena.allocate(10), 10);
            assertThat(recvmsgWithin(b, h)).isEqualTo(10);
            assertThat(MsgHdr.flags(h) & SocketConstants.MSG_TRUNC).isNotZero();
        } finally {
            Raw.closeAll(cs, b, a);
        }
    }

    @Test
    void sendtoAndRecvfromCarryTheSourceAddressToo() throws Exception {
        int a = bound("127.0.0.1");
        int b = -1;
        try {
            b = bound("127.0.0.1");
            SocketAddress aAddr = Raw.localAddress(cs, a);
            int len = SockAddr.encode(Raw.localAddress(cs, b), cs.sockaddr());
            assertThat(Io.sendto(cs, a, arena.allocate(5), 5, 0, len)).isEqualTo(5);
            MemorySegment buf = arena.allocate(16);
            long n = -Errno.EAGAIN;
            for (int i = 0; i < 2_000 && n == -Errno.EAGAIN; i++) {
                n = Io.recvfrom(cs, b, buf, 16, 0);
                if (n == -Errno.EAGAIN) {
                    Thread.sleep(1);
                }
            }
            assertThat(n).isEqualTo(5);
            assertThat(SockAddr.decode(cs.sockaddr(), cs.sockaddrLength())).isEqualTo(aAddr);
        } finally {
            Raw.closeAll(cs, b, a);
        }
    }

    @Test
    void aConnectedSocketsPendingIcmpErrorIsTypedAsPortUnreachable() throws Exception {
        int a = bound("127.0.0.1");
        int gone = bound("127.0.0.1");
        try {
            SocketAddress nobody = Raw.localAddress(cs, gone);
            Fd.close(cs, gone);
            gone = -1;
            Raw.check(Sockets.connect(cs, a, SockAddr.encode(nobody, cs.sockaddr())), "connect");
            assertThat(Io.send(cs, a, arena.allocate(1), 1, 0)).isEqualTo(1);
            // The ICMP port unreachable comes back as ECONNREFUSED on the next call.
            MemorySegment one = arena.allocate(1);
            long n = -Errno.EAGAIN;
            for (int i = 0; i < 2_000 && n == -Errno.EAGAIN; i++) {
                n = Io.recv(cs, a, one, 1, 0);
                if (n == -Errno.EAGAIN) {
                    Thread.sleep(1);
                }
            }
            assertThat(n).isEqualTo(-Errno.ECONNREFUSED);
            assertThat(SysErrors.exception("recvmsg from " + nobody, (int) -n)).isInstanceOf(PortUnreachableException.class);
        } finally {
            Raw.closeAll(cs, gone, a);
        }
    }
}
