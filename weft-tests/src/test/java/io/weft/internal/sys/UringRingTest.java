package io.weft.internal.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ring itself, below any driver: setup with the flag fallback, enabling, the opcode probe,
 * NOP round trips through the mapped rings (SQ tail published, CQ tail read, head handed back),
 * SQ full, the EXT_ARG timeout, and a provided-buffer ring a real receive picks from. Skipped
 * (with the reason) where io_uring cannot run.
 */
@Timeout(30)
class UringRingTest {
    private CallState cs;
    private UringRing ring;

    @BeforeEach
    void open() throws IOException {
        // The kernel's answer, not Drivers.status: this test runs even while io_uring is held
        // back from the backend-parameterised suite.
        io.weft.internal.io.completion.uring.UringProbe.Result s = io.weft.internal.io.completion.uring.UringProbe.result();
        assumeTrue(s.ok(), () -> "io_uring cannot run here: " + s.reason());
        cs = new CallState();
        ring = UringRing.open(cs, 8, 64);
        ring.enable(cs);
    }

    @AfterEach
    void close() {
        if (ring != null) {
            ring.close();
        }
        if (cs != null) {
            cs.close();
        }
    }

    @Test
    void theKernelTakesTheWantedFlagsOrAFallbackAndTheRequiredFeatures() {
        assertThat(ring.sqEntries()).isEqualTo(8);
        assertThat(ring.cqEntries()).as("CQSIZE: the CQ well above the SQ").isEqualTo(64);
        assertThat(ring.features() & UringRing.REQUIRED_FEATURES).isEqualTo(UringRing.REQUIRED_FEATURES);
        assertThat(ring.flags() & ~UringRing.WANTED_FLAGS).as("nothing but what was asked for").isZero();
        System.out.println("io_uring setup flags taken: " + UringRing.flagNames(ring.flags()) + "; features: "
                + UringRing.featureNames(ring.features()));
    }

    @Test
    void everyOpcodeTheDriverSubmitsIsSupported() throws IOException {
        assertThat(ring.unsupported(cs, UringLayout.OP_NOP, UringLayout.OP_READ, UringLayout.OP_RECV,
                UringLayout.OP_SEND, UringLayout.OP_WRITEV, UringLayout.OP_ACCEPT, UringLayout.OP_CONNECT,
                UringLayout.OP_ASYNC_CANCEL, UringLayout.OP_RECVMSG, UringLayout.OP_SENDMSG)).isEmpty();
    }

    @Test
    void nopsComeBackWithTheirUserDataInOrderAcrossManyLapsOfTheRings() {
        long next = 1;
        for (int lap = 0; lap < 100; lap++) {
            int n = 1 + lap % 8;
            for (int i = 0; i < n; i++) {
                long at = ring.nextSqe();
                assertThat(at).isNotNegative();
                ring.prep(at, UringLayout.OP_NOP, -1, 0, 0, 0, next + i);
            }
            int r = ring.submitAndWait(cs, n, 1_000_000_000L);
            assertThat(r).isEqualTo(n);
            assertThat(ring.cqReady()).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                assertThat(ring.cqeUserData(i)).isEqualTo(next + i);
                assertThat(ring.cqeRes(i)).isZero();
            }
            ring.cqAdvance(n);
            next += n;
        }
        assertThat(ring.cqOverflowCount()).isZero();
    }

    @Test
    void aFullSubmissionQueueSaysSoUntilSubmitted() {
        for (int i = 0; i < ring.sqEntries(); i++) {
            ring.prep(ring.nextSqe(), UringLayout.OP_NOP, -1, 0, 0, 0, i);
        }
        assertThat(ring.nextSqe()).as("full").isEqualTo(-1);
        assertThat(ring.submitAndWait(cs, 0, 0)).isEqualTo(ring.sqEntries());
        assertThat(ring.nextSqe()).as("room again once the kernel consumed them").isNotNegative();
    }

    @Test
    void aWaitWithATimeoutAndNothingToCompleteEndsWithEtime() {
        int r = ring.submitAndWait(cs, 1, 5_000_000L);
        assertThat(r).isEqualTo(-UringLayout.ETIME);
        assertThat(ring.cqReady()).isZero();
    }

    @Test
    void aMultishotReceivePicksProvidedBuffersAndNamesThem() throws IOException {
        int entries = 4;
        int size = 16;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment bufRing = arena.allocate((long) entries * UringLayout.BUF_SIZE, 4096);
            MemorySegment data = arena.allocate((long) entries * size, 8);
            for (int bid = 0; bid < entries; bid++) {
                UringRing.putBuffer(bufRing, bid, data.address() + (long) bid * size, size, bid);
            }
            UringRing.publishBufferTail(bufRing, entries);
            ring.registerBufferRing(cs, bufRing, entries, 7);
            int[] pair = socketPair();
            try {
                long at = ring.nextSqe();
                ring.prep(at, UringLayout.OP_RECV, pair[0], 0, 0, 0, 5);
                ring.sqeIoprio(at, UringLayout.RECV_MULTISHOT);
                ring.sqeFlags(at, UringLayout.IOSQE_BUFFER_SELECT);
                ring.sqeBufGroup(at, 7);
                assertThat(ring.submitAndWait(cs, 0, 0)).isEqualTo(1);
                write(pair[1], "hello");
                assertThat(ring.submitAndWait(cs, 1, 2_000_000_000L)).isGreaterThanOrEqualTo(0);
                assertThat(ring.cqReady()).isEqualTo(1);
                assertThat(ring.cqeUserData(0)).isEqualTo(5);
                assertThat(ring.cqeRes(0)).isEqualTo(5);
                int flags = ring.cqeFlags(0);
                assertThat(flags & UringLayout.CQE_F_BUFFER).isNotZero();
                assertThat(flags & UringLayout.CQE_F_MORE).as("multishot stays armed").isNotZero();
                int bid = flags >>> UringLayout.CQE_BUFFER_SHIFT;
                byte[] got = new byte[5];
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, (long) bid * size, got, 0, 5);
                assertThat(new String(got)).isEqualTo("hello");
                ring.cqAdvance(1);
                // Close the writer: the receive ends with 0 (EOF) and no IORING_CQE_F_MORE.
                Fd.close(cs, pair[1]);
                pair[1] = -1;
                ring.submitAndWait(cs, 1, 2_000_000_000L);
                assertThat(ring.cqeRes(0)).isZero();
                assertThat(ring.cqeFlags(0) & UringLayout.CQE_F_MORE).isZero();
                ring.cqAdvance(1);
            } finally {
                Fd.close(cs, pair[0]);
                if (pair[1] >= 0) {
                    Fd.close(cs, pair[1]);
                }
                ring.unregisterBufferRing(cs, 7);
            }
        }
    }

    /** A connected pair of TCP sockets on loopback, as descriptors: [accepted, client]. */
    private int[] socketPair() throws IOException {
        int l = Sockets.socket(cs, SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        assertThat(Sockets.bind(cs, l, SockAddr.encode(new java.net.InetSocketAddress("127.0.0.1", 0), cs.sockaddr())))
                .isZero();
        assertThat(Sockets.listen(cs, l, 4)).isZero();
        assertThat(Sockets.getsockname(cs, l)).isZero();
        java.net.SocketAddress at = SockAddr.decode(cs.sockaddr(), cs.sockaddrLength());
        int c = Sockets.socket(cs, SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        int r = Sockets.connect(cs, c, SockAddr.encode(at, cs.sockaddr()));
        assertThat(r == 0 || r == -Errno.EINPROGRESS).isTrue();
        int a;
        long deadline = System.nanoTime() + 2_000_000_000L;
        while ((a = Sockets.accept(cs, l)) == -Errno.EAGAIN && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(a).isNotNegative();
        Fd.close(cs, l);
        return new int[] {a, c};
    }

    private void write(int fd, String s) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocateFrom(s);
            long deadline = System.nanoTime() + 2_000_000_000L;
            long n;
            while ((n = Io.write(cs, fd, m, s.length())) == -Errno.EAGAIN && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(n).isEqualTo(s.length());
        }
    }
}
