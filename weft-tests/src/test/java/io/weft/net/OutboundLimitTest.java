package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server-wide cap on buffered output: 50 clients that never read and 5 that do; the server
 * broadcasts to all, ignoring per-connection pauses (as a careless chat server would). The slow
 * ones are dropped with {@link OutboundLimitException}; the fast ones get every byte; the
 * server's total never goes over the cap by more than one write.
 */
class OutboundLimitTest extends NetTestSupport {
    static final int SLOW = 50;
    static final int FAST = 5;
    static final long CAP = 256 * 1024;
    static final int MESSAGE = 4 * 1024;

    @ParameterizedTest
    @EnumSource(OverflowPolicy.class)
    void slowReadersAreDroppedAndFastOnesKeepEverything(OverflowPolicy policy) throws Exception {
        Server s = server(checked(() -> new Hub(loop)),
                ServerOptions.builder().maxBufferedBytes(CAP, policy).build());
        InetSocketAddress at = address(s);
        Set<Integer> slowPorts = new HashSet<>();
        for (int i = 0; i < SLOW; i++) {
            slowPorts.add(closeLater(RawPeer.connect(at, 4096)).localPort());
        }
        List<CheckedProtocol<Recorder>> fast = new ArrayList<>();
        for (int i = 0; i < FAST; i++) {
            fast.add(await(Net.createConnection(loop, checked(() -> new Recorder(loop)), at, ConnectOptions.defaults())));
        }
        await(until(() -> s.connectionCount() == SLOW + FAST));
        List<CheckedProtocol<Hub>> serverSide = new ArrayList<>();
        for (int i = 0; i < SLOW + FAST; i++) {
            serverSide.add(await(made(Hub.class)));
        }
        List<CheckedProtocol<Hub>> slowSide = serverSide.stream()
                .filter(p -> slowPorts.contains(((InetSocketAddress) p.transport().remoteAddress()).getPort())).toList();
        assertThat(slowSide).hasSize(SLOW);

        // Broadcast one message per loop turn (so the fast clients read in between) until every
        // slow connection is gone, checking the server's total after each write.
        ByteArrayOutputStream everything = new ByteArrayOutputStream();
        long[] worst = {0};
        Promise<Integer> broadcastDone = loop.newPromise();
        Runnable[] step = new Runnable[1];
        int[] sent = {0};
        step[0] = () -> {
            byte[] msg = message(sent[0]++);
            everything.writeBytes(msg);
            for (CheckedProtocol<Hub> p : serverSide) {
                p.transport().write(msg); // dropped silently on a connection already lost
                worst[0] = Math.max(worst[0], s.bufferedBytes());
            }
            if (slowSide.stream().allMatch(CheckedProtocol::isLost) || sent[0] > 20_000) {
                broadcastDone.complete(sent[0]);
            } else {
                loop.callSoon(step[0]);
            }
        };
        loop.callSoon(step[0]);
        int messages = await(broadcastDone);
        assertThat(messages).as("all slow readers dropped within 80 MiB").isLessThanOrEqualTo(20_000);

        for (CheckedProtocol<Hub> p : slowSide) {
            assertThat(await(p.lost())).isInstanceOf(OutboundLimitException.class)
                    .hasMessageContaining("limit of " + CAP);
        }
        assertThat(worst[0]).as("the server's buffered total, at worst").isLessThanOrEqualTo(CAP + MESSAGE);

        // The fast ones never lost a byte: close them (flushing) and compare.
        for (CheckedProtocol<Hub> p : serverSide) {
            if (!slowSide.contains(p)) {
                assertThat(p.isLost()).isFalse();
                p.transport().close();
            }
        }
        for (CheckedProtocol<Recorder> c : fast) {
            assertThat(await(c.lost())).isNull();
            assertThat(c.inner().bytes()).isEqualTo(everything.toByteArray());
        }
        await(until(() -> s.connectionCount() == 0));
        assertThat(s.bufferedBytes()).isZero();
    }

    /**
     * Three readers that never read, holding about 1, 4 and 1 MiB; a write of 1.5 MiB to the
     * third crosses a 6.5 MiB cap: the second, the largest, is dropped and not the writer.
     */
    @org.junit.jupiter.api.Test
    void dropLargestDropsTheLargestNotTheWriter() throws Exception {
        long cap = 13L << 19; // 6.5 MiB
        Server s = server(checked(() -> new Hub(loop)),
                ServerOptions.builder().maxBufferedBytes(cap, OverflowPolicy.DROP_LARGEST).build());
        InetSocketAddress at = address(s);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ports.add(closeLater(RawPeer.connect(at, 4096)).localPort());
        }
        await(until(() -> s.connectionCount() == 3));
        CheckedProtocol<?>[] byPeer = new CheckedProtocol<?>[3];
        for (int i = 0; i < 3; i++) {
            CheckedProtocol<Hub> p = await(made(Hub.class));
            byPeer[ports.indexOf(((InetSocketAddress) p.transport().remoteAddress()).getPort())] = p;
        }
        int mib = 1 << 20;
        // The kernel takes what fits a socket's send buffer first (how much varies, and a
        // completion backend learns it only once its send was tried), so write, with loop turns
        // between, until the server holds each amount. The peers never read: nothing drains.
        fill(s, byPeer[0].transport(), mib);
        fill(s, byPeer[1].transport(), 4 * mib);
        fill(s, byPeer[2].transport(), mib);
        assertThat(s.bufferedBytes()).isLessThanOrEqualTo(cap);
        byPeer[2].transport().write(new byte[3 * mib / 2]);
        assertThat(await(byPeer[1].lost())).isInstanceOf(OutboundLimitException.class);
        assertThat(byPeer[0].isLost()).isFalse();
        assertThat(byPeer[2].isLost()).isFalse();
        assertThat(s.bufferedBytes()).isLessThanOrEqualTo(cap);
        byPeer[0].transport().abort();
        byPeer[2].transport().abort();
        await(until(() -> s.connectionCount() == 0));
        assertThat(s.bufferedBytes()).isZero();
    }

    /**
     * One write, never another, to a peer that never reads: what the kernel refuses counts
     * against the cap without a further write (on io_uring the write waits uncounted for the
     * turn's send, and the kernel's answer to that send shows the bytes are held), so the writer
     * is dropped.
     */
    @org.junit.jupiter.api.Test
    void oneBurstToAPeerThatNeverReadsIsHeldAndDropped() throws Exception {
        long cap = 1 << 20;
        Server s = server(checked(() -> new Hub(loop)),
                ServerOptions.builder().maxBufferedBytes(cap, OverflowPolicy.DROP_WRITER).build());
        closeLater(RawPeer.connect(address(s), 4096));
        CheckedProtocol<Hub> p = await(made(Hub.class));
        p.transport().write(new byte[16 << 20]); // more than a send buffer takes (tcp_wmem allows 4 MiB by default)
        assertThat(await(p.lost())).isInstanceOf(OutboundLimitException.class).hasMessageContaining("limit of " + cap);
        await(until(() -> s.connectionCount() == 0));
        assertThat(s.bufferedBytes()).isZero();
    }

    /**
     * Small writes to a peer that never reads, each only once the last has left, until one does
     * not leave; then no more writes. What the kernel refused counts anyway: on io_uring the send
     * that found the socket full is still in flight after its enter, and that alone must reach
     * the server's count (a backend that waited for the next write to report it would leave a
     * connection written once holding bytes the cap never sees).
     */
    @org.junit.jupiter.api.Test
    void bytesTheKernelRefusedCountWithoutAnotherWrite() throws Exception {
        Server s = server(checked(() -> new Hub(loop)),
                ServerOptions.builder().maxBufferedBytes(1L << 30, OverflowPolicy.DROP_WRITER).build());
        closeLater(RawPeer.connect(address(s), 4096));
        Transport t = await(made(Hub.class)).transport();
        byte[] message = new byte[4096];
        // Checked every few milliseconds of loop time, so the loop has entered the kernel between.
        await(until(() -> {
            if (t.writeBufferSize() > 0) {
                return true; // a write that has not left: the socket is full
            }
            t.write(message);
            return false;
        }));
        await(until(() -> s.bufferedBytes() > 0));
        assertThat(s.bufferedBytes()).isEqualTo(t.writeBufferSize());
        t.abort();
        await(until(() -> s.connectionCount() == 0));
        assertThat(s.bufferedBytes()).isZero();
    }

    /** Writes 64 KiB chunks to {@code t}, a loop turn or more apart, until {@code s} holds {@code bytes} more. */
    void fill(Server s, Transport t, long bytes) {
        long target = s.bufferedBytes() + bytes;
        byte[] chunk = new byte[64 * 1024];
        await(until(() -> {
            if (s.bufferedBytes() >= target) {
                return true;
            }
            t.write(chunk);
            return false;
        }));
    }

    /** The server side of every connection. */
    static final class Hub extends Recorder {
        Hub(io.weft.loop.EventLoop loop) {
            super(loop);
        }
    }

    static byte[] message(int seq) {
        ByteBuffer b = ByteBuffer.allocate(MESSAGE);
        while (b.hasRemaining()) {
            b.putInt(seq);
        }
        return b.array();
    }
}
