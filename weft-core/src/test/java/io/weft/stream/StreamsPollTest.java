package io.weft.stream;

import io.weft.loop.PollerKind;

/** {@link StreamsTest} on the poll(2) poller: pausing and resuming reads re-arms differently there. */
class StreamsPollTest extends StreamsTest {
    @Override
    PollerKind poller() {
        return PollerKind.POLL;
    }
}
