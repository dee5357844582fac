package io.weft.net;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;

/** {@link CloseAbortTest} on the native epoll backend. */
class EpollCloseAbortTest extends CloseAbortTest {
    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.poller(PollerKind.EPOLL);
    }
}
