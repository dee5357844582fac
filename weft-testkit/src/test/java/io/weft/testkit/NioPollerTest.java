package io.weft.testkit;

import io.weft.loop.PollerKind;

/** The poller contract on the JDK's default selector (epoll on Linux). */
class NioPollerTest extends PollerContract {
    @Override
    protected PollerKind pollerKind() {
        return PollerKind.NIO;
    }
}
