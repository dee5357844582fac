package io.weft.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.future.Promise;
import io.weft.net.GroupServer;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.ServerOptions;
import io.weft.net.Transport;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code submit}, {@code EventLoop.current()} and a group server whose protocol factory is made per loop. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopConveniencesTest {

    @Test
    void submitRunsOnTheLoopFromAnyThreadAndCarriesResultOrFailure() throws Exception {
        try (EventLoop loop = EventLoop.start(LoopConfig.builder().threadName("submit").build())) {
            Promise<String> where = loop.submit(() -> Thread.currentThread().getName());
            assertThat(where.join()).isEqualTo("submit");
            Promise<Object> failing = loop.submit(() -> {
                throw new IllegalStateException("boom");
            });
            assertThatThrownBy(failing::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void currentIsTheLoopARunningThreadOrGreenThreadBelongsTo() throws Exception {
        assertThat(EventLoop.current()).as("a thread running no loop").isEmpty();
        try (EventLoop loop = EventLoop.create()) {
            assertThat(loop.runUntilComplete(loop.submit(() -> EventLoop.current().orElse(null)))).isSameAs(loop);
            assertThat(loop.runUntilComplete(loop.spawn(() -> EventLoop.current().orElse(null)))).isSameAs(loop);
            assertThat(EventLoop.current()).as("after the run returned").isEmpty();
        }
    }

    @Test
    void aGroupServerMakesItsProtocolFactoryOncePerLoopOnThatLoop() throws Exception {
        Set<String> factoriesMadeOn = ConcurrentHashMap.newKeySet();
        AtomicInteger factories = new AtomicInteger();
        try (LoopGroup group = LoopGroup.start(2, LoopConfig.builder().threadName("per-loop").build())) {
            GroupServer server = Net.createServer(group, loop -> {
                factories.incrementAndGet();
                factoriesMadeOn.add(Thread.currentThread().getName());
                assertThat(loop.inLoop()).isTrue();
                String name = Thread.currentThread().getName();
                return () -> new Protocol() {
                    private Transport t;

                    @Override
                    public void connectionMade(Transport transport) {
                        t = transport;
                        t.write(ByteBuffer.wrap((name + "\n").getBytes(StandardCharsets.US_ASCII)));
                        t.close();
                    }

                    @Override
                    public void dataReceived(ByteBuffer data) {
                    }
                };
            }, new InetSocketAddress("127.0.0.1", 0), ServerOptions.defaults());
            assertThat(factories.get()).as("one factory per loop").isEqualTo(2);
            assertThat(factoriesMadeOn).containsExactlyInAnyOrder("per-loop-0", "per-loop-1");
            InetSocketAddress at = (InetSocketAddress) server.addresses().getFirst();
            for (int i = 0; i < 4; i++) {
                try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                    InputStream in = s.getInputStream();
                    String served = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
                    assertThat(served).as("each connection is served by its own loop's factory").isIn("per-loop-0", "per-loop-1");
                }
            }
            server.close();
        }
    }
}
