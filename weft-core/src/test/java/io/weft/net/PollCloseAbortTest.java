package io.weft.net;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;

/** {@link CloseAbortTest} on the poll(2) poller. */
class PollCloseAbortTest extends CloseAbortTest {
    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.poller(PollerKind.POLL);
    }
}
