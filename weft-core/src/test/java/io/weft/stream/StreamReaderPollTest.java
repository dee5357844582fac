package io.weft.stream;

import io.weft.loop.PollerKind;

/** {@link StreamReaderTest} on the poll(2) poller: pausing and resuming reads re-arms differently there. */
class StreamReaderPollTest extends StreamReaderTest {
    @Override
    PollerKind poller() {
        return PollerKind.POLL;
    }
}
