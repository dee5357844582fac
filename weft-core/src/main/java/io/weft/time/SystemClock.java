package io.weft.time;

import io.weft.internal.loop.LoopHost;

/** The one place in Weft that reads {@link System#nanoTime()}. */
enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long nanoTime() {
        if (LoopHost.anyInstalled()) {
            LoopHost.realClockRead(); // a simulation's debug check: real time under simulated time
        }
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "Clock.system()";
    }
}
