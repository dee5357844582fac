package io.weft.testkit.loop;

import static io.weft.testkit.loop.LoopFixture.ms;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import io.weft.testkit.Loopback;
import io.weft.testkit.Loopback.SocketPair;
import io.weft.testkit.Loops;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The order callbacks run in, and why a busy callback cannot starve I/O or timers. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CallbackOrderTest {
    private final LoopFixture f = new LoopFixture();

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void callSoonRunsCallbacksInTheOrderTheyWereScheduled() {
        EventLoop loop = f.loop();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            loop.callSoon(() -> order.add(n));
        }
        Loops.runTurns(loop, 1);
        assertThat(order).containsExactlyElementsOf(IntStream.range(0, 1000).boxed().toList());
    }

    @Test
    void aCallbackScheduledDuringATurnRunsOnTheNextTurn() {
        EventLoop loop = f.loop();
        List<String> log = new ArrayList<>();
        loop.callSoon(() -> {
            log.add("a@" + loop.stats().turns());
            loop.callSoon(() -> log.add("c@" + loop.stats().turns()));
        });
        loop.callSoon(() -> log.add("b@" + loop.stats().turns()));
        Loops.runTurns(loop, 2);
        assertThat(log).containsExactly("a@0", "b@0", "c@1");
    }

    @Test
    void aSelfReschedulingCallbackDoesNotStarveIoOrTimers() throws IOException {
        EventLoop loop = f.loop();
        int giveUp = 100_000;
        int[] spins = {0};
        int[] readAtSpin = {-1};
        int[] timerAtSpin = {-1};
        try (SocketPair s = Loopback.pair()) {
            loop.addReader(s.server(), () -> {
                readAtSpin[0] = spins[0];
                loop.removeReader(s.server());
            });
            loop.callLater(ms(5), () -> timerAtSpin[0] = spins[0]);
            // Busy forever: reschedules itself every turn and moves time on by 1 ms each time.
            loop.callSoon(new Runnable() {
                @Override
                public void run() {
                    spins[0]++;
                    f.clock.advance(ms(1));
                    boolean bothSeen = readAtSpin[0] >= 0 && timerAtSpin[0] >= 0;
                    if (bothSeen || spins[0] == giveUp) {
                        loop.stop();
                    } else {
                        loop.callSoon(this);
                    }
                }
            });
            s.client().write(ByteBuffer.wrap(new byte[] {42}));
            loop.runForever();
        }
        assertThat(readAtSpin[0]).as("spin at which the reader ran").isBetween(1, giveUp - 1);
        // Due once the clock reaches 5 ms, i.e. after the 5th spin: it runs on the next turn.
        assertThat(timerAtSpin[0]).as("spin at which the 5 ms timer ran").isBetween(5, 6);
    }
}
