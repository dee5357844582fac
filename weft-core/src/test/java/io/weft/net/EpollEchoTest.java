package io.weft.net;

import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;

/** {@link EchoTest} on the native epoll backend. */
class EpollEchoTest extends EchoTest {
    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.poller(PollerKind.EPOLL);
    }
}
