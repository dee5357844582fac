package io.weft.internal.sys;

import static io.weft.internal.sys.SocketConstants.MSG_NOSIGNAL;
import static io.weft.internal.sys.SocketConstants.SOCK_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class EpollTest extends RawCallTest {

    @Test
    void theEventLayoutIsPackedOnX8664Only() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        assertThat(Epoll.EVENT_SIZE).isEqualTo(arch.equals("amd64") || arch.equals("x86_64") ? 12 : 16);
    }

    @Test
    void reportsWritableThenReadableWithTheRegisteredData() throws Exception {
        int listener = Raw.listen(cs, new InetSocketAddress("127.0.0.1", 0));
        int client = Raw.startConnect(cs, Raw.localAddress(cs, listener), SOCK_STREAM)[0];
        int server = -1;
        try (Epoll epoll = Epoll.open(cs, 8)) {
            server = Raw.accept(cs, listener);
            assertThat(epoll.add(cs, client, Epoll.EPOLLIN | Epoll.EPOLLOUT, 0x1234_5678_9abcL)).isZero();

            assertThat(epoll.poll(cs, 5_000_000_000L)).isEqualTo(1);
            MemorySegment ev = epoll.events();
            assertThat(Epoll.data(ev, 0)).isEqualTo(0x1234_5678_9abcL);
            assertThat(Epoll.events(ev, 0) & Epoll.EPOLLOUT).isNotZero();
            assertThat(Epoll.events(ev, 0) & Epoll.EPOLLIN).as("nothing sent yet").isZero();

            MemorySegment msg = arena.allocate(3);
            assertThat(Io.send(cs, server, msg, 3, MSG_NOSIGNAL)).isEqualTo(3);
            assertThat(epoll.modify(cs, client, Epoll.EPOLLIN, 99)).isZero();
            assertThat(epoll.poll(cs, 5_000_000_000L)).isEqualTo(1);
            assertThat(Epoll.events(ev, 0) & Epoll.EPOLLIN).isNotZero();
            assertThat(Epoll.data(ev, 0)).isEqualTo(99);

            // Level-triggered: still readable until read.
            assertThat(epoll.poll(cs, 0)).isEqualTo(1);
            assertThat(Io.recv(cs, client, msg, 3, 0)).isEqualTo(3);
            assertThat(epoll.poll(cs, 0)).isZero();

            assertThat(epoll.delete(cs, client)).isZero();
            assertThat(epoll.delete(cs, client)).isEqualTo(-Errno.ENOENT);
        } finally {
            Raw.closeAll(cs, server, client, listener);
        }
    }

    @Test
    void aWaitWithATimeoutAndNothingToReportReturnsZero() throws Exception {
        try (Epoll epoll = Epoll.open(cs, 1)) {
            assertThat(epoll.poll(cs, 0)).isZero();
            assertThat(epoll.poll(cs, 1_000)).isZero(); // a microsecond: 1 ms without epoll_pwait2
        }
    }

    @Test
    void anotherThreadsWakeupEndsAWaitWithoutTimeout() throws Exception {
        try (Epoll epoll = Epoll.open(cs, 4)) {
            Thread waker = Thread.ofPlatform().start(epoll::wakeup);
            int n = epoll.poll(cs, -1);
            waker.join();
            assertThat(n).isEqualTo(1);
            assertThat(Epoll.data(epoll.events(), 0)).isEqualTo(Epoll.WAKEUP);
            epoll.drainWakeup(cs);
            assertThat(epoll.poll(cs, 0)).as("drained").isZero();
        }
    }

    @Test
    void wakeupsCoalesceAndOneAfterCloseDoesNothing() throws Exception {
        Epoll epoll = Epoll.open(cs, 4);
        epoll.wakeup();
        epoll.wakeup();
        assertThat(epoll.poll(cs, 0)).isEqualTo(1);
        epoll.close();
        epoll.close();
        epoll.wakeup();
    }

    @Test
    void theEventfdCounterAddsUpAndReadsBackToZero() {
        int fd = (int) Raw.check(EventFd.open(cs), "eventfd");
        try {
            assertThat(EventFd.read(cs, fd)).isEqualTo(-Errno.EAGAIN);
            assertThat(EventFd.write(cs, fd, 3)).isZero();
            assertThat(EventFd.write(cs, fd, 4)).isZero();
            assertThat(EventFd.read(cs, fd)).isEqualTo(7);
            assertThat(EventFd.read(cs, fd)).isEqualTo(-Errno.EAGAIN);
        } finally {
            Fd.close(cs, fd);
        }
    }

    @Test
    void millisecondTimeoutsRoundUpSoATimerIsNeverEarly() {
        assertThat(Epoll.millis(-5)).isEqualTo(-1);
        assertThat(Epoll.millis(0)).isZero();
        assertThat(Epoll.millis(1)).isEqualTo(1);
        assertThat(Epoll.millis(1_000_000)).isEqualTo(1);
        assertThat(Epoll.millis(1_000_001)).isEqualTo(2);
        assertThat(Epoll.millis(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void epollPwait2IsThereOnThisKernel() {
        // Linux 5.11+ with glibc 2.35+ has it; report rather than fail elsewhere.
        org.junit.jupiter.api.Assumptions.assumeTrue(Native.has("epoll_pwait2"), "libc has no epoll_pwait2");
        String[] v = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(v[0]);
        int minor = Integer.parseInt(v[1]);
        org.junit.jupiter.api.Assumptions.assumeTrue(major > 5 || major == 5 && minor >= 11, "kernel before 5.11");
        assertThat(Epoll.hasPwait2()).as("kernel " + System.getProperty("os.version")).isTrue();
    }
}
