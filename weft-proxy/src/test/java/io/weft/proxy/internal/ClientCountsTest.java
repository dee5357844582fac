package io.weft.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-client counts shared by the loops, hammered from several threads at once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientCountsTest {
    @Test
    void neverAdmitsMoreThanTheLimitAndRetiresCountersThatReachZero() throws Exception {
        ClientCounts counts = new ClientCounts();
        InetAddress a = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
        InetAddress b = InetAddress.getByAddress(new byte[] {10, 0, 0, 2});
        int max = 3;
        AtomicInteger heldA = new AtomicInteger();
        AtomicInteger heldB = new AtomicInteger();
        AtomicReference<String> broken = new AtomicReference<>();
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            InetAddress mine = t % 2 == 0 ? a : b;
            AtomicInteger held = t % 2 == 0 ? heldA : heldB;
            all.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < 200_000; i++) {
                    if (counts.tryAcquire(mine, max)) {
                        // The counter said yes: our own tally of holders may never pass the limit.
                        if (held.incrementAndGet() > max) {
                            broken.compareAndSet(null, "more than " + max + " held by " + mine);
                        }
                        held.decrementAndGet();
                        counts.release(mine);
                    }
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        assertThat(broken.get()).isNull();
        assertThat(counts.held(a)).isZero();
        assertThat(counts.held(b)).isZero();
        assertThat(counts.clients()).as("every counter retired and removed").isZero();
        // And the limit still holds afterwards.
        for (int i = 0; i < max; i++) {
            assertThat(counts.tryAcquire(a, max)).isTrue();
        }
        assertThat(counts.tryAcquire(a, max)).isFalse();
        assertThat(counts.tryAcquire(b, max)).isTrue();
    }
}
