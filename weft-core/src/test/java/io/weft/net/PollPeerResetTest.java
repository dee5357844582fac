package io.weft.net;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;

/** {@link PeerResetTest} on the poll(2) poller. */
class PollPeerResetTest extends PeerResetTest {
    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.poller(PollerKind.POLL);
    }
}
