package io.weft.testkit;

import io.weft.loop.PollerKind;

/** The poller contract on the JDK's poll(2) selector. */
class PollPollerTest extends PollerContract {
    @Override
    protected PollerKind pollerKind() {
        return PollerKind.POLL;
    }
}
