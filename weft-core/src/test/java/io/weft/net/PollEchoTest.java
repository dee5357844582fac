package io.weft.net;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;

/** The echo tests again on the poll(2) poller: every backend must pass the same contract. */
class PollEchoTest extends EchoTest {
    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.poller(PollerKind.POLL);
    }
}
