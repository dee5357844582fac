package io.weft.testkit.loop;

import static io.weft.testkit.loop.LoopFixture.ms;
import static io.weft.testkit.loop.LoopFixture.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import io.weft.loop.LoopWarning;
import io.weft.testkit.ExceptionRecorder.Report;
import io.weft.testkit.Loops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Debug mode: slow-callback warnings and call sites in error contexts. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DebugModeTest {
    private final LoopFixture f = new LoopFixture();

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void aSlowCallbackIsReportedWithItsNameAndHowLongItTook() {
        EventLoop loop = f.loop(f.config().debug(true).slowCallbackThreshold(ms(20)));
        loop.callSoon(named("spin-50ms", () -> LoopFixture.spin(ms(50))));
        Loops.runTurns(loop, 1);

        // Only the spinning callback is certain to be slow; on a loaded machine others may be too.
        assertThat(f.errors.reports()).filteredOn(r -> r.context().contains("spin-50ms")).singleElement()
                .satisfies(r -> assertThat(r.error()).isInstanceOfSatisfying(LoopWarning.SlowCallback.class, w -> {
                    assertThat(w.callback()).contains("spin-50ms");
                    assertThat(w.took()).isGreaterThanOrEqualTo(ms(50));
                    assertThat(w.getMessage()).contains("spin-50ms").contains("20 ms");
                }));
        assertThat(f.errors.reports()).extracting(Report::error).allMatch(e -> e instanceof LoopWarning.SlowCallback);
        f.errors.clear();
    }

    @Test
    void withoutDebugModeASlowCallbackIsNotReported() {
        EventLoop loop = f.loop(f.config().debug(false).slowCallbackThreshold(ms(1)));
        loop.callSoon(named("spin-20ms", () -> LoopFixture.spin(ms(20))));
        Loops.runTurns(loop, 1);
        assertThat(f.errors.reports()).isEmpty();
    }

    @Test
    void debugModePutsTheCallSiteInTheExceptionContext() {
        EventLoop loop = f.loop(f.config().debug(true).slowCallbackThreshold(ms(10_000)));
        int line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
        loop.callSoon(named("exploding", () -> {
            throw new IllegalStateException("expected by this test");
        }));
        Loops.runTurns(loop, 1);

        assertThat(f.errors.reports()).singleElement().extracting(Report::context).asString()
                .contains("exploding")
                .contains("DebugModeTest.debugModePutsTheCallSiteInTheExceptionContext(DebugModeTest.java:" + line + ")");
        f.errors.clear();
    }

    @Test
    void withoutDebugModeTheContextHasNoCallSite() {
        EventLoop loop = f.loop(f.config().debug(false));
        loop.callSoon(named("exploding", () -> {
            throw new IllegalStateException("expected by this test");
        }));
        Loops.runTurns(loop, 1);
        assertThat(f.errors.reports()).singleElement().extracting(Report::context).asString()
                .contains("exploding").doesNotContain("DebugModeTest.java");
        f.errors.clear();
    }
}
