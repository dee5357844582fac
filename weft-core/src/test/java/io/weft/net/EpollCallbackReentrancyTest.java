package io.weft.net;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;

/** {@link CallbackReentrancyTest} on the native epoll backend. */
class EpollCallbackReentrancyTest extends CallbackReentrancyTest {
    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.poller(PollerKind.EPOLL);
    }
}
