package io.weft.internal.offload;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import org.junit.jupiter.api.Test;

/**
 * What {@link FirstUse} promises, without timing: once a loop has opened, the process's offload
 * pool exists, made by the preparation thread rather than by the first file operation, and every
 * class it names still resolves (a rename would otherwise quietly bring the stall back).
 */
class FirstUseTest {

    @Test
    void openingALoopMakesTheOffloadPoolAndLoadsTheFileBackend() throws InterruptedException {
        try (EventLoop loop = EventLoop.create()) {
            assertThat(FirstUse.awaitDone(60_000)).as("the preparation thread ran and finished").isTrue();
            assertThat(OffloadPool.sharedIfMade()).as("the shared pool, made before any offload").isNotNull();
            assertThat(FirstUse.missing()).isEmpty();
        }
    }

    @Test
    void everyClassItNamesExists() throws ClassNotFoundException {
        for (String name : FirstUse.classNames()) {
            assertThat(Class.forName(name, false, FirstUse.class.getClassLoader()).getName()).isEqualTo(name);
        }
    }
}
