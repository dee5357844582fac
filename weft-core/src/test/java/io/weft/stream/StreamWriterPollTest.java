package io.weft.stream;

import io.weft.loop.PollerKind;

/** {@link StreamWriterTest} on the poll(2) poller: pausing and resuming reads re-arms differently there. */
class StreamWriterPollTest extends StreamWriterTest {
    @Override
    PollerKind poller() {
        return PollerKind.POLL;
    }
}
