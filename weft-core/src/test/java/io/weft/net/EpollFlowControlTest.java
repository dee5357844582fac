package io.weft.net;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;

/** {@link FlowControlTest} on the native epoll backend. */
class EpollFlowControlTest extends FlowControlTest {
    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.poller(PollerKind.EPOLL);
    }
}
