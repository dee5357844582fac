package io.weft.time;

/** The one place in Weft that reads {@link System#nanoTime()}. */
enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "Clock.system()";
    }
}
