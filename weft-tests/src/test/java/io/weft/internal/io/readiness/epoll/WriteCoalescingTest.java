package io.weft.internal.io.readiness.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.internal.io.Drivers;
import io.weft.internal.loop.Loop;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-turn write coalescing on epoll: a burst of small writes in one callback costs the turn's
 * first write and one gathered write at the end of the turn, not a system call per write, and
 * the peer gets every byte in order.
 */
@Timeout(30)
class WriteCoalescingTest {

    @Test
    void aBurstOfSmallWritesInOneCallbackLeavesInTwoSystemCalls() throws Exception {
        assumeTrue(Drivers.status(PollerKind.EPOLL).ok(), () -> "epoll cannot run here: "
                + Drivers.status(PollerKind.EPOLL).reason());
        int messages = 100;
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < messages; i++) {
            expected.append(String.format("msg %05d\n", i)); // 10 bytes each
        }
        try (EventLoop loop = EventLoop.start(LoopConfig.builder().poller(PollerKind.EPOLL).threadName("coalesce").build())) {
            CompletableFuture<long[]> calls = new CompletableFuture<>();
            CompletableFuture<Server> listening = new CompletableFuture<>();
            loop.execute(() -> Net.createServer(loop, () -> new Protocol() {
                @Override
                public void connectionMade(Transport t) {
                    EpollDriver driver = (EpollDriver) Loop.of(loop).driver();
                    long before = driver.writeCalls();
                    for (int i = 0; i < messages; i++) {
                        t.write(ByteBuffer.wrap(String.format("msg %05d\n", i).getBytes(StandardCharsets.US_ASCII)));
                    }
                    // What the end of this turn sends is counted from the next turn on.
                    loop.callSoon(() -> calls.complete(new long[] {before, driver.writeCalls()}));
                }

                @Override
                public void dataReceived(ByteBuffer data) {
                }
            }, new InetSocketAddress("127.0.0.1", 0), ServerOptions.defaults())
                    .whenComplete((s, e) -> {
                        if (e != null) {
                            listening.completeExceptionally(e);
                        } else {
                            listening.complete(s);
                        }
                    }));
            InetSocketAddress at = (InetSocketAddress) listening.get(10, TimeUnit.SECONDS).addresses().getFirst();
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                InputStream in = s.getInputStream();
                byte[] got = in.readNBytes(expected.length());
                assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
                long[] c = calls.get(10, TimeUnit.SECONDS);
                assertThat(c[1] - c[0]).as("write system calls for %d writes in one callback", messages)
                        .isLessThanOrEqualTo(2);
            }
        }
    }
}
