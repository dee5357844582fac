package io.weft.net;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;

/** {@link HalfCloseTest} on the native epoll backend. */
class EpollHalfCloseTest extends HalfCloseTest {
    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.poller(PollerKind.EPOLL);
    }
}
