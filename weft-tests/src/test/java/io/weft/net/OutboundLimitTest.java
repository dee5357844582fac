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
