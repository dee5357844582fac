package io.weft.net;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;

/** {@link HalfCloseTest} on the poll(2) poller. */
class PollHalfCloseTest extends HalfCloseTest {
    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.poller(PollerKind.POLL);
    }
}
