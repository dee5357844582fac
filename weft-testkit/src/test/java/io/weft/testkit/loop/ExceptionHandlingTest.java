package io.weft.testkit.loop;

import static io.weft.testkit.loop.LoopFixture.ms;
import static io.weft.testkit.loop.LoopFixture.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import io.weft.testkit.ExceptionRecorder.Report;
import io.weft.testkit.Loopback;
import io.weft.testkit.Loopback.SocketPair;
import io.weft.testkit.Loops;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An exception escaping a callback goes to the exception handler and never stops the loop. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExceptionHandlingTest {
    private final LoopFixture f = new LoopFixture();

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void anExceptionGoesToTheHandlerNamingTheCallbackAndTheLoopGoesOn() {
        EventLoop loop = f.loop();
        RuntimeException boom = new IllegalStateException("boom");
        AtomicBoolean after = new AtomicBoolean();
        loop.callSoon(named("exploding-callback", () -> {
            throw boom;
        }));
        loop.callSoon(() -> after.set(true));
        Loops.runTurns(loop, 2);

        assertThat(after).as("the callback queued after the failing one ran").isTrue();
        assertThat(f.errors.reports()).singleElement().satisfies(r -> {
            assertThat(r.error()).isSameAs(boom);
            assertThat(r.context()).contains("exploding-callback");
        });
        f.errors.clear();
    }

    @Test
    void timerAndReaderExceptionsGoToTheHandlerToo() throws IOException {
        EventLoop loop = f.loop();
        try (SocketPair s = Loopback.pair()) {
            loop.callLater(ms(1), named("exploding-timer", () -> {
                throw new AssertionError("an Error too");
            }));
            loop.addReader(s.server(), named("exploding-reader", () -> {
                loop.removeReader(s.server());
                throw new IllegalArgumentException("reader failed");
            }));
            s.client().write(ByteBuffer.wrap(new byte[] {1}));
            f.clock.advance(ms(1));
            while (f.errors.reports().size() < 2) {
                Loops.runTurns(loop, 1);
            }
        }
        assertThat(f.errors.reports()).extracting(Report::context).anySatisfy(c -> assertThat(c).contains("exploding-timer"))
                .anySatisfy(c -> assertThat(c).contains("reader").contains("exploding-reader"));
        AtomicBoolean stillRunning = new AtomicBoolean();
        loop.callSoon(() -> stillRunning.set(true));
        Loops.runTurns(loop, 1);
        assertThat(stillRunning).isTrue();
        f.errors.clear();
    }

    @Test
    void aFailingExceptionHandlerDoesNotStopTheLoop() {
        EventLoop loop = f.loop(f.config().exceptionHandler((l, context, error) -> {
            throw new IllegalStateException("the handler itself failed (expected by this test; logged, not thrown)");
        }));
        AtomicBoolean after = new AtomicBoolean();
        loop.callSoon(() -> {
            throw new IllegalStateException("callback failed (expected by this test)");
        });
        loop.callSoon(() -> after.set(true));
        Loops.runTurns(loop, 2);
        assertThat(after).isTrue();
    }
}
